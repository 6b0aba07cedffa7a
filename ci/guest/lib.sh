# SPDX-License-Identifier: GPL-2.0
# Helpers for scripts that run inside the guest. Source it.
# Not -e: a test that fails must report and let the others run.
set -u

T=/sys/kernel/tracing
[ -e $T/current_tracer ] || mount -t tracefs nodev $T 2>/dev/null ||
	{ echo "error: cannot mount tracefs at $T" >&2; exit 1; }
# failslab's knobs live in debugfs
mountpoint -q /sys/kernel/debug || mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
# The stacks linger for fgraph.linger_ms after tracing stops (5 s by
# default); the suites count them as soon as they can go: 0. Absent on
# the unpatched base.
linger=/sys/module/fgraph/parameters/linger_ms
[ -w $linger ] && echo 0 >$linger

# fgraph_stack objects in use and their size, from /proc/slabinfo. Exact when
# the kernel was booted with slub_debug=U,fgraph_stack (no per-CPU caching);
# 0 before the cache exists (it is created on the first registration).
stacks() {
	# KASAN keeps freed objects in its quarantine, where slabinfo still
	# counts them; shrinking the cache flushes the quarantine for it.
	[ -w /sys/kernel/slab/fgraph_stack/shrink ] &&
		echo 1 >/sys/kernel/slab/fgraph_stack/shrink 2>/dev/null
	awk '$1 == "fgraph_stack" { n = $2; sz = $4 } END { print n + 0, sz + 0 }' /proc/slabinfo
}
stack_count() { stacks | cut -d' ' -f1; }
# settle MAX [SECONDS]: wait (up to SECONDS, default 10) until at most MAX
# stacks are left, print the count. Stacks that the reclaim work frees come
# back asynchronously: those of tasks that were inside traced code at the
# detach, once they return; nothing else may stay.
settle() {
	local max=$1 n i
	for i in $(seq $((${2:-10} * 5))); do
		n=$(stack_count)
		[ "$n" -le "$max" ] && break
		sleep 0.2
	done
	echo "$n"
}

# Tasks, idle tasks excluded
task_count() { ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l; }

# result STATUS NAME [DETAIL]: report one test (STATUS 0 = passed)
fails=0
result() {
	if [ "$1" = 0 ]; then
		echo "fgl-result: ok $2${3:+ ($3)}"
	else
		echo "fgl-result: not ok $2${3:+ ($3)}"
		fails=$((fails + 1))
	fi
}

set_tracer() { echo "$1" >$T/current_tracer; }

# dmesg without the WARNs provoked on purpose and the unwinder's quirk
dmesg_unexpected() {
	dmesg | awk -f "$(dirname "${BASH_SOURCE[0]}")/unexpected.awk"
}

# Reports of the kernel's checkers (a WARN, a BUG, KASAN, lockdep, RCU, hung
# tasks), not their boot banners, nor the expected WARNs above.
dmesg_reports() {
	dmesg_unexpected | grep -E 'WARNING:|BUG:|Oops|Call Trace:|KASAN:|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|hung_task|blocked for more than'
}
