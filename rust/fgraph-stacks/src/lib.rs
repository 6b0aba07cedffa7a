// SPDX-License-Identifier: GPL-2.0

//! Counting `fgraph_stack` objects (function-graph shadow stacks) from
//! `/proc/slabinfo`. [`stacks`] shrinks the cache before it reads: that
//! flushes SLUB's per-CPU slabs and KASAN's quarantine, whose objects
//! slabinfo would otherwise count as in use, so the count is exact in a quiet
//! guest with or without `slub_debug`.

use std::{
    fs,
    io::{self, Write},
    sync::mpsc,
    thread,
    time::Duration,
};

/// Where tracefs is mounted in the test guests.
pub const TRACING: &str = "/sys/kernel/tracing";

/// A tracefs write that takes longer hangs: a lock was leaked.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// Writes `value` to `path` (truncating), giving up after [`WRITE_TIMEOUT`].
/// The outer error says the write hung (its thread is left blocked: the
/// caller should report and stop); the inner one is the write's own.
pub fn write_timed(path: &str, value: &str) -> Result<io::Result<()>, String> {
    let (tx, rx) = mpsc::channel();
    let (p, v) = (path.to_owned(), value.to_owned());
    thread::spawn(move || {
        let r = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&p)
            .and_then(|mut f| f.write_all(v.as_bytes()));
        let _ = tx.send(r);
    });
    rx.recv_timeout(WRITE_TIMEOUT)
        .map_err(|_| format!("writing {value:?} to {path} hung for {WRITE_TIMEOUT:?}"))
}

/// Sets the current tracer (`nop`, `function_graph`, ...), see [`write_timed`].
pub fn set_tracer(tracer: &str) -> Result<io::Result<()>, String> {
    write_timed(&format!("{TRACING}/current_tracer"), tracer)
}

/// Objects in use and object size of `cache`, from slabinfo text.
pub fn slab_usage(slabinfo: &str, cache: &str) -> Result<(u64, u64), String> {
    if !slabinfo.starts_with("slabinfo - version: 2.") {
        return Err("not a slabinfo 2.x file".into());
    }
    for line in slabinfo.lines() {
        let mut fields = line.split_whitespace();
        if fields.next() != Some(cache) {
            continue;
        }
        let nums: Vec<&str> = fields.take(3).collect();
        let parse = |i: usize, what: &str| -> Result<u64, String> {
            nums.get(i)
                .ok_or_else(|| format!("{cache}: no {what} field"))?
                .parse()
                .map_err(|e| format!("{cache}: bad {what}: {e}"))
        };
        return Ok((parse(0, "active_objs")?, parse(2, "objsize")?));
    }
    Ok((0, 0))
}

/// `fgraph_stack` objects in use and their bytes, now. Shrinks the cache
/// first (per-CPU slabs and KASAN's quarantine hold freed objects that
/// slabinfo still counts), when the kernel lets us.
pub fn stacks() -> Result<(u64, u64), String> {
    // Fails harmlessly when the cache does not exist yet.
    let _ = fs::write("/sys/kernel/slab/fgraph_stack/shrink", "1");
    let text = fs::read_to_string("/proc/slabinfo")
        .map_err(|e| format!("/proc/slabinfo: {e} (root is needed)"))?;
    let (n, size) = slab_usage(&text, "fgraph_stack")?;
    Ok((n, n * size))
}

/// The stacks in use once the count stops falling: unchanged over three
/// reads 100 ms apart, or after `max`. The free at the end of a session
/// runs in a work item, after the linger (`fgraph.linger_ms`) and grace
/// periods: a count read right after tracing stops still includes them.
pub fn settled_stacks(max: Duration) -> Result<u64, String> {
    let start = std::time::Instant::now();
    let (mut last, mut same) = (stacks()?.0, 0);
    while same < 2 && start.elapsed() < max {
        thread::sleep(Duration::from_millis(100));
        let n = stacks()?.0;
        same = if n == last { same + 1 } else { 0 };
        last = n;
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::slab_usage;

    const HEAD: &str = "slabinfo - version: 2.1\n# name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n";

    #[test]
    fn counts_the_cache() {
        let text = format!("{HEAD}fgraph_stack         354    360   4096    8    8 : tunables    0    0    0 : slabdata     45     45      0\nkmalloc-64  10 10 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n");
        assert_eq!(slab_usage(&text, "fgraph_stack"), Ok((354, 4096)));
    }

    #[test]
    fn absent_cache_is_zero() {
        let text = format!("{HEAD}kmalloc-64  10 10 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n");
        assert_eq!(slab_usage(&text, "fgraph_stack"), Ok((0, 0)));
    }

    #[test]
    fn does_not_match_a_prefix() {
        let text = format!("{HEAD}fgraph_stack_x 7 7 4096 8 8 : tunables 0 0 0 : slabdata 1 1 0\n");
        assert_eq!(slab_usage(&text, "fgraph_stack"), Ok((0, 0)));
    }

    #[test]
    fn rejects_garbage() {
        assert!(slab_usage("hello", "fgraph_stack").is_err());
        let text = format!("{HEAD}fgraph_stack x 7 4096\n");
        assert!(slab_usage(&text, "fgraph_stack").is_err());
    }
}
