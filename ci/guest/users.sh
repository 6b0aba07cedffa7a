#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest suite "users": fgraph's users besides the function_graph tracer, as
# a tracing user meets them. For each user: its own output is right, every
# task has a shadow stack while it is attached, and once it has detached the
# stacks come back to what the tasks inside traced code explain. Then users
# that overlap (also at every fgraph index), attach/detach cycles, and
# readers parked inside a probed function across the removal of its exit
# probe.
#
# Users: the function_graph tracer, the function profiler, an fprobe exit
# event, a kretprobe event, bpftrace with a wildcard kretprobe (a BPF
# kprobe_multi link, which is an fprobe), the irqsoff and wakeup tracers
# with display-graph.
#
# Env: FGL_USERS_CYCLES (default 30) attach/detach cycles per cycling test.
. "$(dirname "$0")/lib.sh"

cycles=${FGL_USERS_CYCLES:-30} parked=4
E=$T/dynamic_events
dir=$(mktemp -d)
# Every guest command that could hang gets a timeout, in seconds.
bpf_timeout=300

# Traffic through the probed function, vfs_read(), from a process that is
# not the shell: some reads of a small file.
reads() { head -c 64 /proc/version >/dev/null; cat /proc/self/stat /proc/version >/dev/null; }

# attached NAME: every task has a stack (the user is attached)
attached() {
	local n tasks
	n=$(stack_count) tasks=$(task_count)
	[ "$n" -ge "$tasks" ]
	result $? "$1_stacks_while_attached" "stacks $n, tasks $tasks"
	given=$n
}

# detached NAME: the stacks came back (to $before: the stacks held by tasks
# that were inside traced code before the suite started, which can only go)
detached() {
	local n
	n=$(settle "$before")
	[ "$n" -le "$before" ]
	result $? "$1_stacks_back_after_detach" "stacks $n after detach, $before held before, $given while attached"
	echo "fgl-note: users $1: stacks while attached $given, after detach $n (held before the suite: $before)"
}

# lat_detached NAME: as detached, for a user that traces every function:
# the few tasks asleep inside a function entered during the session keep
# their stacks (a leak would keep one per task); the count is printed, and
# becomes the new baseline.
lat_sleepers=4
lat_detached() {
	local n
	n=$(settle "$before")
	[ "$n" -le $((before + lat_sleepers)) ]
	result $? "$1_stacks_back_after_detach" "stacks $n after detach, $before held before, at most $lat_sleepers more asleep in traced code allowed, $given while attached"
	echo "fgl-note: users $1: stacks while attached $given, after detach $n (held before: $before)"
	before=$n
}

# error_log tail: why tracefs refused a command
why() { tail -n 3 $T/error_log 2>/dev/null | tr '\n' ' '; }

# event_add GROUP/NAME SPEC: add and enable a dynamic event, or report why not
event_add() {
	local ev=$1 spec=$2
	if ! echo "$spec" >>$E 2>/dev/null; then
		result 1 "attach_${ev#*/}" "'$spec' refused by dynamic_events: $(why)"
		return 1
	fi
	if ! echo 1 >$T/events/$ev/enable 2>/dev/null; then
		result 1 "attach_${ev#*/}" "enabling $ev refused: $(why)"
		echo "-:$ev" >>$E
		return 1
	fi
}
# Disable first: reading 'trace' while an event on vfs_read is enabled
# feeds itself and never ends. Disabling the last enabled fprobe event of a
# probe unregisters its fprobe; removing it deletes the event, after which
# its records in the buffer can no longer be printed.
event_disable() { echo 0 >$T/events/$1/enable; }
event_remove() { echo 0 >$T/events/$1/enable; echo "-:$1" >>$E; }
# Events of one probe in the trace buffer
event_lines() { grep -c " ${1#*/}: " $T/trace || true; }

set_tracer nop
echo 0 >$T/options/display-graph 2>/dev/null
echo >$T/set_ftrace_filter
echo >$T/set_graph_function
echo >$T/trace
for _ in $(seq 50); do sleep 1000 & done
sleep 1
before=$(stack_count)
echo "fgl-note: users: $before stacks held before the suite, $(task_count) tasks"

