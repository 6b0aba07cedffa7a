// SPDX-License-Identifier: GPL-2.0

//! Benchmark workloads for the function-graph shadow-stack lifecycle, run as
//! root inside a test guest (`fgraph_stack` counts are exact: the cache is
//! shrunk before each count). Every sample is printed as one line
//! `fgl-bench: {json}`; `fgraph-bench-report` turns the lines of several
//! variants into tables and plots.
//!
//! Workloads, in this order (fork cost "never" must come first in a boot):
//!
//! - `fork`, phase `never`: fork+exit and thread create+join rates before
//!   graph tracing was ever enabled;
//! - `memory` for each task count N: N idle threads (plus 4 readers parked
//!   in a traced `read()`): stacks before enable, while enabled, right after
//!   disable, once the linger (`--linger-ms`, set where the kernel has
//!   `fgraph.linger_ms`) has passed with the readers still parked, and 1 s
//!   after they returned (bytes: 4 KiB per stack); then 20 more
//!   enable/disable cycles, sampled after each step (the curve over time);
//!   each enable and disable is timed (`latency`); then, with the stacks
//!   still there, 20 times an enable (`enable_linger`), `tracing_thresh` set
//!   and cleared (each makes the function_graph tracer unregister and
//!   register its fgraph_ops again, as its `funcgraph-args` option does,
//!   which needs BTF that the test kernels do not have) and a disable
//!   (`disable_linger`); 20 add+enable+disable+remove
//!   cycles of an fprobe exit event (`fprobe_cycle`), and 20 of a BPF
//!   kprobe_multi return link (`bpf_link_attach`, `bpf_link_release`: the
//!   release is `unregister_fprobe_async()`); the stacks 1 s into the
//!   linger and 1 s after its end, and 0.5 s after `drop_caches` (every shrinker)
//!   right after another session; where the kernel has
//!   `fgraph.linger_ms`, the stacks are freed (linger 0) and an enable
//!   after the free is timed (`enable_after_free`, to compare with the
//!   unpatched kernel's first enable);
//! - `fork`, phase `after_cycle`: the same rates after those cycles;
//! - `hotpath`: `read()` of one byte from `/dev/zero` in a loop, with the
//!   call graph of `vfs_read` traced.
//!
//! Only `vfs_read` and `kernel_clone` are patched (`set_ftrace_filter`), so
//! that idle threads are not inside traced code and cycles stay short under
//! emulation.

mod bpf;

use clap::{Parser, builder::RangedU64ValueParser};
use fgraph_bench::{ERROR_PREFIX, Sample};
use fgraph_stacks::{TRACING, WRITE_TIMEOUT, settled_stacks, stacks};
use std::{
    fs::{self, File},
    io::{self, PipeWriter, Read, Write},
    process::ExitCode,
    sync::{Arc, Barrier, mpsc},
    thread,
    time::{Duration, Instant},
};

/// Benchmark workloads for the function-graph shadow-stack lifecycle: run as
/// root inside a test guest.
#[derive(Parser, Debug)]
#[command(about)]
struct Options {
    /// Idle-thread counts of the memory workload
    #[arg(long, value_delimiter = ',', num_args = 1.., default_values_t = [100, 1000, 10000],
          value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
    tasks: Vec<usize>,
    /// Repetitions of each workload
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    reps: u32,
    /// Seconds each rate is measured for
    #[arg(long, default_value_t = 2.0, value_parser = positive)]
    secs: f64,
    /// fgraph.linger_ms during the memory workload, where the kernel has it
    /// (the kernel's default; the test suites set 0)
    #[arg(long, default_value_t = 5000)]
    linger_ms: u64,
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{s}: not a positive number of seconds")),
    }
}

/// Prints one sample, as its console line.
fn sample(s: Sample) {
    println!("{}", s.line());
}

/// How long an operation took: guest time, and the CPU time of the thread
/// that did it, which leaves out its sleeps (grace periods, flushes): under
/// icount, sleeping takes whole timer ticks, while CPU time counts
/// instructions.
#[derive(Clone, Copy, Default)]
struct Timing {
    wall: Duration,
    cpu: Duration,
}

