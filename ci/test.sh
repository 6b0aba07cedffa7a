#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: everything that must pass. One line per result, a line per
# suite, and last 'N passed, N failed'. Exits nonzero on any failure.
#
# Env: FGL_VARIANTS   variants to build and boot (default: rust c debug)
#      FGL_TEST_JOBS  variants built and booted at once (default 2)
#      FGL_TORTURE    torture settings in the guest: short (default) or long
. "$(dirname "$0")/lib.sh"

need_root test
need_space "$FGL_CACHE" 8192
start=$(now)
logs=$FGL_WORK/logs/test-$(date +%Y%m%d-%H%M%S)
mkdir -p "$logs"
bench_logs=()
report="make test"
. "$FGL_REPO/ci/report.sh"

log "logs in $logs"
step toolchain "$FGL_REPO/ci/toolchain.sh" || finish
step base-tree "$FGL_REPO/ci/base-tree.sh" || finish
step series-applies "$FGL_REPO/ci/apply-check.sh" || finish

# Static checks (make check): one result per line "ok ..." / "not ok ...",
# with the tools' reports shown under the failures.
for c in checkpatch check-abi check-rust check-kerneldoc check-htmldocs check-b4; do
	check "$c"
done

# The rust/ workspace (programs that run outside vmlinux), with the
# toolchain root's cargo (ci/cargo.sh): one result per unit test.
"$FGL_REPO/ci/cargo.sh" test >"$logs/rust-workspace.log" 2>&1 || true
sed -n 's/^test \(.*\) \.\.\. ok$/ok \1/p; s/^test \(.*\) \.\.\. FAILED$/not ok \1/p' \
	"$logs/rust-workspace.log" >"$logs/rust-workspace.results"
grep -q '^test result: ok' "$logs/rust-workspace.log" ||
	echo "not ok cargo test (log: $logs/rust-workspace.log)" >>"$logs/rust-workspace.results"
results rust-workspace "$logs/rust-workspace.results"
# The programs the guest suites run (rust/target/release, seen by the guest)
step rust-guest-programs "$FGL_REPO/ci/cargo.sh" build --release || true

# bench: make bench's smallest run, so that the benchmark cannot rot (its
# report is checked below)
suites="smoke lifecycle users torture ftracetest bench"
# The suites of variant $1. Under KASAN and lockdep (debug), ftracetest's
# cases take a quarter of the guest's time, which make test's hour has not
# got (CI's run of 2026-11-27: the debug guest took 59 of its 65 minutes):
# c and rust run them; make torture's debug guest runs them too.
variant_suites() {
	if [ "$1" = debug ] && [ "${FGL_TORTURE:-short}" != long ]; then
		echo "${suites/ ftracetest/}"
	else
		echo "$suites"
	fi
}

# Each variant is a job of its own: its kernel, then its guest. Guests run
# under single-threaded TCG, one host CPU each (ci/guest.sh), so two jobs
# run at once (FGL_TEST_JOBS): one variant's kernel builds (at low priority,
# one build at a time: the build lock) or its guest runs while another's
# guest runs. The results are reported afterwards, variant by variant.
variants=${FGL_VARIANTS:-rust c debug}
jobs=${FGL_TEST_JOBS:-2}
[[ $jobs =~ ^[1-9]$ ]] || die "FGL_TEST_JOBS must be a number from 1 to 9 (got '$jobs')"
variant_job() {
	local v=$1 t timeout cases rc=0
	t=$(now)
	nice -n 19 "$FGL_REPO/ci/build.sh" "$v" >"$logs/build-$v.log" 2>&1 || rc=$?
	echo "$rc" >"$logs/build-$v.rc"
	took "$t" >"$logs/build-$v.took"
	[ "$rc" = 0 ] || return 0
	log "$v: kernel ready, booting its guest (console: $logs/guest-$v.log)"
	# A slow host must not turn a passing guest into a timeout; debug's
	# still ends within CI's 90 minutes, after the checks and its build
	timeout=2400
	[ "$v" = debug ] && timeout=4200
	# The c kernel differs from rust in the lifecycle only: it runs the
	# cases of fgraph's users (the function_graph and profiler cases,
	# fprobe events, kretprobes), and the whole set runs on rust (and on
	# debug in make torture).
	cases=
	[ "$v" = debug ] || [ "$v" = c ] &&
		cases='ftrace/fgraph-*.tc ftrace/func_profile*.tc dynevent/*fprobe*.tc kprobe/kretprobe_*.tc'
	# The long torture patches every function
	[ "${FGL_TORTURE:-short}" = long ] && timeout=$((timeout * 4))
	FGL_LOG=$logs/guest-$v.log FGL_APPEND="slub_debug=U,fgraph_stack" FGL_TIMEOUT=$timeout \
		"$FGL_REPO/ci/guest.sh" "$v" \
		"FGL_TORTURE=${FGL_TORTURE:-short} FGL_BENCH_ARGS='--tasks 100 --reps 1 --secs 0.5' FGL_FTRACETEST_CASES='$cases' FGL_SUITES='$(variant_suites "$v")' $FGL_REPO/ci/guest/suites.sh" \
		>"$logs/guest-$v.out" 2>&1 || rc=$?
	echo "$rc" >"$logs/guest-$v.rc"
	log "$v: guest done in $(took "$t") since its build started"
}
# The longest guest (debug: KASAN and lockdep) starts first
launch=
for v in $variants; do
	if [ "$v" = debug ]; then launch="debug $launch"; else launch="$launch $v"; fi
done
running=0
for v in $launch; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	variant_job "$v" &
	running=$((running + 1))
done
# A job that died leaves no status files: its variant is reported failed
wait || true

for v in $variants; do
	if [ "$(cat "$logs/build-$v.rc" 2>/dev/null)" = 0 ]; then
		result ok "build-$v [$(cat "$logs/build-$v.took")]"
	else
		tail -n 15 "$logs/build-$v.log" | sed 's/^/      | /'
		result fail "build-$v" "log: $logs/build-$v.log"
		continue
	fi
	console=$logs/guest-$v.log
	if [ "$(cat "$logs/guest-$v.rc" 2>/dev/null)" = 0 ]; then
		result ok "$v: boot and guest suites"
	else
		tail -n 15 "$logs/guest-$v.out" | sed 's/^/      | /'
		result fail "$v: boot and guest suites" "console log: $console"
	fi
	[ -f "$console" ] || : >"$console"	# a guest that never started
	# One file of results per guest suite, from "fgl-suite: NAME" onwards
	for s in $(variant_suites "$v"); do : >"$logs/guest-$v-$s.results"; done
	awk -v out="$logs/guest-$v-" '{ sub(/\r$/, "") }
		/^fgl-suite: / { suite = $2 }
		/^fgl-result: / && suite != "" { sub(/^fgl-result: /, ""); print >(out suite ".results") }' \
		"$console"
	for s in $(variant_suites "$v"); do
		results "$v/$s" "$logs/guest-$v-$s.results"
	done
	"$FGL_REPO/ci/kunit-results.sh" "$console" >"$logs/kunit-$v.results" \
		2>"$logs/kunit-$v.parse" || true
	results "$v/kunit" "$logs/kunit-$v.results"
	bench_logs+=("$v=$console")
done

# The benchmark report over the smoke samples of the variants that ran
# (make bench compares base, c and rust; base is not built here).
if [ ${#bench_logs[@]} -gt 0 ]; then
	step bench-report "$FGL_REPO/ci/cargo.sh" run -q --release -p fgraph-bench-report -- \
		--out "$logs/bench" "${bench_logs[@]}" || true
fi
finish
