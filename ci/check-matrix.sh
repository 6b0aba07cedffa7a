#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build matrix: the series builds with LLVM and with GCC, with Rust on and
# off, and with the function graph tracer off, where every hook must
# compile away. Each configuration is checked after kconfig (it is what it
# claims to be) and after the build (which lifecycle vmlinux holds).
#
# One line per configuration: "ok matrix NAME", "not ok matrix NAME" with
# the reason, or "ok matrix NAME # SKIP reason" where upstream does not
# support the combination. A configuration that built once is not built
# again for the same toolchain, series, kernel-config/ and script.
#
# Usage: ci/check-matrix.sh [NAME...]    (default: all, listed in 'configs')
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

# NAME  COMPILER  VARIANT  EXTRA  EXPECT
#   VARIANT: kernel-config/VARIANT.config, after common.config
#   EXTRA: options appended to the fragments, comma-separated ('-' for
#   none). The function graph tracer goes off only with FPROBE, which
#   selects it (common.config has FPROBE for the users suite).
#   EXPECT: which lifecycle vmlinux holds: rust, c, or none
# The two LLVM ones with no EXTRA are the variants themselves, built by
# ci/build.sh (cached, as make test builds them); the others build here.
configs='
llvm-rust     llvm rust -                                   rust
llvm-c        llvm c    -                                   c
llvm-norust   llvm c    CONFIG_RUST=n                       c
gcc-norust    gcc  c    CONFIG_RUST=n                       c
gcc-rust      gcc  rust -                                   rust
llvm-nofgraph llvm rust CONFIG_FUNCTION_GRAPH_TRACER=n,CONFIG_FPROBE=n none
'

need_space "$FGL_WORK" 8192
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(awk 'NF { print $1 }' <<<"$configs")
# The variants first (ci/build.sh takes the build lock itself).
declare -A variant_dir
for name in "${names[@]}"; do
	read -r _ cc variant extra _ < <(awk -v n="$name" '$1 == n' <<<"$configs") || continue
	if [ "$cc" = llvm ] && [ "$extra" = - ]; then
		"$FGL_REPO/ci/build.sh" "$variant" >/dev/null 2>"$FGL_WORK/matrix-$variant.log" ||
			{ cat "$FGL_WORK/matrix-$variant.log" >&2; die "variant $variant does not build"; }
		variant_dir[$name]=$FGL_WORK/build/$variant
	fi
done
src=$(series_source)
out=$FGL_WORK/matrix
mkdir -p "$out"
exec 9>"$FGL_WORK/build.lock"
flock 9

# check_config NAME WANT...: each 'CONFIG_X=y' / 'CONFIG_X=n' holds in .config
check_config() {
	local cfg=$1 w opt
	shift
	for w in "$@"; do
		opt=${w%%=*}
		case $w in
		*=n) ! grep -q "^$opt=" "$cfg" || { echo "$opt is set"; return 1; } ;;
		*) grep -qxF "$w" "$cfg" || { echo "$w is not set"; return 1; } ;;
		esac
	done
}