impl std::ops::Add for Timing {
    type Output = Timing;
    fn add(self, o: Timing) -> Timing {
        Timing {
            wall: self.wall + o.wall,
            cpu: self.cpu + o.cpu,
        }
    }
}

/// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu_time() -> Duration {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// Runs `f` in the calling thread, timed.
fn timed_here<T>(f: impl FnOnce() -> T) -> (T, Timing) {
    let (t, c) = (Instant::now(), thread_cpu_time());
    let r = f();
    let cpu = thread_cpu_time().saturating_sub(c);
    (
        r,
        Timing {
            wall: t.elapsed(),
            cpu,
        },
    )
}

/// A tracefs write, timed, in a thread of its own so that a hung write
/// (a leaked lock) is an error after [`WRITE_TIMEOUT`] rather than a hang;
/// the write's own error is an error too.
fn timed_write(path: &str, value: &str) -> Result<Timing, String> {
    let (tx, rx) = mpsc::channel();
    let (p, v) = (path.to_owned(), value.to_owned());
    let t = Instant::now();
    thread::spawn(move || {
        let (r, timing) = timed_here(|| {
            fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&p)
                .and_then(|mut f| f.write_all(v.as_bytes()))
        });
        let _ = tx.send((r, timing.cpu));
    });
    let (r, cpu) = rx
        .recv_timeout(WRITE_TIMEOUT)
        .map_err(|_| format!("writing {value:?} to {path} hung for {WRITE_TIMEOUT:?}"))?;
    r.map_err(|e| format!("{path}={value}: {e}"))?;
    Ok(Timing {
        wall: t.elapsed(),
        cpu,
    })
}

/// Sets the current tracer, timed.
fn tracer(name: &str) -> Result<Timing, String> {
    timed_write(&format!("{TRACING}/current_tracer"), name)
}

/// fgraph_stack objects in use, exactly (the cache is shrunk first).
fn count() -> Result<u64, String> {
    Ok(stacks()?.0)
}

/// Enable/disable cycles of the memory workload, and repetitions of each
/// detach/attach operation, per task count and repetition.
const CYCLES: u32 = 20;

/// The size of one shadow stack (SHADOW_STACK_SIZE). slabinfo's object size
/// is larger under slub_debug (make test's boots), which adds its records.
const STACK_SIZE: u64 = 4096;

