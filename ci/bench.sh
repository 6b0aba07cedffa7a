#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot base, c and rust in turn, run rust/fgraph-bench in each,
# and turn the samples into tables and plots (rust/fgraph-bench-report).
#
# Env: FGL_BENCH_OUT   where results go (default: a dated directory under
#                      the cache's bench/); make bench OUT=dir
#      FGL_BENCH       full (default: N = 1000, 10000, 50000; 3 repetitions
#                      per boot) or smoke (N = 100, one repetition)
#      FGL_BENCH_ROUNDS  boots of each variant, interleaved base, c, rust,
#                      base, ... (default 3; smoke 1)
#      FGL_BENCH_CLOCK icount (default): single-threaded TCG with
#                      -icount shift=0,sleep=off, so that guest time counts
#                      instructions and the host's load does not show; or
#                      wall (TCG as ci/guest.sh runs it, or KVM where it works)
. "$(dirname "$0")/lib.sh"

need_root bench
need_space "$FGL_CACHE" 8192
start=$(now)
case ${FGL_BENCH:-full} in
full)
	args="--tasks 1000,10000,50000 --reps 3 --secs 2" rounds=${FGL_BENCH_ROUNDS:-3}
	# 50,000 threads: their kernel stacks and shadow stacks; the kernel caps
	# threads-max at memory / (8 × 16 KiB), 49,000 threads with 6 GiB
	export FGL_MEMORY=${FGL_MEMORY:-8G} ;;
smoke) args="--tasks 100 --reps 1 --secs 0.5" rounds=${FGL_BENCH_ROUNDS:-1} ;;
*) die "FGL_BENCH must be full or smoke" ;;
esac
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "FGL_BENCH_ROUNDS must be a positive number (got '$rounds')"
case ${FGL_BENCH_CLOCK:-icount} in
icount) export FGL_TCG_SINGLE=1 FGL_KVM=no FGL_QEMU_OPTS="-icount shift=0,sleep=off" ;;
wall) ;;
*) die "FGL_BENCH_CLOCK must be icount or wall" ;;
esac
out=${FGL_BENCH_OUT:-$FGL_WORK/bench/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
# The guests' consoles are written from the toolchain root, which sees the
# cache and the repository but not, say, the host's /tmp: keep them in the
# cache, and copy them to $out.
consoles=$FGL_WORK/bench/consoles-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$consoles"

log "building rust/ (fgraph-bench, fgraph-bench-report) in the toolchain root"
"$FGL_REPO/ci/cargo.sh" build -q --release || die "cargo build of rust/ failed"

meta=()
logs=()
for v in base c rust; do
	kdir=$("$FGL_REPO/ci/build.sh" "$v")
	meta+=(--meta "config_$v=$(sha256sum "$kdir/.config" | cut -c1-16)")
done
for r in $(seq "$rounds"); do
	for v in base c rust; do
		console=$consoles/console-$v-$r.log
		log "round $r of $rounds, variant $v: fgraph-bench $args"
		# kunit.enable=0: the KUnit suites of c and rust register graph
		# tracers at boot, which base's do not; "tracing never enabled"
		# must be true of all three. No slub_debug: its U records every
		# allocation's call chain, which would be measured with the
		# allocations (it costs Rust's one frame deeper path 5 %);
		# fgraph-bench counts exactly by shrinking the cache first.
		FGL_LOG=$console FGL_APPEND="kunit.enable=0" FGL_TIMEOUT=7200 \
			"$FGL_REPO/ci/guest.sh" "$v" \
			"FGL_BENCH_ARGS='$args' FGL_SUITES=bench $FGL_REPO/ci/guest/suites.sh" >/dev/null ||
			die "variant $v, round $r: the benchmark failed; console log: $console"
		cp "$console" "$out/"
		logs+=("$v=$console")
	done
done
meta+=(--meta "series=$(series_key)")
meta+=(--meta "series_commit=$(git -C "$FGL_REPO" rev-parse HEAD) ($(git -C "$FGL_REPO" log -1 --format=%s))")
meta+=(--meta "settings=$args; $rounds boots of each variant, interleaved; clock ${FGL_BENCH_CLOCK:-icount}")
meta+=(--meta "date=$(date -u +%Y-%m-%dT%H:%MZ)")
# The report runs in the toolchain root too (it was built there), writing
# where the root can see; then its files go to $out.
"$FGL_REPO/ci/cargo.sh" run -q --release -p fgraph-bench-report -- \
	--out "$consoles/report" "${meta[@]}" "${logs[@]}" ||
	die "fgraph-bench-report failed"
cp -r "$consoles/report/." "$out/"
# The fork goal by guest time, the same rounds (fork.md). ci/bench-fork.sh
# runs in the toolchain root, which sees the cache but not $out: it writes
# in the cache, and its files come here.
FGL_BENCH_ROUNDS=$rounds FGL_BENCH_OUT=$consoles/fork "$FGL_REPO/ci/bench-fork.sh" >/dev/null ||
	die "ci/bench-fork.sh failed"
cp "$consoles/fork/fork.md" "$consoles/fork/fork-samples.txt" "$out/" ||
	die "ci/bench-fork.sh wrote no fork.md in $consoles/fork"
log "make bench took $(took "$start"); results in $out"
