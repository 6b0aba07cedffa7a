#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest suite "ftracetest": the tracing subsystem's own selftests that use
# the function-graph tracer (tools/testing/selftests/ftrace of the series'
# tree, which ci/guest.sh makes visible at $FGL_FTRACETEST_DIR), run by
# ftracetest in KTAP mode: one result per test case.
. "$(dirname "$0")/lib.sh"

src=${FGL_FTRACETEST_DIR:-/tmp/fgl-ftracetest}
[ -x "$src/ftracetest" ] || { result 1 ftracetest_found "no ftracetest in $src"; exit 1; }
cd "$src" || exit 1
cases=$(grep -l function_graph test.d/ftrace/*.tc)
logs=$(mktemp -d)
set_tracer nop
while read -r line; do
	case $line in
	"not ok "*) result 1 "ftracetest ${line#not ok }" ;;
	"ok "*"# SKIP"*) echo "fgl-note: ftracetest skipped ${line#ok }" ;;
	"ok "*) result 0 "ftracetest ${line#ok }" ;;
	esac
done < <(./ftracetest --ktap -l "$logs" $cases 2>&1)
[ "$fails" = 0 ] || cat "$logs"/*/* 2>/dev/null | tail -50
! dmesg_reports; result $? dmesg_clean_after_ftracetest
exit $fails
