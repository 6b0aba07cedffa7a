// SPDX-License-Identifier: GPL-2.0

//! Prints the number of `fgraph_stack` objects in use and their bytes, read
//! from `/proc/slabinfo` (or the file given as the only argument):
//! `fgraph_stack <objects> <bytes>`. The cache does not exist before the
//! first graph tracer registers: that is 0 objects.

use fgraph_stacks::slab_usage;
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/proc/slabinfo".into());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("fgraph-stacks: cannot read {path}: {e} (root is needed for /proc/slabinfo)");
            return ExitCode::FAILURE;
        }
    };
    match slab_usage(&text, "fgraph_stack") {
        Ok((n, size)) => {
            println!("fgraph_stack {n} {}", n * size);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fgraph-stacks: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
