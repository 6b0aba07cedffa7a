#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest suite "lifecycle": shadow stacks come back when graph tracing stops.
# Boot with slub_debug=U,fgraph_stack so that the counts are exact.
#
# Parked tasks: bash processes blocked in read() on a FIFO while the graph of
# vfs_read is traced, so they are inside a traced function (with a hooked
# return address) when tracing stops; every other task is not, but for
# tasks asleep since an earlier session inside a function it traced (the
# boot-time self test traces every function): their stacks, counted before
# the suite starts, stay until those tasks return, and can only go.
. "$(dirname "$0")/lib.sh"

idle=${FGL_IDLE:-300} cycles=${FGL_CYCLES:-20} parked=4
dir=$(mktemp -d)
pids=()
for _ in $(seq "$idle"); do sleep 1000 & done
echo vfs_read >$T/set_graph_function
set_tracer nop
before=$(stack_count)

# 1. One session with parked readers.
set_tracer function_graph
for i in $(seq $parked); do
	mkfifo "$dir/f$i"
	bash -c 'exec 3<>"$1"; read -r x <&3; echo "$x" >"$1.done"; exec sleep 1000' _ "$dir/f$i" &
	pids+=($!)
done
sleep 2
enabled=$(stack_count) tasks=$(task_count)
[ "$enabled" -ge "$tasks" ]; result $? stacks_given_while_enabled "stacks $enabled, tasks $tasks"
# Unwind the parked readers from another CPU, over and over, while tracing
# stops, they return and their stacks are reclaimed: each unwind reads
# their shadow stacks (ftrace_graph_ret_addr()) while the lifecycle takes
# them. The debug variant's KASAN watches; the dmesg check reports.
unwinder() {
	local n=0 p
	while [ ! -e "$dir/unwind.stop" ]; do
		for p in "${pids[@]}"; do
			cat /proc/$p/stack >/dev/null 2>&1 && n=$((n + 1))
		done
	done
	echo "$n" >"$dir/unwinds"
}
if [ "$(nproc)" -gt 1 ]; then taskset -c 1 true 2>/dev/null && pin="taskset -c 1"; fi
${pin:-} bash -c "$(declare -p dir pids); $(declare -f unwinder); unwinder" &
unwinder_pid=$!
set_tracer nop
after=$(settle $((parked + before)) 5)
[ "$after" -le $((parked + before)) ]; result $? stacks_freed_on_disable "stacks $after after disable, $parked tasks parked in vfs_read, $before kept from before, $enabled while enabled"
for i in $(seq $parked); do echo released >"$dir/f$i"; done
sleep 1
done=$(cat "$dir"/f*.done 2>/dev/null | grep -c released || true)
[ "$done" = "$parked" ]; result $? parked_tasks_return "$done of $parked parked readers returned"
# The readers live on (in sleep), out of traced code: their stacks go.
n=$(stack_count)
[ "$n" -le "$before" ]; result $? kept_stacks_reclaimed_after_return "stacks $n, 1 s after the parked readers returned, $before kept from before"
touch "$dir/unwind.stop"
wait $unwinder_pid
unwinds=$(cat "$dir/unwinds" 2>/dev/null || echo 0)
[ "$unwinds" -gt 0 ]; result $? remote_unwinds_across_reclaim "$unwinds unwinds of the parked readers (/proc/PID/stack) while tracing stopped, they returned and their stacks went"

# 2. Repeated sessions; after each, at most the parked tasks keep a stack.
worst=0 peak=0
for c in $(seq "$cycles"); do
	set_tracer function_graph
	n=$(stack_count); [ "$n" -gt "$peak" ] && peak=$n
	set_tracer nop
	n=$(settle $((parked + before)) 5); [ "$n" -gt "$worst" ] && worst=$n
done
[ "$worst" -le $((parked + before)) ]; result $? stacks_freed_every_cycle "$cycles cycles, $idle idle processes: at most $worst stacks after a disable ($before kept from before), peak $peak"