# 1. The function_graph tracer, one function's graph.
echo vfs_read >$T/set_graph_function
set_tracer function_graph
reads
attached function_graph
echo 0 >$T/tracing_on
grep -q 'vfs_read() {' $T/trace; result $? function_graph_output "vfs_read() in the trace"
echo 1 >$T/tracing_on
set_tracer nop
echo >$T/set_graph_function
detached function_graph

# 2. The function profiler (an fgraph_ops timing each function).
echo vfs_read >$T/set_ftrace_filter
echo 1 >$T/function_profile_enabled
for _ in $(seq 10); do reads; done
attached profiler
hits=$(awk '$1 == "vfs_read" { h += $2 } END { print h + 0 }' $T/trace_stat/function* 2>/dev/null)
[ "$hits" -gt 0 ]; result $? profiler_output "vfs_read hits: $hits"
echo 0 >$T/function_profile_enabled
echo >$T/set_ftrace_filter
detached profiler

# 3. An fprobe exit event with the return value.
echo >$T/trace
if event_add fprobes/fgl_ret 'f:fprobes/fgl_ret vfs_read%return ret=$retval'; then
	reads
	attached fprobe_exit
	event_disable fprobes/fgl_ret
	# ret= the bytes read: small and positive for these reads
	sane=$(grep ' fgl_ret: ' $T/trace | grep -cE '<- vfs_read\) ret=0x[0-9a-f]{1,5}$' || true)
	[ "$sane" -gt 0 ]; result $? fprobe_exit_output "$(event_lines fprobes/fgl_ret) events, $sane with a plausible ret"
	event_remove fprobes/fgl_ret
	detached fprobe_exit
fi

# 4. A kretprobe event: kprobe events on function exit use rethook on x86,
# not fgraph; what matters is that its events are right and nothing stays.
echo >$T/trace
if event_add kprobes/fgl_kret 'r:kprobes/fgl_kret vfs_read ret=$retval'; then
	reads
	n=$(stack_count) tasks=$(task_count)
	if [ "$n" -ge "$tasks" ]; then via=fgraph; else via="not fgraph (rethook)"; fi
	echo "fgl-note: users kretprobe: routed through $via (stacks $n, tasks $tasks, $before before)"
	event_disable kprobes/fgl_kret
	sane=$(grep ' fgl_kret: ' $T/trace | grep -cE '<- vfs_read\) ret=0x[0-9a-f]{1,5}$' || true)
	[ "$sane" -gt 0 ]; result $? kretprobe_output "$(event_lines kprobes/fgl_kret) events, $sane with a plausible ret"
	event_remove kprobes/fgl_kret
	given=$n
	detached kretprobe
fi

# 5. bpftrace, a wildcard kretprobe: a BPF kprobe_multi link (an fprobe).
# -c runs the command once the probes are attached and detaches when it
# ends; the command records the stacks and the links while attached.
bpf_run() { # OUT SCRIPT: bpftrace counting vfs_rea* returns while SCRIPT runs
	# -c splits its argument on spaces, with no shell: give it a script
	timeout -k 5 $bpf_timeout bpftrace -q \
		-e 'kretprobe:vfs_rea* { @returns = count(); }' -c "/bin/bash $2" \
		>"$1" 2>&1
}
cat >"$dir/probe.sh" <<EOS
. $(realpath "$(dirname "$0")")/lib.sh
head -c 64 /proc/version >/dev/null; cat /proc/self/stat /proc/version >/dev/null
stack_count >$dir/bpf.stacks
task_count >$dir/bpf.tasks
bpftool link show >$dir/bpf.links 2>&1
EOS
printf 'head -c 64 /proc/version >/dev/null\n' >"$dir/reads.sh"
if ! command -v bpftrace >/dev/null; then
	result 1 attach_bpftrace "no bpftrace in the guest's root (ci/toolchain.packages)"
elif bpf_run "$dir/bpf.out" "$dir/probe.sh"; then
	n=$(cat "$dir/bpf.stacks") tasks=$(cat "$dir/bpf.tasks")
	[ "$n" -ge "$tasks" ]; result $? bpftrace_stacks_while_attached "stacks $n, tasks $tasks"
	given=$n
	grep -q kprobe_multi "$dir/bpf.links"
	result $? bpftrace_uses_kprobe_multi "links: $(grep -o 'type [a-z_]*\|kprobe_multi' "$dir/bpf.links" | sort -u | tr '\n' ' ')"
	count=$(sed -n 's/^@returns: \([0-9]*\)$/\1/p' "$dir/bpf.out")
	[ "${count:-0}" -gt 0 ]; result $? bpftrace_output "@returns: ${count:-none}"
	detached bpftrace
