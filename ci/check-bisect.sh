#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bisectability: every prefix of the series builds without a compiler
# warning and boots to a shell that can switch function_graph on and off,
# for each variant named (default: rust c). Builds are incremental, in the
# variant's build directory (left at the full series afterwards).
#
# One line per prefix and variant: "ok bisect VARIANT N/M SUBJECT [time]"
# or "not ok ..." with the reason; exits nonzero if any is not ok.
#
# Usage: ci/check-bisect.sh [VARIANT...]
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

[ $# -gt 0 ] || set -- rust c
for v in "$@"; do
	[ -f "$FGL_REPO/kernel-config/$v.config" ] ||
		die "no variant '$v': kernel-config/ has $(variants)"
done
need_space "$FGL_WORK" 6144
src=$(series_source)
exec 9>"$FGL_WORK/build.lock"
flock 9
mapfile -t commits < <(git -C "$src" rev-list --reverse "v$FGL_BASE_VERSION..HEAD")
[ ${#commits[@]} -gt 0 ] || die "the series tree $src has no commits on v$FGL_BASE_VERSION"
# The series tree goes back to the full series (and is re-checked against
# patches/ by the next build) however this script ends.
trap 'git -C "$src" checkout -q -f fgraph-lifecycle; rm -f "$src/.git/fgl-series"' EXIT
out=$FGL_WORK/bisect
mkdir -p "$out"

bad=0
boot_cmd='mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
cd /sys/kernel/tracing && echo function_graph >current_tracer && echo nop >current_tracer && echo fgl-bisect-booted'
for v in "$@"; do
	bdir=$FGL_WORK/build/$v
	mkdir -p "$bdir"
	cat "$FGL_REPO/kernel-config/common.config" "$FGL_REPO/kernel-config/$v.config" \
		>"$out/$v-fragment.config"
	for i in "${!commits[@]}"; do
		c=${commits[$i]}
		name="bisect $v $((i + 1))/${#commits[@]} $(git -C "$src" log -1 --format=%s "$c")"
		t=$(now)
		blog=$out/$v-$((i + 1)).build.log
		git -C "$src" checkout -q -f --detach "$c"
		# Options that later patches add are unknown here: kconfig only warns.
		if ! make -C "$src" O="$bdir" LLVM=1 -s KCONFIG_ALLCONFIG="$out/$v-fragment.config" \
			allnoconfig >"${blog%.log}-config.log" 2>&1 ||
			! make -C "$src" O="$bdir" LLVM=1 -j"$(nproc)" bzImage >"$blog" 2>&1; then
			printf 'not ok %s: does not build (log: %s)\n' "$name" "$blog"
			grep -E -A8 '(^|: )error' "$blog" | head -n 30 || true
			bad=1
			continue
		fi
		if grep -q 'warning:' "$blog"; then
			printf 'not ok %s: compiler warnings (log: %s)\n' "$name" "$blog"
			grep -A4 'warning:' "$blog" | head -n 30
			bad=1
			continue
		fi
		cp "$bdir/arch/x86/boot/bzImage" "$out/$v-$((i + 1)).bzImage"
		glog=$out/$v-$((i + 1)).console.log
		if FGL_KERNEL="$out/$v-$((i + 1)).bzImage" FGL_LOG="$glog" FGL_TIMEOUT=300 \
			FGL_APPEND="kunit.enable=0" \
			"$FGL_REPO/ci/guest.sh" "$v" "$boot_cmd" >/dev/null 2>&1 &&
			grep -q '^fgl-bisect-booted' "$glog"; then
			printf 'ok %s [%s]\n' "$name" "$(took "$t")"
		else
			printf 'not ok %s: builds, but does not boot to a working shell (console: %s)\n' \
				"$name" "$glog"
			bad=1
		fi
	done
done
exit $bad
