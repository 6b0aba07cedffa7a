#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What 'make run' shows: the kernel, function_graph at work, and the
# fgraph_stack objects before enabling, while enabled and after disabling.
. "$(dirname "$0")/lib.sh"

idle=${1:-100}
# Keep kernel messages off the console, so the output reads cleanly.
dmesg -n 1
echo "kernel: $(uname -r) ($(nproc) CPUs)"
if grep -qw function_graph $T/available_tracers; then
	echo "function_graph: available"
else
	echo "function_graph: NOT available"; exit 1
fi

for _ in $(seq "$idle"); do sleep 1000 & done
sleep 1
row() {
	local s
	s=$(stacks)
	printf '  %-18s %6s stacks %9s bytes   (%s tasks)\n' "$1" "${s% *}" \
		$(( ${s% *} * ${s#* } )) "$(task_count)"
}
echo "fgraph_stack objects ($idle idle processes started):"
row "before enabling"
echo vfs_read >$T/set_graph_function
set_tracer function_graph
cat /proc/version >/dev/null
sleep 1
row "while enabled"
excerpt=$(grep -v -e '^#' -e '^ *$' $T/trace | head -n 12)
# The stacks linger after the last user goes (fgraph.linger_ms), then go.
echo 2000 >$linger
set_tracer nop
sleep 1
row "1 s after disabling"
settle 0 5 >/dev/null
row "after the 2 s linger"
echo >$T/set_graph_function
echo
echo "function_graph trace excerpt (set_graph_function=vfs_read):"
printf '%s\n' "$excerpt"
[ -n "$excerpt" ] || { echo "error: the trace was empty"; exit 1; }
kill $(jobs -p) 2>/dev/null || true