else
	result 1 attach_bpftrace "bpftrace failed or hung (${bpf_timeout}s): $(tail -n 3 "$dir/bpf.out" | tr '\n' ' ')"
fi

# 6. Overlapping users keep every stack until the last one goes.
fg_on() { echo vfs_read >$T/set_graph_function; set_tracer function_graph; }
fg_off() { set_tracer nop; echo >$T/set_graph_function; }
fp_on() { event_add fprobes/fgl_ovl 'f:fprobes/fgl_ovl vfs_read%return ret=$retval'; }
fp_off() { event_remove fprobes/fgl_ovl; }
overlap() { # NAME FIRST-ON SECOND-ON FIRST-OFF SECOND-OFF
	local name=$1 n tasks
	$2 || return
	$3 || { $4; return; }
	reads
	$4
	n=$(stack_count) tasks=$(task_count)
	[ "$n" -ge "$tasks" ]; result $? "${name}_first_gone_stacks_kept" "stacks $n, tasks $tasks"
	given=$n
	$5
	detached "$name"
}
overlap tracer_then_fprobe fg_on fp_on fg_off fp_off
overlap fprobe_then_tracer fp_on fg_on fp_off fg_off
overlap tracer_then_fprobe_tracer_last fg_on fp_on fp_off fg_off
if command -v bpftrace >/dev/null && fp_on; then
	bpf_run "$dir/bpf2.out" "$dir/reads.sh" ||
		result 1 bpftrace_beside_fprobe "bpftrace failed: $(tail -n 3 "$dir/bpf2.out" | tr '\n' ' ')"
	n=$(stack_count) tasks=$(task_count)
	[ "$n" -ge "$tasks" ]; result $? bpftrace_gone_fprobe_event_keeps_stacks "stacks $n, tasks $tasks"
	given=$n
	fp_off
	detached bpftrace_beside_fprobe
fi

# 6b. fprobe and the function_graph tracer at every fgraph index. The
# tracer graphs vfs_read() (a few of its callees are patched), the fprobe
# has vfs_read() only: the frame of a callee must reach the tracer's return
# handler and no other (7.3.4 also called the handler of the user at index
# 0, where fprobe's WARNs). Indexes are handed out in turn, from a queue
# that an unregistered index joins at the end: with fprobe first on and
# last off, 16 overlaps give fprobe each of the 16 indexes.
fg1_on() {
	for f in vfs_read rw_verify_area seq_read_iter proc_reg_read_iter; do
		echo $f >>$T/set_ftrace_filter 2>/dev/null
	done
	echo vfs_read >$T/set_graph_function
	set_tracer function_graph
}
fg1_off() { set_tracer nop; echo >$T/set_ftrace_filter; echo >$T/set_graph_function; }
ok=0
for _ in $(seq 16); do
	fp_on || break
	fg1_on; reads; fg1_off
	fp_off
	ok=$((ok + 1))
done
[ "$ok" = 16 ] && ! dmesg_reports | grep -q .
result $? fprobe_beside_tracer_every_index "$ok of 16 overlaps; dmesg: $(dmesg_reports | head -n 2 | tr '\n' ' ')"

# 7. Attach/detach cycles: an fprobe event, bpftrace.
worst=0 ok=0
for _ in $(seq "$cycles"); do
	fp_on || break
	reads
	n=$(stack_count) tasks=$(task_count)
	[ "$n" -ge "$tasks" ] && ok=$((ok + 1))
	fp_off
	n=$(settle "$before"); [ "$n" -gt "$worst" ] && worst=$n
done
[ "$ok" = "$cycles" ] && [ "$worst" -le "$before" ]
result $? fprobe_event_cycles "$ok of $cycles cycles attached with every stack, at most $worst stacks after a detach ($before before)"
if command -v bpftrace >/dev/null; then
	worst=0 ok=0 t0=$(date +%s)
	for _ in $(seq "$cycles"); do
		bpf_run "$dir/bpfc.out" "$dir/reads.sh" && grep -q '^@returns: [1-9]' "$dir/bpfc.out" && ok=$((ok + 1))
		n=$(settle "$before"); [ "$n" -gt "$worst" ] && worst=$n
	done
	[ "$ok" = "$cycles" ] && [ "$worst" -le "$before" ]
	result $? bpftrace_cycles "$ok of $cycles runs counted returns, at most $worst stacks after a detach ($before before), $(($(date +%s) - t0)) s"
