// SPDX-License-Identifier: GPL-2.0

//! Torture for the function-graph shadow-stack lifecycle, run as root inside
//! a test guest. It turns graph tracing on and off over and over while other
//! threads fork and exit, take CPUs offline and online, and sit parked in a
//! traced `read()`; failslab can make `fgraph_stack` allocations fail.
//! Afterwards it checks that tracing still starts and stops (no lock was
//! leaked) and that every stack came back.
//!
//! It is bounded: it stops after `--cycles` cycles or `--secs` seconds,
//! whichever comes first, and gives up on a tracefs write after a minute.
//! Results are lines `fgl-result: ok|not ok NAME (detail)`, as the guest
//! suites print them; the exit status is 1 if any test failed.
//!
//! The graph traced is that of `vfs_read` and `kernel_clone`: every fork of
//! the storm runs traced code, and the parked readers are inside a traced
//! function, but no task outside this program stays inside traced code, so
//! that the stacks left after the end are those of tasks still in it: none
//! but the stacks already kept before the run (tasks that went to sleep
//! inside a function traced by an earlier session, such as the boot-time
//! self test's, keep theirs until they return), which can only go. By default only those two functions are patched (`set_ftrace_filter`),
//! which keeps a cycle short under emulation; `--all-functions` patches every
//! function, and traces the whole call graph below them.

mod workers;

use clap::Parser;
use fgraph_stacks::{TRACING, set_tracer};
use std::{
    fs, io,
    path::Path,
    process::ExitCode,
    thread,
    time::{Duration, Instant},
};
use workers::Workers;

const FAILSLAB: &str = "/sys/kernel/debug/failslab";
const CACHE_FAILSLAB: &str = "/sys/kernel/slab/fgraph_stack/failslab";

/// Torture the function-graph shadow-stack lifecycle: run as root inside a
/// test guest. Bounded by --cycles and --secs, whichever comes first.
#[derive(Parser, Debug)]
#[command(about)]
struct Options {
    /// Prefix of the result names
    #[arg(long, default_value = "torture")]
    name: String,
    /// Enable/disable cycles to run at most
    #[arg(long, default_value_t = 100)]
    cycles: u32,
    /// Seconds to run at most
    #[arg(long, default_value_t = 60)]
    secs: u64,
    /// Threads that fork and reap children in a loop
    #[arg(long, default_value_t = 0)]
    forkers: u32,
    /// Threads parked in a traced read(), woken one per cycle
    #[arg(long, default_value_t = 4)]
    parked: u32,
    /// Take CPU 1 offline and online in a loop
    #[arg(long)]
    hotplug: bool,
    /// Make this percentage of fgraph_stack allocations fail (failslab)
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    failslab: u32,
    /// Patch every function, not only vfs_read and kernel_clone
    #[arg(long)]
    all_functions: bool,
}

struct Report {
    name: String,
    failed: u32,
}

impl Report {
    fn result(&mut self, ok: bool, test: &str, detail: &str) {
        let status = if ok { "ok" } else { "not ok" };
        println!("fgl-result: {status} {}_{test} ({detail})", self.name);
        if !ok {
            self.failed += 1;
        }
    }
}

/// failslab on the `fgraph_stack` cache only, at `percent`, or off.
fn failslab(percent: u32) -> Result<(), String> {
    let settings: &[(&str, String)] = &[
        ("cache-filter", "Y".into()),
        ("ignore-gfp-wait", "N".into()),
        ("interval", "1".into()),
        ("times", "-1".into()),
        ("space", "0".into()),
        ("verbose", "0".into()),
        ("probability", percent.to_string()),
    ];
    if !Path::new(FAILSLAB).exists() {
        return Err(format!(
            "{FAILSLAB} is missing: the kernel needs CONFIG_FAILSLAB and \
             CONFIG_FAULT_INJECTION_DEBUG_FS, and debugfs mounted"
        ));
    }
    for (file, v) in settings {
        fs::write(format!("{FAILSLAB}/{file}"), v)
            .map_err(|e| format!("{FAILSLAB}/{file}: {e}"))?;
    }
    let flag = if percent > 0 { "1" } else { "0" };
    fs::write(CACHE_FAILSLAB, flag).map_err(|e| format!("{CACHE_FAILSLAB}: {e}"))
}