bad=0
for name in "${names[@]}"; do
	read -r _ cc variant extra expect < <(awk -v n="$name" '$1 == n' <<<"$configs") ||
		die "no configuration '$name' (known: $(awk 'NF { printf "%s ", $1 }' <<<"$configs"))"
	t=$(now)
	bdir=${variant_dir[$name]:-$FGL_WORK/build/matrix-$name}
	frag=$out/$name-fragment.config
	{
		cat "$FGL_REPO/kernel-config/common.config" "$FGL_REPO/kernel-config/$variant.config"
		[ "$extra" = - ] || tr , '\n' <<<"$extra" | sed 's/^\(CONFIG_[A-Z0-9_]*\)=n$/# \1 is not set/'
	} >"$frag"
	key=$(printf '%s %s %s %s\n' "$(toolchain_key)" "$(series_key)" \
		"$(hash_files "$frag" "$0")" "$cc" | sha256sum | cut -c1-16)
	if [ -n "${variant_dir[$name]:-}" ]; then
		: # built and its fragments asserted by ci/build.sh
	elif [ -f "$out/$name-$key.ok" ]; then
		printf 'ok matrix %s (built before: %s)\n' "$name" "$(cat "$out/$name-$key.ok")"
		continue
	fi
	make_args=(-C "$src" O="$bdir")
	[ "$cc" = gcc ] || make_args+=(LLVM=1)
	if [ ! -d "$bdir" ] && [ "$cc" = llvm ] && [ -d "$FGL_WORK/build/$variant" ]; then
		# Same compiler and source tree: kbuild rebuilds from the
		# variant's objects what the configuration change touches.
		cp -a "$FGL_WORK/build/$variant" "$bdir"
	fi
	mkdir -p "$bdir"
	if ! make "${make_args[@]}" -s KCONFIG_ALLCONFIG="$frag" allnoconfig \
		>"$out/$name-config.log" 2>&1; then
		printf 'not ok matrix %s: kconfig failed (log: %s)\n' "$name" "$out/$name-config.log"
		bad=1
		continue
	fi
	wants=(CONFIG_CC_IS_"${cc^^}"=y)
	[ "$cc" = llvm ] && wants=(CONFIG_CC_IS_CLANG=y)
	case $expect in
	rust) wants+=(CONFIG_RUST=y CONFIG_FGRAPH_LIFECYCLE_RUST=y) ;;
	c) wants+=(CONFIG_FUNCTION_GRAPH_TRACER=y CONFIG_FGRAPH_LIFECYCLE_RUST=n) ;;
	none) wants+=(CONFIG_FUNCTION_GRAPH_TRACER=n CONFIG_FGRAPH_LIFECYCLE_RUST=n) ;;
	esac
	if [ "$extra" != - ]; then
		IFS=, read -ra more <<<"$extra"
		wants+=("${more[@]}")
	fi
	if ! why=$(check_config "$bdir/.config" "${wants[@]}"); then
		if [ "$name" = gcc-rust ]; then
			# The kernel's own word: Documentation/rust/quick-start.rst
			printf 'ok matrix %s # SKIP kconfig refused it (%s); upstream: "Using GCC also works for some configurations, but it is very experimental" (Documentation/rust/quick-start.rst)\n' \
				"$name" "$why"
		else
			printf 'not ok matrix %s: the configuration is not what it claims: %s\n' "$name" "$why"
			bad=1
		fi
		continue
	fi
	blog=$out/$name-build.log
	if ! make "${make_args[@]}" -j"$(nproc)" bzImage >"$blog" 2>&1; then
		if [ "$name" = gcc-rust ]; then
			printf 'ok matrix %s # SKIP does not build (log: %s); upstream: "Using GCC also works for some configurations, but it is very experimental" (Documentation/rust/quick-start.rst)\n' \
				"$name" "$blog"
		else
			printf 'not ok matrix %s: does not build (log: %s)\n' "$name" "$blog"
			grep -E -A8 '(^|: )error' "$blog" | head -n 30 || true
			bad=1
		fi
		continue
	fi
	if grep -q 'warning:' "$blog"; then
		printf 'not ok matrix %s: compiler warnings (log: %s)\n' "$name" "$blog"
		grep -A4 'warning:' "$blog" | head -n 30
		bad=1
		continue
	fi
	# Which lifecycle is linked in: the entry points, and whether the Rust
	# unit's (v0-mangled) symbols are there; with the tracer off, neither.
	nm "$bdir/vmlinux" >"$out/$name.nm"
	syms=$(awk '$3 ~ /^fgraph_lifecycle_(init_task|register|unregister|free_ret_stacks|reclaim)$/ { print $3 }' \
		"$out/$name.nm" | sort -u | tr '\n' ' ')
	has_rust=no
	! grep -q '_R.*fgraph_lifecycle' "$out/$name.nm" || has_rust=yes
	why=
	case $expect/$has_rust in
	rust/yes|c/no) [ -n "$syms" ] || why="no fgraph_lifecycle_* symbol in vmlinux" ;;
	none/no) [ -z "$syms" ] || why="vmlinux still has $syms" ;;
	*) why="the Rust unit is built: $has_rust, expected the $expect lifecycle" ;;
	esac
	if [ -n "$why" ]; then
		printf 'not ok matrix %s: %s\n' "$name" "$why"
		bad=1
		continue
	fi
	took "$t" >"$out/$name-$key.ok"
	printf 'ok matrix %s [%s]\n' "$name" "$(took "$t")"
done
exit $bad