# 3. CPU hotplug. A CPU taken offline while tracing dies inside
# arch_cpu_idle_dead(), which is traced and never returns: its idle task
# keeps its stack without holding up the end of the session, and loses it
# once the CPU is back online. Then a stop racing with CPU 1 going off and
# on line leaves nothing behind.
cpu1=/sys/devices/system/cpu/cpu1/online
if [ ! -w $cpu1 ]; then
	echo "fgl-result: skip cpu_hotplug (no CPU 1 to take offline)"
elif ! grep -qx arch_cpu_idle_dead $T/available_filter_functions; then
	echo "fgl-result: skip cpu_hotplug (arch_cpu_idle_dead is not traceable here)"
else
	echo >$T/set_graph_function
	echo arch_cpu_idle_dead >$T/set_ftrace_filter
	set_tracer function_graph
	echo 0 >$cpu1
	set_tracer nop
	off=$(stack_count)
	echo 1 >$cpu1
	echo >$T/set_ftrace_filter
	n=$(settle "$before" 5)
	[ "$n" -le "$before" ]; result $? offline_cpu_idle_stack_back "stacks $n once CPU 1 is back online, $off while it was offline, $before kept from before"

	# Only vfs_read patched: with every function patched, the unpatched
	# base dies too (a silent reset of the VM, on multi- and single-
	# threaded TCG) when CPU 1 comes up while the text is being patched.
	echo >$T/set_graph_function
	echo vfs_read >$T/set_ftrace_filter
	sessions=${FGL_HOTPLUG_SESSIONS:-30}
	(while :; do echo 0 >$cpu1; echo 1 >$cpu1; echo . >>"$dir/hotplug"; done) 2>/dev/null &
	hp=$!
	for _ in $(seq "$sessions"); do
		set_tracer function_graph
		set_tracer nop
	done
	kill $hp
	wait $hp 2>/dev/null
	echo 1 >$cpu1 2>/dev/null
	echo >$T/set_ftrace_filter
	n=$(settle "$before" 5) ops=$(wc -l <"$dir/hotplug" 2>/dev/null || echo 0)
	[ "$n" -le "$before" ]; result $? hotplug_racing_stops "$sessions sessions during $ops offline/online cycles of CPU 1: stacks $n after, $before kept from before"
fi

# 4. Linger: the stacks stay fgraph.linger_ms after the last user goes; a
# new value applies to a pending free (0: at once). That a tracer back
# within the linger allocates nothing is KUnit's
# fgl_unregister_waits_for_nothing (slabinfo cannot tell).
if [ -w "$linger" ]; then
	# Only vfs_read patched, as above: no task stays inside traced code
	echo vfs_read >$T/set_ftrace_filter
	echo 4000 >$linger
	set_tracer function_graph
	on=$(stack_count)
	set_tracer nop
	sleep 1
	n=$(stack_count)
	[ "$n" -ge $((on * 9 / 10)) ]; result $? stacks_linger "stacks $n 1 s after disable with linger_ms=4000, $on while enabled"
	set_tracer function_graph
	set_tracer nop
	echo 0 >$linger
	n=$(settle "$before" 5)
	[ "$n" -le "$before" ]; result $? linger_zero_frees_pending "stacks $n after linger_ms=0 was written during the linger, $before kept from before"
	# Memory pressure ends the linger: drop_caches runs every shrinker.
	echo 60000 >$linger
	set_tracer function_graph
	set_tracer nop
	echo 2 >/proc/sys/vm/drop_caches
	n=$(settle "$before" 5)
	echo 0 >$linger
	[ "$n" -le "$before" ]; result $? shrinker_ends_linger "stacks $n within 5 s of drop_caches, with linger_ms=60000, $before kept from before"
	echo >$T/set_ftrace_filter
else
	echo "fgl-result: skip linger (no $linger)"
fi

kill "${pids[@]}" $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
echo >$T/set_graph_function
! dmesg_reports; result $? dmesg_clean_after_lifecycle
rm -rf "$dir"
exit $fails