fn run(o: &Options, report: &mut Report) -> Result<(), String> {
    let graph = format!("{TRACING}/set_graph_function");
    let filter = format!("{TRACING}/set_ftrace_filter");
    let functions = "vfs_read\nkernel_clone\n";
    set_tracer("nop")?.map_err(|e| format!("cannot reset the tracer: {e}"))?;
    fs::write(&graph, functions).map_err(|e| format!("{graph}: {e}"))?;
    let patched = if o.all_functions { "\n" } else { functions };
    fs::write(&filter, patched).map_err(|e| format!("{filter}: {e}"))?;
    if o.failslab > 0 {
        // The cache exists once graph tracing has started once.
        set_tracer("function_graph")?.map_err(|e| format!("first enable: {e}"))?;
        set_tracer("nop")?.map_err(|e| format!("first disable: {e}"))?;
        failslab(o.failslab)?;
    }

    // Kept by tasks still inside code traced by an earlier session.
    let kept_before = fgraph_stacks::settled_stacks(Duration::from_secs(5))?;
    let workers = Workers::start(o.forkers, o.parked, o.hotplug)?;
    let deadline = Instant::now() + Duration::from_secs(o.secs);
    let (mut cycles, mut enomem, mut other) = (0u32, 0u32, Vec::new());
    while cycles < o.cycles && Instant::now() < deadline {
        match set_tracer("function_graph")? {
            Ok(()) => {}
            Err(e) if o.failslab > 0 && e.raw_os_error() == Some(libc::ENOMEM) => enomem += 1,
            Err(e) => other.push(format!("enable: {e}")),
        }
        workers.wake_one_parked(cycles);
        thread::sleep(Duration::from_millis(5));
        if let Err(e) = set_tracer("nop")? {
            other.push(format!("disable: {e}"));
        }
        cycles += 1;
    }
    let done = workers.stop();
    if o.failslab > 0 {
        failslab(0)?;
    }
    report.result(
        other.is_empty() && cycles > 0,
        "cycles",
        &format!(
            "{cycles} cycles, {enomem} enables failed with ENOMEM under failslab {}%, {} forks, \
             {} CPU offline/online, {} parked reads returned{}",
            o.failslab,
            done.forks,
            done.hotplugs,
            done.wakeups,
            other
                .first()
                .map(|e| format!("; first error: {e}"))
                .unwrap_or_default()
        ),
    );

    // Tracing still starts and stops: nothing holds ftrace_lock.
    let works = set_tracer("function_graph")?.and_then(|()| {
        let (n, _) = fgraph_stacks::stacks().map_err(io::Error::other)?;
        set_tracer("nop").map_err(io::Error::other)??;
        Ok(n)
    });
    report.result(
        matches!(works, Ok(n) if n > 0),
        "tracer_still_works",
        &match &works {
            Ok(n) => format!("{n} stacks while enabled"),
            Err(e) => e.to_string(),
        },
    );

    // No task of this run is in traced code any more: every stack comes
    // back, the kept ones once the reclaim work has run.
    let start = Instant::now();
    let mut left = fgraph_stacks::stacks()?.0;
    while left > kept_before && start.elapsed() < Duration::from_secs(5) {
        thread::sleep(Duration::from_millis(100));
        left = fgraph_stacks::stacks()?.0;
    }
    report.result(
        left <= kept_before,
        "stacks_back",
        &format!(
            "{left} stacks {:.1} s after the end, {kept_before} kept from before the run",
            start.elapsed().as_secs_f64()
        ),
    );
    fs::write(&graph, "\n").map_err(|e| format!("{graph}: {e}"))?;
    fs::write(&filter, "\n").map_err(|e| format!("{filter}: {e}"))?;
    Ok(())
}

fn main() -> ExitCode {
    // Bad arguments: clap prints the usage and exits with status 2.
    let o = Options::parse();
    let mut report = Report {
        name: o.name.clone(),
        failed: 0,
    };
    if let Err(e) = run(&o, &mut report) {
        report.result(false, "run", &e);
        // A writer may be stuck in the kernel: do not wait for it.
        std::process::exit(1);
    }
    if report.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("fgraph-torture").chain(s.split_whitespace()))
    }

    #[test]
    fn defaults_are_bounded() {
        let o = parse("").unwrap();
        assert!(o.cycles > 0 && o.secs > 0);
        assert_eq!((o.forkers, o.hotplug, o.failslab), (0, false, 0));
    }

    #[test]
    fn parses_every_option() {
        let o = parse(
            "--name x --cycles 7 --secs 3 --forkers 2 --parked 1 --hotplug --failslab 10 \
             --all-functions",
        )
        .unwrap();
        assert_eq!(o.name, "x");
        assert_eq!((o.cycles, o.secs, o.forkers, o.parked), (7, 3, 2, 1));
        assert!(o.hotplug);
        assert_eq!(o.failslab, 10);
        assert!(o.all_functions);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse("--cycles").is_err());
        assert!(parse("--cycles many").is_err());
        assert!(parse("--frobnicate").is_err());
        assert!(parse("--failslab 500").is_err());
    }

    #[test]
    fn options_are_consistent() {
        use clap::CommandFactory;
        Options::command().debug_assert();
    }
}
