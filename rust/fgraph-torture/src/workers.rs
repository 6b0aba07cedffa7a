// SPDX-License-Identifier: GPL-2.0

//! The threads that stress the lifecycle while tracing goes on and off.

use std::{
    fs,
    io::{self, PipeWriter, Read, Write},
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering::Relaxed},
    },
    thread::{self, JoinHandle},
    time::Duration,
};

const CPU1_ONLINE: &str = "/sys/devices/system/cpu/cpu1/online";

#[derive(Default)]
struct Counters {
    forks: AtomicU64,
    hotplugs: AtomicU64,
    wakeups: AtomicU64,
}

/// What the workers did.
pub struct Done {
    pub forks: u64,
    pub hotplugs: u64,
    pub wakeups: u64,
}

pub struct Workers {
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    threads: Vec<JoinHandle<()>>,
    /// Write ends of the pipes the parked readers sleep on.
    parked: Vec<PipeWriter>,
}

/// Fork and exit (a process that does nothing), then create and join a thread.
fn fork_storm(stop: &AtomicBool, counters: &Counters) {
    while !stop.load(Relaxed) {
        // SAFETY: The child only calls _exit(), which is async-signal-safe,
        // as a child of a multithreaded process must.
        match unsafe { libc::fork() } {
            // SAFETY: _exit() ends the child without running any of the
            // parent's handlers.
            0 => unsafe { libc::_exit(0) },
            pid if pid > 0 => {
                let mut status = 0;
                // SAFETY: Reaps the child just forked; `status` is valid.
                unsafe { libc::waitpid(pid, &mut status, 0) };
                counters.forks.fetch_add(1, Relaxed);
            }
            _ => thread::sleep(Duration::from_millis(1)),
        }
        if thread::spawn(|| ()).join().is_ok() {
            counters.forks.fetch_add(1, Relaxed);
        }
    }
}

/// Take CPU 1 offline and online again, over and over.
fn hotplug(stop: &AtomicBool, counters: &Counters) {
    while !stop.load(Relaxed) {
        // EBUSY and the like are part of the game: only count what worked.
        if fs::write(CPU1_ONLINE, "0").is_ok() {
            thread::sleep(Duration::from_millis(10));
            if fs::write(CPU1_ONLINE, "1").is_ok() {
                counters.hotplugs.fetch_add(1, Relaxed);
            }
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = fs::write(CPU1_ONLINE, "1");
}

/// Sleep in read() (vfs_read, traced) until a byte comes; `q` ends it.
fn parked(mut pipe: io::PipeReader, counters: &Counters) {
    let mut byte = [0u8];
    while let Ok(1) = pipe.read(&mut byte) {
        if byte[0] == b'q' {
            return;
        }
        counters.wakeups.fetch_add(1, Relaxed);
    }
}

impl Workers {
    pub fn start(forkers: u32, parked_readers: u32, with_hotplug: bool) -> Result<Self, String> {
        if with_hotplug && !Path::new(CPU1_ONLINE).exists() {
            return Err(format!(
                "{CPU1_ONLINE} is missing: CPU hotplug needs CONFIG_HOTPLUG_CPU and 2 CPUs"
            ));
        }
        let mut w = Workers {
            stop: Arc::new(AtomicBool::new(false)),
            counters: Arc::default(),
            threads: Vec::new(),
            parked: Vec::new(),
        };
        for _ in 0..parked_readers {
            let (r, tx) = io::pipe().map_err(|e| format!("pipe: {e}"))?;
            let c = w.counters.clone();
            w.threads.push(thread::spawn(move || parked(r, &c)));
            w.parked.push(tx);
        }
        for _ in 0..forkers {
            let (s, c) = (w.stop.clone(), w.counters.clone());
            w.threads.push(thread::spawn(move || fork_storm(&s, &c)));
        }
        if with_hotplug {
            let (s, c) = (w.stop.clone(), w.counters.clone());
            w.threads.push(thread::spawn(move || hotplug(&s, &c)));
        }
        Ok(w)
    }

    /// Let one parked reader return (and park again), so that some tasks
    /// leave traced code in every state of the lifecycle.
    pub fn wake_one_parked(&self, n: u32) {
        if !self.parked.is_empty() {
            let mut p = &self.parked[n as usize % self.parked.len()];
            let _ = p.write_all(b"w");
        }
    }

    pub fn stop(mut self) -> Done {
        self.stop.store(true, Relaxed);
        for mut p in self.parked.drain(..) {
            let _ = p.write_all(b"q");
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        Done {
            forks: self.counters.forks.load(Relaxed),
            hotplugs: self.counters.hotplugs.load(Relaxed),
            wakeups: self.counters.wakeups.load(Relaxed),
        }
    }
}
