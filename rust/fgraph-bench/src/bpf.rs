// SPDX-License-Identifier: GPL-2.0

//! A BPF kprobe_multi return link on one function, made and released with
//! bpf(2) as libbpf does for bpftrace's `kretprobe:` probes: creating it
//! registers an fprobe with an exit handler (an fgraph_ops), closing its
//! last file descriptor releases it through `unregister_fprobe_async()`,
//! which is documented not to wait for a grace period. Timing these two
//! leaves out what bpftrace adds around them (parsing, compiling, BTF).

use crate::{Timing, timed_here};
use std::{
    ffi::CString,
    io,
    os::fd::{FromRawFd, OwnedFd},
};

// include/uapi/linux/bpf.h
const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_LINK_CREATE: libc::c_long = 28;
const BPF_PROG_TYPE_KPROBE: u32 = 2;
const BPF_TRACE_KPROBE_MULTI: u32 = 42;
const BPF_F_KPROBE_MULTI_RETURN: u32 = 1;

/// `union bpf_attr`, large enough for the two commands used here; the
/// kernel checks that the bytes it does not know are zero.
#[repr(C, align(8))]
struct Attr([u8; 128]);

impl Attr {
    fn new() -> Self {
        Attr([0; 128])
    }

    fn u32(&mut self, offset: usize, v: u32) -> &mut Self {
        self.0[offset..offset + 4].copy_from_slice(&v.to_ne_bytes());
        self
    }

    fn u64(&mut self, offset: usize, v: u64) -> &mut Self {
        self.0[offset..offset + 8].copy_from_slice(&v.to_ne_bytes());
        self
    }

    fn call(&self, cmd: libc::c_long) -> io::Result<OwnedFd> {
        // SAFETY: the attribute is a valid, initialized buffer of the size
        // passed; the pointers inside it point to memory that outlives the
        // call (the caller's locals).
        let fd = unsafe {
            libc::syscall(
                libc::SYS_bpf,
                cmd,
                self.0.as_ptr(),
                self.0.len() as libc::c_uint,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: bpf(2) returned a new file descriptor that nothing else owns.
        Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
    }
}

/// A program of type kprobe, for kprobe_multi links: `r0 = 0; exit`.
pub struct Prog(OwnedFd);

impl Prog {
    pub fn load() -> Result<Self, String> {
        // BPF_ALU64 | BPF_MOV | BPF_K into r0, imm 0; then BPF_JMP | BPF_EXIT
        let insns: [u64; 2] = [0xb7, 0x95];
        let license = c"GPL";
        let mut attr = Attr::new();
        attr.u32(0, BPF_PROG_TYPE_KPROBE)
            .u32(4, insns.len() as u32)
            .u64(8, insns.as_ptr() as u64)
            .u64(16, license.as_ptr() as u64)
            .u32(68, BPF_TRACE_KPROBE_MULTI);
        attr.call(BPF_PROG_LOAD)
            .map(Prog)
            .map_err(|e| format!("bpf(BPF_PROG_LOAD) of a kprobe_multi program: {e}"))
    }

    /// Attach a return link on `func`, then close it: the two times.
    pub fn link_cycle(&self, func: &str) -> Result<(Timing, Timing), String> {
        use std::os::fd::AsRawFd;

        let sym = CString::new(func).map_err(|e| format!("{func}: {e}"))?;
        let syms = [sym.as_ptr()];
        let mut attr = Attr::new();
        attr.u32(0, self.0.as_raw_fd() as u32)
            .u32(8, BPF_TRACE_KPROBE_MULTI)
            .u32(16, BPF_F_KPROBE_MULTI_RETURN)
            .u32(20, 1)
            .u64(24, syms.as_ptr() as u64);
        let (link, attach) = timed_here(|| attr.call(BPF_LINK_CREATE));
        let link =
            link.map_err(|e| format!("bpf(BPF_LINK_CREATE) kprobe_multi return on {func}: {e}"))?;
        let ((), release) = timed_here(|| drop(link));
        Ok((attach, release))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_fields_land_at_their_offsets() {
        let mut a = Attr::new();
        a.u32(20, 1).u64(24, 0x0102_0304_0506_0708);
        assert_eq!(&a.0[20..24], &1u32.to_ne_bytes());
        assert_eq!(&a.0[24..32], &0x0102_0304_0506_0708u64.to_ne_bytes());
        assert!(a.0[..20].iter().all(|&b| b == 0));
        assert_eq!(std::mem::align_of::<Attr>(), 8);
    }
}