/// A CPU clock's time (`clock_gettime()`).
fn cpu_clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock ids used are
    // constants that Linux always has.
    unsafe { libc::clock_gettime(id, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The CPU time of the reaped children (`getrusage(RUSAGE_CHILDREN)`).
fn children_cpu_time() -> Duration {
    // SAFETY: An all-zero rusage is a valid value to be overwritten.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// What [`fork_rates`] measures.
struct ForkRates {
    forks_per_s: f64,
    threads_per_s: f64,
    /// CPU time per fork+exit: the forking thread's and the child's.
    fork_cpu: Duration,
    /// CPU time per thread create+join: the process's.
    thread_cpu: Duration,
}

/// Fork+exit and thread create+join per second, for `secs` each, and the
/// CPU time of each: unlike the rates, it leaves out the time nothing ran.
fn fork_rates(secs: f64) -> ForkRates {
    let span = Duration::from_secs_f64(secs);
    let (cpu, children) = (thread_cpu_time(), children_cpu_time());
    let (mut forks, t) = (0u32, Instant::now());
    while t.elapsed() < span {
        // SAFETY: The child only calls _exit(), async-signal-safe.
        match unsafe { libc::fork() } {
            // SAFETY: Ends the child at once.
            0 => unsafe { libc::_exit(0) },
            pid if pid > 0 => {
                let mut status = 0;
                // SAFETY: Reaps the child just forked; `status` is valid.
                unsafe { libc::waitpid(pid, &mut status, 0) };
                forks += 1;
            }
            _ => break,
        }
    }
    let forks_per_s = f64::from(forks) / t.elapsed().as_secs_f64();
    let fork_cpu = (thread_cpu_time().saturating_sub(cpu)
        + children_cpu_time().saturating_sub(children))
        / forks.max(1);
    let cpu = cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID);
    let (mut threads, t) = (0u32, Instant::now());
    while t.elapsed() < span {
        if thread::spawn(|| ()).join().is_err() {
            break;
        }
        threads += 1;
    }
    ForkRates {
        forks_per_s,
        threads_per_s: f64::from(threads) / t.elapsed().as_secs_f64(),
        fork_cpu,
        thread_cpu: cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID).saturating_sub(cpu) / threads.max(1),
    }
}

fn fork(phase: &str, o: &Options) {
    for rep in 0..o.reps {
        let r = fork_rates(o.secs);
        let us = |d: Duration| Some(d.as_secs_f64() * 1e6);
        sample(Sample::Fork {
            phase: phase.into(),
            rep,
            fork_exit_per_s: r.forks_per_s,
            thread_create_join_per_s: r.threads_per_s,
            fork_exit_cpu_us: us(r.fork_cpu),
            thread_create_join_cpu_us: us(r.thread_cpu),
        });
    }
}

/// Readers asleep in read() on pipes: inside vfs_read, a traced function.
struct Parked {
    writers: Vec<PipeWriter>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Parked {
    fn start(n: usize) -> Result<Self, String> {
        let mut p = Parked {
            writers: Vec::new(),
            threads: Vec::new(),
        };
        for _ in 0..n {
            let (mut r, w) = io::pipe().map_err(|e| format!("pipe: {e}"))?;
            p.threads.push(thread::spawn(move || {
                let _ = r.read(&mut [0u8]);
            }));
            p.writers.push(w);
        }
        Ok(p)
    }

    fn release(self) {
        for mut w in self.writers {
            let _ = w.write_all(b"x");
        }
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// Raises the limits that N threads of one process would hit: pid_max
/// (32768 on a small machine), threads-max, and the memory maps of their
/// stacks (four each: the stack and std's signal stack, each with its
/// guard page).
fn raise_limits(n: usize) -> Result<(), String> {
    for (file, want) in [
        ("/proc/sys/kernel/pid_max", n + 65536),
        ("/proc/sys/kernel/threads-max", n + 65536),
        ("/proc/sys/vm/max_map_count", 4 * n + 65536),
    ] {
        let have: usize = fs::read_to_string(file)
            .map_err(|e| format!("{file}: {e}"))?
            .trim()
            .parse()
            .map_err(|e| format!("{file}: {e}"))?;
        if have < want {
            fs::write(file, want.to_string()).map_err(|e| format!("{file}={want}: {e}"))?;
        }
        // The kernel caps threads-max at what memory allows (1/8 of it
        // in kernel stacks) without saying so.
        let got: usize = fs::read_to_string(file)
            .map_err(|e| format!("{file}: {e}"))?
            .trim()
            .parse()
            .map_err(|e| format!("{file}: {e}"))?;
        if got < n + 1024 {
            return Err(format!(
                "{file} is {got} after writing {want}: too small for {n} threads; \
                 give the guest more memory (FGL_MEMORY)"
            ));
        }
    }
    Ok(())
}

fn memory(n: usize, rep: u32, epoch: Instant, linger_ms: u64) -> Result<(), String> {
    raise_limits(n)?;
    let linger = Duration::from_millis(linger_ms);
    let saved = Linger::set(&linger_ms.to_string())?;
    // Idle threads: blocked on a barrier (futex), which is not traced.
    let gate = Arc::new(Barrier::new(n + 1));
    let idle: Vec<_> = (0..n)
        .map(|i| {
            let g = gate.clone();
            thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    g.wait();
                })
                .map_err(|e| format!("idle thread {i} of {n}: {e}"))
        })
        .collect::<Result<_, _>>()?;
    let point = |phase: &str, cycle: u32| -> Result<(), String> {
        let stacks = count()?;
        let bytes = stacks * STACK_SIZE;
        sample(Sample::Memory {
            tasks: n,
            rep,
            cycle,
            phase: phase.into(),
            t_s: epoch.elapsed().as_secs_f64(),
            stacks,
            bytes,
        });
        Ok(())
    };
    let timed = |what: &str, cycle: u32, d: Timing| {
        sample(Sample::Latency {
            tasks: n,
            rep,
            cycle,
            op: what.into(),
            ms: d.wall.as_secs_f64() * 1e3,
            cpu_ms: Some(d.cpu.as_secs_f64() * 1e3),
        })
    };
    thread::sleep(Duration::from_millis(200));
    point("before", 0)?;
    timed("enable", 0, tracer("function_graph")?);
    // Readers that enter read() now are inside traced code at disable.
    let parked = Parked::start(4)?;
    thread::sleep(Duration::from_millis(200));
    point("enabled", 0)?;
    timed("disable", 0, tracer("nop")?);
    point("disabled", 0)?;
    // Once the linger has passed, only the readers inside traced code keep
    // their stacks; 1 s after they leave it, none
    thread::sleep(linger + Duration::from_secs(1));
    point("past_linger", 0)?;
    parked.release();
    thread::sleep(Duration::from_secs(1));
    point("after_1s", 0)?;
    for cycle in 1..=CYCLES {
        timed("enable", cycle, tracer("function_graph")?);
        point("enabled", cycle)?;
        timed("disable", cycle, tracer("nop")?);
        point("disabled", cycle)?;
    }
    // The operations that detach and attach again while the stacks are
    // there (within the linger; for ever on a kernel that never frees)
    // (Each several times: operations that sleep take whole timer ticks of
    // guest time under icount, and only their mean over many samples
    // resolves a few per cent.)
    for cycle in 0..CYCLES {
        timed("enable_linger", cycle, tracer("function_graph")?);
        for (op, value) in [("thresh_on", "1000"), ("thresh_off", "0")] {
            timed(op, cycle, thresh(value)?);
        }
        timed("disable_linger", cycle, tracer("nop")?);
    }
    for cycle in 0..CYCLES {
        timed("fprobe_cycle", cycle, fprobe_cycle()?);
    }
    let prog = bpf::Prog::load()?;
    for cycle in 0..CYCLES {
        let (attach, release) = prog.link_cycle("vfs_read")?;
        timed("bpf_link_attach", cycle, attach);
        timed("bpf_link_release", cycle, release);
    }
    // Memory over the linger, then under memory pressure (every shrinker,
    // through drop_caches) right after a session
    thread::sleep(Duration::from_secs(1));
    point("linger_1s", 0)?;
    thread::sleep(linger);
    point("linger_end", 0)?;
    tracer("function_graph")?;
    tracer("nop")?;
    fs::write("/proc/sys/vm/drop_caches", "3").map_err(|e| format!("drop_caches: {e}"))?;
    thread::sleep(Duration::from_millis(500));
    point("pressure_0_5s", 0)?;
    // Enabling after the free (linger 0: at once), against the unpatched
    // kernel's first enable of the boot
    if let Some(ours) = Linger::set("0")? {
        settled_stacks(Duration::from_secs(30))?;
        point("freed", 0)?;
        timed("enable_after_free", 0, tracer("function_graph")?);
        timed("disable_after_free", 0, tracer("nop")?);
        ours.restore()?;
    }
    if let Some(saved) = saved {
        saved.restore()?;
    }
    gate.wait();
    for t in idle {
        let _ = t.join();
    }
    Ok(())
}

/// Sets tracing_thresh (microseconds), timed: the function_graph tracer
/// applies it by unregistering and registering its fgraph_ops again.
fn thresh(value: &str) -> Result<Timing, String> {
    timed_write(&format!("{TRACING}/tracing_thresh"), value)
}

/// An fprobe exit event on vfs_read: added, enabled, disabled, removed
/// (an fgraph_ops registered and unregistered, as a BPF kprobe_multi link's
/// attach and release do), timed as one.
fn fprobe_cycle() -> Result<Timing, String> {
    let events = format!("{TRACING}/dynamic_events");
    let enable = format!("{TRACING}/events/fprobes/fgl_bench/enable");
    let append = |spec: &str| -> Result<(), String> {
        fs::OpenOptions::new()
            .append(true)
            .open(&events)
            .and_then(|mut f| f.write_all(spec.as_bytes()))
            .map_err(|e| format!("{events} <- {spec:?}: {e}"))
    };
    let (r, add) = timed_here(|| append("f:fprobes/fgl_bench vfs_read%return\n"));
    r?;
    let on = timed_write(&enable, "1")?;
    let off = timed_write(&enable, "0")?;
    let (r, remove) = timed_here(|| append("-:fprobes/fgl_bench\n"));
    r?;
    Ok(add + on + off + remove)
}

/// fgraph.linger_ms, where the kernel has it (the unpatched one does not).
struct Linger(String);

const LINGER: &str = "/sys/module/fgraph/parameters/linger_ms";

impl Linger {
    /// Sets it; the value before, to restore, or None without the parameter.
    fn set(ms: &str) -> Result<Option<Self>, String> {
        let Ok(old) = fs::read_to_string(LINGER) else {
            return Ok(None);
        };
        fs::write(LINGER, ms).map_err(|e| format!("{LINGER}={ms}: {e}"))?;
        Ok(Some(Linger(old.trim().to_owned())))
    }

    fn restore(self) -> Result<(), String> {
        fs::write(LINGER, &self.0).map_err(|e| format!("{LINGER}={}: {e}", self.0))
    }
}

/// read() of one byte from /dev/zero per call, per second, with the call
/// graph of vfs_read traced.
fn hotpath(o: &Options) -> Result<(), String> {
    let mut zero = File::open("/dev/zero").map_err(|e| format!("/dev/zero: {e}"))?;
    tracer("function_graph")?;
    let span = Duration::from_secs_f64(o.secs);
    let mut byte = [0u8];
    for rep in 0..o.reps {
        let (mut calls, t) = (0u64, Instant::now());
        while t.elapsed() < span {
            for _ in 0..100 {
                zero.read_exact(&mut byte)
                    .map_err(|e| format!("read: {e}"))?;
            }
            calls += 100;
        }
        let rate = calls as f64 / t.elapsed().as_secs_f64();
        sample(Sample::Hotpath {
            rep,
            reads_per_s: rate,
        });
    }
    tracer("nop")?;
    Ok(())
}

fn run(o: &Options) -> Result<(), String> {
    tracer("nop")?;
    for file in ["set_ftrace_filter", "set_graph_function"] {
        let path = format!("{TRACING}/{file}");
        fs::write(&path, "vfs_read\nkernel_clone\n").map_err(|e| format!("{path}: {e}"))?;
    }
    // Nothing traced until here in this boot: fork cost before any session.
    fork("never", o);
    let epoch = Instant::now();
    for &n in &o.tasks {
        for rep in 0..o.reps {
            memory(n, rep, epoch, o.linger_ms)?;
        }
    }
    fork("after_cycle", o);
    hotpath(o)?;
    for file in ["set_ftrace_filter", "set_graph_function"] {
        let path = format!("{TRACING}/{file}");
        fs::write(&path, "\n").map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    // Bad arguments: clap prints the usage and exits with status 2.
    let o = Options::parse();
    match run(&o) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fgraph-bench: {e}");
            println!("{ERROR_PREFIX}{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("fgraph-bench").chain(s.split_whitespace()))
    }

    #[test]
    fn parses_task_lists() {
        let o = parse("--tasks 100,1000 --reps 2 --secs 0.5").unwrap();
        assert_eq!(o.tasks, vec![100, 1000]);
        assert_eq!((o.reps, o.secs), (2, 0.5));
        assert_eq!(parse("").unwrap().tasks, vec![100, 1000, 10000]);
        assert_eq!(parse("--linger-ms 0").unwrap().linger_ms, 0);
        assert_eq!(parse("").unwrap().linger_ms, 5000);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse("--tasks 1,x").is_err());
        assert!(parse("--tasks 0").is_err());
        assert!(parse("--reps 0").is_err());
        assert!(parse("--secs").is_err());
        assert!(parse("--secs -1").is_err());
        assert!(parse("--linger-ms -1").is_err());
        assert!(parse("--bogus 1").is_err());
    }

    #[test]
    fn options_are_consistent() {
        use clap::CommandFactory;
        Options::command().debug_assert();
    }
}
