#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest suite "torture": rust/fgraph-torture turns graph tracing on and off
# while other threads fork, take CPU 1 offline and online, and sit parked in
# a traced read(), and (on kernels with CONFIG_FAILSLAB) while 10 % of the
# fgraph_stack allocations fail. After each run: no checker report in dmesg.
# FGL_TORTURE=short (make test: two functions patched) or long (make
# torture: every function patched but for the hotplug run, ten times the
# cycles).
. "$(dirname "$0")/lib.sh"

bin=$(dirname "$0")/../../rust/target/release/fgraph-torture
[ -x "$bin" ] || { result 1 torture_program "missing: $bin (cargo build --release in rust/)"; exit 1; }

case ${FGL_TORTURE:-short} in
short) many=100 some=30 secs=90 all=() ;;
long) many=1000 some=300 secs=600 all=(--all-functions) ;;
*) echo "error: FGL_TORTURE must be short or long" >&2; exit 2 ;;
esac

run() {
	local name=$1
	shift
	"$bin" --name "torture_$name" --secs "$secs" "${all[@]}" "$@"
	! dmesg_reports; result $? "torture_${name}_dmesg_clean"
}

run cycles --cycles "$many" --parked 4
run fork_storm --cycles "$some" --forkers 2 --parked 4
# CPU hotplug with every function patched makes the emulated machine stop
# without a word within a few offline/online cycles, the unpatched 7.3.4
# too (Documentation/testing.md): hotplug runs with the two functions.
every=("${all[@]}")
all=()
run hotplug --cycles "$some" --forkers 1 --hotplug --parked 4
all=("${every[@]}")
if [ -e /sys/kernel/debug/failslab ]; then
	run failslab --cycles "$some" --forkers 2 --parked 4 --failslab 10
else
	echo "fgl-note: no failslab in this kernel (CONFIG_FAILSLAB): the failslab run is the debug variant's"
fi
exit $fails
