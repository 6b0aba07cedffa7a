#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make users-base: the ftracetest cases of the ftracetest guest suite on the
# unpatched base, then on rust and c. A case that passes on base and fails
# on rust or c is a regression of the series; one that fails on base too
# is reported as the base's. One line per case and variant, then
# 'N passed, N failed'.
#
# Env: FGL_FTRACETEST_CASES   narrow the cases (see ci/guest/ftracetest.sh)
. "$(dirname "$0")/lib.sh"

need_root users-base
need_space "$FGL_CACHE" 8192
start=$(now)
logs=$FGL_WORK/logs/users-base-$(date +%Y%m%d-%H%M%S)
mkdir -p "$logs"
report="make users-base"
. "$FGL_REPO/ci/report.sh"
log "logs in $logs"

# case name -> result, per variant: "ftracetest N NAME" lines without N
case_results() {
	sed -n 's/\r$//; s/^fgl-result: \(ok\|not ok\) ftracetest [0-9]* \(.*\)$/\1|\2/p' "$1"
}
for v in base rust c; do
	step "build-$v" "$FGL_REPO/ci/build.sh" "$v" || continue
	FGL_LOG=$logs/guest-$v.log FGL_APPEND="kunit.enable=0" FGL_TIMEOUT=3000 \
		"$FGL_REPO/ci/guest.sh" "$v" \
		"FGL_FTRACETEST_CASES='${FGL_FTRACETEST_CASES:-}' FGL_SUITES=ftracetest $FGL_REPO/ci/guest/suites.sh" \
		>"$logs/guest-$v.out" 2>&1 || true
	case_results "$logs/guest-$v.log" >"$logs/$v.cases"
	grep 'fgl-note: ftracetest unsupported' "$logs/guest-$v.log" | tr -d '\r' |
		sed "s/^fgl-note: /$v: /" >"$logs/$v.unsupported" || true
	[ -s "$logs/$v.cases" ] || result fail "$v: ftracetest ran" "no case result; console log: $logs/guest-$v.log"
done

for v in rust c; do
	[ -s "$logs/$v.cases" ] || continue
	while IFS='|' read -r status name; do
		on_base=$(awk -F'|' -v n="$name" '$2 == n { print $1 }' "$logs/base.cases")
		if [ "$status" = ok ]; then
			result ok "$v: $name"
		elif [ "$on_base" = ok ]; then
			result fail "$v: $name" "regression: passes on base"
		else
			result ok "$v: $name (fails on base too: ${on_base:-not run there})"
		fi
	done <"$logs/$v.cases"
done
cat "$logs"/*.unsupported 2>/dev/null | sed 's/^/note: /'
finish
