# SPDX-License-Identifier: GPL-2.0
# Helpers for scripts that run inside the guest. Source it.
# Not -e: a test that fails must report and let the others run.
set -u

T=/sys/kernel/tracing
[ -e $T/current_tracer ] || mount -t tracefs nodev $T 2>/dev/null ||
	{ echo "error: cannot mount tracefs at $T" >&2; exit 1; }

# fgraph_stack objects in use and their size, from /proc/slabinfo. Exact when
# the kernel was booted with slub_debug=U,fgraph_stack (no per-CPU caching);
# 0 before the cache exists (it is created on the first registration).
stacks() {
	awk '$1 == "fgraph_stack" { n = $2; sz = $4 } END { print n + 0, sz + 0 }' /proc/slabinfo
}
stack_count() { stacks | cut -d' ' -f1; }

# Tasks, idle tasks excluded
task_count() { ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l; }

set_tracer() { echo "$1" >$T/current_tracer; }
