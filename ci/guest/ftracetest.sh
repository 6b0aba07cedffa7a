#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest suite "ftracetest": the tracing subsystem's own selftests for the
# function tracers and fgraph's users (tools/testing/selftests/ftrace of
# the series' tree, which ci/guest.sh makes visible at $FGL_FTRACETEST_DIR),
# run by ftracetest in KTAP mode: one result per test case. A case that is
# UNSUPPORTED here (a missing feature: modules, BTF, uprobes) is printed
# with its reason and counts as neither passed nor failed; so is a case
# that ends UNRESOLVED for a reason of the configuration listed, with the
# reason, in ftracetest-unresolved.txt.
#
# Cases: every test.d/ftrace/ case, test.d/kprobe/, and the test.d/dynevent/
# cases of fprobe and kprobe events. FGL_FTRACETEST_CASES (a glob list,
# relative to test.d/) narrows them.
. "$(dirname "$0")/lib.sh"

src=${FGL_FTRACETEST_DIR:-/tmp/fgl-ftracetest}
known=$(realpath "$(dirname "$0")")/ftracetest-unresolved.txt
[ -x "$src/ftracetest" ] || { result 1 ftracetest_found "no ftracetest in $src"; exit 1; }
cd "$src" || exit 1
if [ -n "${FGL_FTRACETEST_CASES:-}" ]; then
	# shellcheck disable=SC2086
	cases=$(cd test.d && ls $FGL_FTRACETEST_CASES | sed 's|^|test.d/|')
else
	cases="$(ls test.d/ftrace/*.tc test.d/kprobe/*.tc)
$(grep -l -E 'fprobe|kprobe' test.d/dynevent/*.tc)"
fi
logs=$(mktemp -d)
set_tracer nop
start=$(date +%s)
while read -r line; do
	case $line in
	"not ok "*"# UNRESOLVED")
		desc=$(echo "$line" | sed 's/^not ok [0-9]* //; s/ # UNRESOLVED$//')
		why=$(awk -F'|' -v d="$desc" '$1 == d { print $2 }' "$known")
		if [ -n "$why" ]; then
			echo "fgl-note: ftracetest unsupported ${line#not ok }: $why"
		else
			result 1 "ftracetest ${line#not ok }"
		fi ;;
	"not ok "*) result 1 "ftracetest ${line#not ok }" ;;
	"ok "*"# SKIP"*)
		# The case's log says why: its last line that is not a trace
		# of the shell
		n=$(echo "$line" | awk '{ print $2 }')
		why=$(cat "$logs"/"$n"-*-log.* 2>/dev/null | grep -v '^+' | grep -v '^$' | tail -n 1)
		echo "fgl-note: ftracetest unsupported ${line#ok }: ${why:-no reason logged}" ;;
	"ok "*) result 0 "ftracetest ${line#ok }" ;;
	esac
	# shellcheck disable=SC2086
done < <(./ftracetest --ktap --keep -l "$logs" $cases 2>&1)
echo "fgl-note: ftracetest: $(echo "$cases" | wc -w) cases in $(($(date +%s) - start)) s"
[ "$fails" = 0 ] || tail -n 50 "$logs/ftracetest.log"
set_tracer nop
! dmesg_reports; result $? dmesg_clean_after_ftracetest
exit $fails