fi

# 8. Readers parked in vfs_read() across the removal of an fprobe exit
# event: they keep their stacks, return safely, and their stacks are
# reclaimed once they have returned. (That no exit handler runs after the
# removal is the KUnit case fgl_fprobe_beside_graph's: a disabled event
# would not record one anyway.)
pids=()
if event_add fprobes/fgl_park 'f:fprobes/fgl_park vfs_read%return ret=$retval'; then
	for i in $(seq $parked); do
		mkfifo "$dir/f$i"
		bash -c 'exec 3<>"$1"; read -r x <&3; echo "$x" >"$1.done"; exec sleep 1000' _ "$dir/f$i" &
		pids+=($!)
	done
	# Until all of them sleep in pipe_read() inside vfs_read() (their
	# kernel stacks say so), 20 s at most
	for _ in $(seq 100); do
		n=0
		for p in "${pids[@]}"; do
			grep -q pipe_read "/proc/$p/stack" 2>/dev/null && n=$((n + 1))
		done
		[ "$n" = $parked ] && break
		sleep 0.2
	done
	[ "$n" = $parked ]
	result $? parked_readers_in_vfs_read "$n of $parked asleep in pipe_read (wchan of the first: $(cat "/proc/${pids[0]}/wchan" 2>/dev/null))"
	# Disabling unregisters the fprobe, the last fgraph user
	event_disable fprobes/fgl_park
	kept=$(settle $((before + parked)) 5)
	[ "$kept" -ge $parked ] && [ "$kept" -le $((before + parked)) ]
	result $? parked_fprobe_removed_others_freed "stacks $kept after removal, $parked readers parked, $before before"
	for i in $(seq $parked); do echo released >"$dir/f$i"; done
	for _ in $(seq 50); do
		back=$(cat "$dir"/f*.done 2>/dev/null | grep -c released || true)
		[ "$back" = "$parked" ] && break
		sleep 0.2
	done
	[ "$back" = "$parked" ]; result $? parked_readers_return "$back of $parked returned"
	event_remove fprobes/fgl_park
	given=$kept
	detached parked_readers
fi

# 9. irqsoff and wakeup with display-graph: an fgraph_ops each, whose
# filter is every function (set_ftrace_filter does not apply to it). Tasks
# that ran during the session and then slept inside a function entered
# during it (kernel threads looping below their entry point) keep their
# stacks until they return, which may be long: last, and with a bound.
for tracer in irqsoff wakeup; do
	echo 0 >$T/tracing_max_latency
	echo 1 >$T/options/display-graph
	echo vfs_read >$T/set_ftrace_filter
	if ! echo $tracer >$T/current_tracer 2>/dev/null; then
		result 1 "attach_$tracer" "current_tracer refused '$tracer' (CONFIG_IRQSOFF_TRACER, CONFIG_SCHED_TRACER)"
		continue
	fi
	# Until a latency is recorded, 10 s at most. Irq-off sections come
	# with the reads and sleeps; the wakeup tracer records only a wakee
	# of higher priority than its waker (never two SCHED_OTHER tasks, so
	# a wakeup from idle only, which a busy guest may not give): an
	# SCHED_FIFO sleeper's timer wakeup always counts.
	for _ in $(seq 50); do
		reads
		if [ "$tracer" = wakeup ]; then
			chrt -f 5 sleep 0.2
		else
			sleep 0.2
		fi
		[ "$(cat $T/tracing_max_latency)" -gt 0 ] && break
	done
	attached "$tracer"
	lat=$(cat $T/tracing_max_latency)
	set_tracer nop
	echo 0 >$T/options/display-graph
	echo >$T/set_ftrace_filter
	[ "$lat" -gt 0 ]; result $? "${tracer}_output" "tracing_max_latency $lat us"
	lat_detached "$tracer"
done

kill "${pids[@]}" $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
! dmesg_reports; result $? dmesg_clean_after_users
rm -rf "$dir"
exit $fails
