#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fork goal of make bench, by guest time under icount: boots base, c
# and rust in turn (FGL_BENCH_ROUNDS rounds, default 3), each running
# ci/guest/fork.sh, and writes fork.md in FGL_BENCH_OUT (default: a dated
# directory under the cache's bench/): per variant and phase, the median
# of each boot, the ratio of the median of those to base's, and the spread
# between boots ((max - min) / median). A ratio resolves a 1 % goal only
# where the spreads are below 1 %.
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

rounds=${FGL_BENCH_ROUNDS:-3}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "FGL_BENCH_ROUNDS must be a positive number (got '$rounds')"
export FGL_TCG_SINGLE=1 FGL_KVM=no FGL_QEMU_OPTS="-icount shift=0,sleep=off"
out=${FGL_BENCH_OUT:-$FGL_WORK/bench/fork-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" || die "cannot create $out"
consoles=$FGL_WORK/bench/consoles-fork-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$consoles"
samples=$out/fork-samples.txt
: >"$samples"
for v in base c rust; do "$FGL_REPO/ci/build.sh" "$v" >/dev/null || die "variant $v does not build"; done
for r in $(seq "$rounds"); do
	for v in base c rust; do
		console=$consoles/console-fork-$v-$r.log
		log "round $r of $rounds, variant $v: ci/guest/fork.sh"
		FGL_LOG=$console FGL_APPEND="kunit.enable=0" FGL_TIMEOUT=1200 \
			"$FGL_REPO/ci/guest.sh" "$v" "$FGL_REPO/ci/guest/fork.sh" >/dev/null ||
			die "variant $v, round $r: the fork measurement failed; console log: $console"
		grep -a '^fgl-fork: ' "$console" | tr -d '\r' |
			awk -v v="$v" -v r="$r" '{ print v, r, $2, $3 }' >>"$samples"
	done
done
python3 - "$samples" >"$out/fork.md" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
boots = {}
for v, r, phase, ns in rows:
    boots.setdefault((v, phase), {}).setdefault(r, []).append(int(ns))
print("| phase | variant | per boot, ns per fork+exit (median) | median | ratio to base | spread |")
print("| --- | --- | --- | ---: | ---: | ---: |")
for phase in ("never", "after"):
    base = None
    for v in ("base", "c", "rust"):
        per = [statistics.median(s) for _, s in sorted(boots.get((v, phase), {}).items())]
        if not per:
            continue
        med = statistics.median(per)
        base = med if v == "base" else base
        spread = (max(per) - min(per)) / med
        ratio = f"{med / base:.4f}" if base else "-"
        print(f"| {phase} | {v} | {' / '.join(f'{p:.0f}' for p in per)} | {med:.0f} | {ratio} | {spread:.2%} |")
PY
log "fork figures in $out/fork.md"
cat "$out/fork.md"
