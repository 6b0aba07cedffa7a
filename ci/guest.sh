#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a built variant in virtme-ng, run a command as root, exit with its
# status.
#
# Usage: ci/guest.sh VARIANT 'COMMAND LINE'
# Env:   FGL_APPEND     extra kernel parameters
#        FGL_TIMEOUT    seconds before the guest is killed (default 600)
#        FGL_KVM        auto (default: KVM where a probe shows it works), yes, no
#        FGL_CPUS, FGL_MEMORY   guest size (default 2 vCPUs, 2G)
#        FGL_QEMU_OPTS  extra QEMU options (e.g. "-icount shift=0,sleep=off")
#        FGL_TCG_SINGLE 1 (default): one host thread for all vCPUs under TCG;
#                       0: multi-threaded TCG (ignored under KVM)
#        FGL_LOG        where the console log goes (default: a file under the cache)
#        FGL_KERNEL     boot this bzImage instead of VARIANT's build (which
#                       then only names the log)
# The guest's root file system is the toolchain root (read-only, with
# overlays); this repository and the cache are visible at the same paths.
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

[ $# -eq 2 ] || die "usage: ci/guest.sh VARIANT 'COMMAND'"
variant=$1 cmd=$2
timeout=${FGL_TIMEOUT:-600}
if [ -n "${FGL_KERNEL:-}" ]; then
	[ -f "$FGL_KERNEL" ] || die "FGL_KERNEL=$FGL_KERNEL is not a file"
	kimage=$FGL_KERNEL
else
	kimage=$("$FGL_REPO/ci/build.sh" "$variant")/bzImage
fi
mkdir -p "$FGL_WORK/logs"
log=${FGL_LOG:-$FGL_WORK/logs/guest-$variant-$(date +%Y%m%d-%H%M%S)-$$.log}

# KVM is used only where a guest really runs under it: on some hosts
# /dev/kvm exists but guests die with an emulation failure or hang.
kvm_works() {
	local probe
	[ -w /dev/kvm ] || return 1
	probe=$FGL_WORK/kvm-probe-$(cat /proc/sys/kernel/random/boot_id)
	if [ ! -f "$probe" ]; then
		log "probing whether a KVM guest runs here (once per host boot, at most 60 s)"
		if (cd /tmp && timeout -k 5 60 vng -r "$kimage" --cpus 1 --memory 512M \
			--exec true </dev/null >/dev/null 2>&1); then
			echo yes >"$probe"
		else
			echo no >"$probe"
		fi
	fi
	[ "$(cat "$probe")" = yes ]
}

accel=()
case ${FGL_KVM:-auto} in
yes) ;;
no) accel=(--disable-kvm --force-9p) ;;
auto)
	if ! kvm_works; then
		accel=(--disable-kvm --force-9p)
	fi ;;
*) die "FGL_KVM must be auto, yes or no" ;;
esac
mode=KVM
[ ${#accel[@]} -eq 0 ] || mode="TCG (no working KVM; slower)"
[ -z "${FGL_QEMU_OPTS:-}" ] || accel+=(--qemu-opts="$FGL_QEMU_OPTS")
# One host thread for all vCPUs under TCG unless FGL_TCG_SINGLE=0:
# multi-threaded TCG can run code that another vCPU has just rewritten
# (text_poke), an "Oops: int3" at a function's first byte that the every-
# function torture and, more rarely, make test's suites trip over
# (Documentation/testing.md).
case ${FGL_TCG_SINGLE:-1} in
0 | 1) ;;
*) die "FGL_TCG_SINGLE must be 1 (single-threaded TCG, the default) or 0" ;;
esac
if [ "${FGL_TCG_SINGLE:-1}" = 1 ] && [ "$mode" != KVM ]; then
	accel+=(--qemu-opts="-accel tcg,thread=single")
	mode="$mode, single-threaded"
fi

