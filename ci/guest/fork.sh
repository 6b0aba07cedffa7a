#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of ci/bench-fork.sh: the guest time of a fork+exit of a bash
# subshell, before graph tracing was ever on ("never") and after a
# function_graph session once its stacks are freed ("after"). Under icount,
# guest time counts instructions; nothing in the timed loop touches the 9p
# root. Prints "fgl-fork: PHASE NS_PER_FORK", FGL_FORK_REPS times a phase,
# each over FGL_FORKS forks, after one sample left out (warm-up).
set -eu
forks=${FGL_FORKS:-1000} reps=${FGL_FORK_REPS:-5}
tracing=/sys/kernel/tracing
linger=/sys/module/fgraph/parameters/linger_ms

sample() {
	local phase=$1 r i t0 t1
	for ((r = 0; r <= reps; r++)); do
		t0=$EPOCHREALTIME
		for ((i = 0; i < forks; i++)); do (:); done
		t1=$EPOCHREALTIME
		((r == 0)) || echo "fgl-fork: $phase $(((${t1/./} - ${t0/./}) * 1000 / forks))"
	done
}

sample never
mountpoint -q "$tracing" || mount -t tracefs nodev "$tracing"
# Free the stacks at once where the kernel frees them (not on 7.3.4)
[ ! -e "$linger" ] || echo 0 >"$linger"
echo function_graph >"$tracing/current_tracer"
sleep 1
echo nop >"$tracing/current_tracer"
sleep 2
sample after
