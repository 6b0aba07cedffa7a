#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: everything that must pass. One line per result, a line per
# suite, and last 'N passed, N failed'. Exits nonzero on any failure.
#
# Env: FGL_VARIANTS   variants to build and boot (default: rust c debug)
#      FGL_TEST_JOBS  guests built and booted at once (default: all)
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
variants=${FGL_VARIANTS:-rust c debug}

# The guests, a line each: NAME VARIANT KUNIT SUITES... (KUNIT: 1 if the
# KUnit suites run at its boot). Under KASAN and lockdep (debug) one guest
# took 59 minutes with ftracetest, a quarter of it (CI's run of 2026-11-27),
# on one host CPU while the other idled: the suites run in two guests at
# once, the second one without KUnit, which the first runs at boot (25 and
# 31 minutes with their boots, side by side, on 2026-11-27). ftracetest's
# cases run on c and rust, and on debug only in make torture.
guest_jobs() {
	local v ftracetest=
	[ "${FGL_TORTURE:-short}" = long ] && ftracetest=" ftracetest"
	# The longest (debug) first
	[[ " $variants " = *" debug "* ]] &&
		printf '%s\n' "debug debug 1 smoke lifecycle torture" \
			"debug-users debug 0 users$ftracetest bench"
	for v in $variants; do
		[ "$v" = debug ] || echo "$v $v 1 $suites"
	done
}

# Each guest is a job of its own: its variant's kernel, then the guest.
# Guests run under single-threaded TCG, one host CPU each (ci/guest.sh);
# kernels build at low priority, one at a time (the build lock), a
# variant's once. FGL_TEST_JOBS jobs run at once (default: all of them, so
# that both host CPUs stay busy to the end); the longest start first. The
# results are reported afterwards, guest by guest.
jobs=${FGL_TEST_JOBS:-9}
[[ $jobs =~ ^[1-9]$ ]] || die "FGL_TEST_JOBS must be a number from 1 to 9 (got '$jobs')"
guest_job() {
	local name=$1 v=$2 kunit=$3 t timeout stall cases append rc=0
	shift 3
	t=$(now)
	nice -n 19 "$FGL_REPO/ci/build.sh" "$v" >"$logs/build-$name.log" 2>&1 || rc=$?
	echo "$rc" >"$logs/build-$name.rc"
	took "$t" >"$logs/build-$name.took"
	[ "$rc" = 0 ] || return 0
	log "$name: kernel ready, booting its guest (console: $logs/guest-$name.log)"
	# A slow host must not turn a passing guest into a timeout; debug's
	# two still end within CI's 90 minutes, after the checks and builds
	timeout=2400
	[ "$v" = debug ] && timeout=3600
	# The c kernel differs from rust in the lifecycle only: it runs the
	# cases of fgraph's users (the function_graph and profiler cases,
	# fprobe events, kretprobes), and the whole set runs on rust (and on
	# debug in make torture).
	cases=
	[ "$v" = rust ] ||
		cases='ftrace/fgraph-*.tc ftrace/func_profile*.tc dynevent/*fprobe*.tc kprobe/kretprobe_*.tc'
	# The long torture patches every function, and a scenario may print
	# nothing for longer than ci/guest.sh's default stall limit
	stall=${FGL_STALL:-1800}
	if [ "${FGL_TORTURE:-short}" = long ]; then
		timeout=$((timeout * 4)) stall=$((timeout / 2))
	fi
	append="slub_debug=U,fgraph_stack"
	[ "$kunit" = 1 ] || append="$append kunit.enable=0"
	FGL_LOG=$logs/guest-$name.log FGL_APPEND="$append" FGL_TIMEOUT=$timeout FGL_STALL=$stall \
		"$FGL_REPO/ci/guest.sh" "$v" \
		"FGL_TORTURE=${FGL_TORTURE:-short} FGL_BENCH_ARGS='--tasks 100 --reps 1 --secs 0.5' FGL_FTRACETEST_CASES='$cases' FGL_SUITES='$*' $FGL_REPO/ci/guest/suites.sh" \
		>"$logs/guest-$name.out" 2>&1 || rc=$?
	echo "$rc" >"$logs/guest-$name.rc"
	log "$name: guest done in $(took "$t") since its build started"
}
mapfile -t guest_list < <(guest_jobs)
running=0
for g in "${guest_list[@]}"; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	# shellcheck disable=SC2086 # the line's words are the job's arguments
	guest_job $g &
	running=$((running + 1))
done
# A job that died leaves no status files: its guest is reported failed
wait || true

for g in "${guest_list[@]}"; do
	# shellcheck disable=SC2086
	set -- $g
	name=$1 v=$2 kunit=$3
	shift 3
	if [ "$(cat "$logs/build-$name.rc" 2>/dev/null)" = 0 ]; then
		# A variant's kernel is reported once
		[ "$name" = "$v" ] && result ok "build-$v [$(cat "$logs/build-$name.took")]"
	else
		tail -n 15 "$logs/build-$name.log" | sed 's/^/      | /'
		result fail "build-$name" "log: $logs/build-$name.log"
		continue
	fi
	console=$logs/guest-$name.log
	# A kernel that stalled at boot and was booted again (ci/guest.sh)
	sed -n "s/^warning: /      | $name: warning: /p" "$logs/guest-$name.out" 2>/dev/null || true
	if [ "$(cat "$logs/guest-$name.rc" 2>/dev/null)" = 0 ]; then
		result ok "$name: boot and guest suites"
	else
		tail -n 15 "$logs/guest-$name.out" | sed 's/^/      | /'
		result fail "$name: boot and guest suites" "console log: $console"
	fi
	[ -f "$console" ] || : >"$console"	# a guest that never started
	# One file of results per guest suite, from "fgl-suite: NAME" onwards
	for s in "$@"; do : >"$logs/guest-$name-$s.results"; done
	awk -v out="$logs/guest-$name-" '{ sub(/\r$/, "") }
		/^fgl-suite: / { suite = $2 }
		/^fgl-result: / && suite != "" { sub(/^fgl-result: /, ""); print >(out suite ".results") }' \
		"$console"
	for s in "$@"; do
		results "$v/$s" "$logs/guest-$name-$s.results"
	done
	if [ "$kunit" = 1 ]; then
		"$FGL_REPO/ci/kunit-results.sh" "$console" >"$logs/kunit-$v.results" \
			2>"$logs/kunit-$v.parse" || true
		results "$v/kunit" "$logs/kunit-$v.results"
	fi
	[[ " $* " = *" bench "* ]] && bench_logs+=("$v=$console")
done

# The benchmark report over the smoke samples of the variants that ran
# (make bench compares base, c and rust; base is not built here).
if [ ${#bench_logs[@]} -gt 0 ]; then
	step bench-report "$FGL_REPO/ci/cargo.sh" run -q --release -p fgraph-bench-report -- \
		--out "$logs/bench" "${bench_logs[@]}" || true
fi
finish
