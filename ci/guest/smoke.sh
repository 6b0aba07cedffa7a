#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest suite "smoke": function_graph works and every task gets a shadow
# stack while it is enabled. One line "fgl-result: ok|not ok NAME" a test.
. "$(dirname "$0")/lib.sh"

for _ in $(seq 50); do sleep 1000 & done
sleep 1

grep -qw function_graph $T/available_tracers; result $? function_graph_available

# Trace one function's call graph only: tracing every function under TCG
# slows the guest to a crawl. Stacks are given to every task either way.
echo vfs_read >$T/set_graph_function
set_tracer function_graph
cat /proc/version >/dev/null
sleep 1
echo 0 >$T/tracing_on
lines=$(grep -cv -e '^#' -e '^ *$' $T/trace || true)
[ "$lines" -gt 0 ]; result $? function_graph_traces "trace lines: $lines"
grep -q '[|] *[a-z_]*() {' $T/trace; result $? function_graph_nests
n=$(stack_count) tasks=$(task_count)
[ "$n" -ge "$tasks" ]; result $? stacks_while_enabled "stacks $n, tasks $tasks"
echo 1 >$T/tracing_on
set_tracer nop
echo >$T/set_graph_function
[ "$(cat $T/current_tracer)" = nop ]; result $? function_graph_disables

kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
! dmesg_reports; result $? dmesg_clean
exit $fails