# virtme-ng carries the command on the kernel command line (2 KiB on x86;
# a longer one boots a guest that cannot mount its root): a long command
# goes to the guest as a script in a directory shared read-only.
cmddir=$(mktemp -d "$FGL_WORK/guest-cmd.XXXXXX")
fifo=$cmddir.console
trap 'rm -rf "$cmddir" "$fifo"' EXIT
if [ ${#cmd} -gt 1024 ]; then
	printf '%s\n' "$cmd" >"$cmddir/cmd.sh"
	cmd="bash /tmp/fgl-cmd/cmd.sh"
fi

# A guest whose console stays silent has hung: it is stopped after
# FGL_STALL seconds without a byte (default 1800), or FGL_BOOT_STALL
# (default 600) while the kernel boots, before it starts user space; the
# kernel's slowest step there, the function_graph start-up self test under
# KASAN, prints nothing for 90 s. A kernel that hangs at boot is booted once
# more, with a warning, and its first console kept: on 2026-11-27 a debug
# kernel went silent for an hour inside 7.3.4's start-up self test of
# ftrace_ops, which the series does not change, with no checker reporting
# (no NMI watchdog under TCG), after seven boots that passed it.
stall=${FGL_STALL:-1800} boot_stall=${FGL_BOOT_STALL:-600}
[[ $stall =~ ^[1-9][0-9]*$ && $boot_stall =~ ^[1-9][0-9]*$ ]] ||
	die "FGL_STALL and FGL_BOOT_STALL must be numbers of seconds"

# Boots the guest once, its console into $log; sets rc, and stalled (boot
# or run) and silent (seconds) if it was stopped as hung.
boot() {
	local vpid tpid size last=-1 quiet=0 limit=$boot_stall at=boot
	rm -f "$fifo"
	mkfifo "$fifo"
	timeout -k 10 "$timeout" vng -r "$kimage" "${accel[@]}" \
		--cpus "${FGL_CPUS:-2}" --memory "${FGL_MEMORY:-2G}" --verbose \
		--append "panic=-1 oops=panic ${FGL_APPEND:-}" \
		--rodir="/tmp/fgl-ftracetest=$FGL_WORK/series/linux/tools/testing/selftests/ftrace" \
		--rodir="/tmp/fgl-cmd=$cmddir" \
		--exec "$cmd" </dev/null >"$fifo" 2>&1 &
	vpid=$!
	tee "$log" <"$fifo" &
	tpid=$!
	stalled= silent= lastline=
	while kill -0 "$vpid" 2>/dev/null; do
		sleep 1
		size=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$size" != "$last" ]; then
			last=$size quiet=0
		else
			quiet=$((quiet + 1))
		fi
		# User space has started: the longer limit from now on
		if [ "$at" = boot ] && grep -q ' as init process' "$log"; then
			at=run limit=$stall
		fi
		if [ "$quiet" -ge "$limit" ]; then
			stalled=$at silent=$quiet
			lastline=$(tail -n 1 "$log" | tr -d '\r')
			# timeout leads its own process group: vng and QEMU
			kill -TERM -- "-$vpid" 2>/dev/null || kill -TERM "$vpid" 2>/dev/null
			(sleep 20 && kill -KILL -- "-$vpid") 2>/dev/null &
			break
		fi
	done
	wait "$vpid"
	rc=$?
	wait "$tpid" || true
}

log "booting variant $variant ($mode), timeout ${timeout}s, console log: $log"
cd "$FGL_REPO"
set +e
boot
if [ "$stalled" = boot ]; then
	mv "$log" "$log.stalled"
	echo "warning: the kernel hung at boot (no console output for ${boot_stall}s after \"$lastline\"; console: $log.stalled); booting it once more" >&2
	boot
fi
set -e
if grep -q 'Kernel panic - not syncing' "$log"; then
	die "the guest kernel panicked (exit $rc); console log: $log"
fi
if [ -n "$stalled" ]; then
	die "the guest printed nothing for ${silent}s and was stopped as hung (during ${stalled}; last line: \"$lastline\"); console log: $log"
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	die "the guest did not finish within ${timeout}s and was killed; console log: $log"
fi
exit "$rc"
