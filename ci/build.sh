#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build one kernel variant from the series, out of tree, with LLVM=1.
#
# Usage: ci/build.sh [VARIANT]       (default: rust)
# Prints the directory holding bzImage and .config. The result is cached,
# keyed by the toolchain, the series, the variant's fragments and this script;
# the build directory of each variant is kept for incremental rebuilds.
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

variant=${1:-rust}
[ -f "$FGL_REPO/kernel-config/$variant.config" ] ||
	die "no variant '$variant': kernel-config/ has $(variants)"
if unpatched "$variant"; then
	export FGL_UNPATCHED=1
	unset FGL_MUTATION
fi
out=$(kernel_dir "$variant")
if [ -f "$out/bzImage" ]; then
	printf '%s\n' "$out"
	exit 0
fi

need_space "$FGL_WORK" 6144
exec 9>"$FGL_WORK/build.lock"
flock 9
# Held until this build ends: series_source() must not wait for it
export FGL_BUILD_LOCKED=1
src=$(series_source)
bdir=$FGL_WORK/build/$variant
mkdir -p "$bdir"
frag=$bdir/fgl-fragment.config
cat "$FGL_REPO/kernel-config/common.config" "$FGL_REPO/kernel-config/$variant.config" >"$frag"

kmake() { make -C "$src" O="$bdir" LLVM=1 "$@"; }
start=$(now)
log "configuring variant $variant (allnoconfig + kernel-config/{common,$variant}.config)"
kmake -s KCONFIG_ALLCONFIG="$frag" allnoconfig >"$bdir/config.log" 2>&1 || {
	tail -n 20 "$bdir/config.log" >&2
	die "kconfig failed for variant $variant (log: $bdir/config.log)"
}

# Every option the fragments set must have survived dependency resolution.
missing=$(grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$frag" |
	while IFS= read -r line; do
		case $line in
		'# '*) opt=${line#\# }; opt=${opt%% *}
		       if grep -q "^$opt=" "$bdir/.config"; then
			       printf '  %s (wanted: not set, got: %s)\n' \
				       "$opt" "$(grep "^$opt=" "$bdir/.config")"
		       fi ;;
		*)     opt=${line%%=*}
		       if [ "${line#*=}" = n ]; then
			       if grep -q "^$opt=" "$bdir/.config"; then
				       printf '  %s (wanted: n)\n' "$opt"
			       fi
		       elif ! grep -qxF "$line" "$bdir/.config"; then
			       printf '  %s (got: %s)\n' "$line" \
				       "$(grep "^$opt=" "$bdir/.config" || echo 'not set')"
		       fi ;;
		esac
	done)
[ -z "$missing" ] || {
	printf '%s\n' "$missing" >&2
	die "variant $variant: the options above did not end up as the fragments ask (missing dependency?); fix kernel-config/"
}

log "building variant $variant in $bdir (log: $bdir/build.log)"
if ! kmake -j"$(nproc)" bzImage >"$bdir/build.log" 2>&1; then
	grep -E -A12 '(^|: )error' "$bdir/build.log" | head -n 60 >&2 || tail -n 20 "$bdir/build.log" >&2
	die "variant $variant failed to build (log: $bdir/build.log)"
fi
tmp=$out.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$bdir/arch/x86/boot/bzImage" "$bdir/.config" "$bdir/System.map" "$tmp/"
git -C "$src" rev-parse HEAD >"$tmp/series-commit"
rm -rf "$out"
mv "$tmp" "$out"
# Older kernels of this variant (or of this mutation of it) are never used
# again; a mutation's build leaves the plain variant's kernel alone.
name=${out##*/}
find "$FGL_WORK/kernels" -maxdepth 1 -name "${name%-*}-*" ! -path "$out" -exec rm -rf {} +
log "variant $variant built in $(took "$start")"
printf '%s\n' "$out"
