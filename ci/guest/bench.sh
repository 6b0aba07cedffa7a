#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest suite "bench": rust/fgraph-bench prints its samples as "fgl-bench:"
# lines for ci/bench.sh (make bench) to collect; here it is also a test that
# the benchmark still runs (make test runs it with the smallest settings).
# FGL_BENCH_ARGS: fgraph-bench's arguments.
. "$(dirname "$0")/lib.sh"

bin=$(dirname "$0")/../../rust/target/release/fgraph-bench
[ -x "$bin" ] || { result 1 bench_program "missing: $bin (cargo build --release in rust/)"; exit 1; }
# shellcheck disable=SC2086 # a list of arguments
"$bin" ${FGL_BENCH_ARGS:-}
result $? bench_runs "fgraph-bench ${FGL_BENCH_ARGS:-}"
exit $fails
