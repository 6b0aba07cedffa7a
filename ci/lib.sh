# SPDX-License-Identifier: GPL-2.0
# Common helpers for the workbench scripts in ci/. Source it, do not run it.
#
# Everything expensive lives in $FGL_CACHE (default /var/cache/fgraph-lifecycle),
# outside the repository, in directories named after a hash of what made them.

set -euo pipefail
# Command substitutions ($(series_source), ...) stop on errors too.
shopt -s inherit_errexit

FGL_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FGL_CACHE=${FGL_CACHE:-/var/cache/fgraph-lifecycle}
# Everything under $FGL_WORK is also visible, at the same path, inside the
# toolchain root (see fgl_chroot); the root itself lives beside it.
FGL_WORK=$FGL_CACHE/work
FGL_BASE_VERSION=7.3.4

log()  { printf '>>> %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# sha256 of the named files' contents and names, short form
hash_files() {
	local f
	for f in "$@"; do
		printf '%s\n' "${f#"$FGL_REPO"/}"
		cat "$f"
	done | sha256sum | cut -c1-16
}

need_root() {
	[ "$(id -u)" = 0 ] || die "this needs root (mmdebstrap, chroot and mounts); run it as root, e.g. 'sudo make $*'"
}

# need_space DIR MIB: fail early when DIR's file system is short of space
need_space() {
	local dir=$1 mib=$2 avail
	mkdir -p "$dir"
	avail=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
	[ "$avail" -ge "$mib" ] ||
		die "only ${avail} MiB free under $dir, need ${mib} MiB; free some space or set FGL_CACHE to a larger disk"
}

# Seconds since the epoch, and a human duration since a start time
now() { date +%s; }
took() { local s=$(( $(now) - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# The toolchain root's key: its package list and the script that makes it.
toolchain_key() {
	hash_files "$FGL_REPO/ci/toolchain.packages" "$FGL_REPO/ci/toolchain.sh"
}
toolchain_root() { printf '%s/toolchain/%s\n' "$FGL_CACHE" "$(toolchain_key)"; }

# fgl_chroot CMD...: run CMD inside the toolchain root. The mounts live in a
# private mount namespace, so they vanish with the command whatever way it
# ends (failure, Ctrl-C, kill): nothing is left mounted on the host.
fgl_chroot() {
	local root v
	local -a vars=()
	root=$(toolchain_root)
	for v in $(compgen -e); do
		case $v in FGL_*|CI) vars+=("$v=${!v}") ;; esac
	done
	[ -f "$root/.complete" ] || die "no toolchain root at $root; run 'make toolchain' first"
	mkdir -p "$FGL_WORK" "$root$FGL_WORK" "$root$FGL_REPO"
	unshare --mount --propagation private -- /bin/bash -euc '
		root=$1 work=$2 repo=$3; shift 3
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/tmp"
		mount -t tmpfs tmpfs "$root/run"
		# after the tmpfs mounts, which may hide them (a clone in /tmp)
		mkdir -p "$root$work" "$root$repo"
		mount --bind "$work" "$root$work"
		mount --bind "$repo" "$root$repo"
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
			FGL_IN_ROOT=1 "$@"
	' fgl-chroot "$root" "$FGL_WORK" "$FGL_REPO" \
		"${vars[@]}" "$@"
}

# in_root "$0" "$@": re-run the calling script inside the toolchain root,
# unless it already runs there.
in_root() {
	[ -n "${FGL_IN_ROOT:-}" ] && return 0
	need_root "$(basename "$1" .sh)"
	"$FGL_REPO/ci/toolchain.sh" >/dev/null
	local script
	script=$(realpath "$1")
	shift
	fgl_chroot /bin/bash "$script" "$@"
	exit
}
export FGL_CACHE
# The developer's git identity, for commits made inside the toolchain root.
if [ -z "${FGL_IN_ROOT:-}" ]; then
	FGL_GIT_NAME=${FGL_GIT_NAME:-$(git config user.name 2>/dev/null || true)}
	FGL_GIT_EMAIL=${FGL_GIT_EMAIL:-$(git config user.email 2>/dev/null || true)}
	export FGL_GIT_NAME FGL_GIT_EMAIL
fi

# The patches of the series, in order, as paths (from patches/series).
series_patches() {
	local p
	[ -f "$FGL_REPO/patches/series" ] || die "patches/series is missing"
	while read -r p; do
		case $p in ''|'#'*) continue ;; esac
		[ -f "$FGL_REPO/patches/$p" ] || die "patches/series names $p, which is not in patches/"
		printf '%s\n' "$FGL_REPO/patches/$p"
	done <"$FGL_REPO/patches/series"
}

# A variant whose fragment has the line "# fgl: unpatched" is built from the
# base alone (the baseline that the series is compared against).
unpatched() { grep -qx '# fgl: unpatched' "$FGL_REPO/kernel-config/$1.config"; }
# FGL_MUTATION=ci/mutations/NAME.patch: a deliberate bug applied on top of
# the series, to show that a test catches it (see ci/hazards.sh).
mutation() {
	[ -n "${FGL_MUTATION:-}" ] || return 0
	[ -f "$FGL_REPO/$FGL_MUTATION" ] || die "no mutation $FGL_MUTATION"
	printf '%s\n' "$FGL_REPO/$FGL_MUTATION"
}
series_key() {
	if [ -n "${FGL_UNPATCHED:-}" ]; then
		echo unpatched
		return
	fi
	# shellcheck disable=SC2046
	hash_files "$FGL_REPO/patches/series" $(series_patches) $(mutation)
}

# apply_series DIR: move the git tree DIR to the base tag with the series
# applied by git am; a patch that does not apply stops with its name and
# git's reason. Only the files that differ from what DIR held change on
# disk.
apply_series() {
	local dir=$1 p out scratch=$1.am commit
	git -C "$dir" am --abort >/dev/null 2>&1 || true
	if [ -n "${FGL_UNPATCHED:-}" ]; then
		commit=v$FGL_BASE_VERSION
	else
		# Applied in a scratch work tree, kept for the next time; $dir
		# then moves to the result, and git rewrites only the files that
		# differ, so that kbuild rebuilds only what the changed patches
		# touch.
		if git -C "$scratch" rev-parse --git-dir >/dev/null 2>&1; then
			git -C "$scratch" am --abort >/dev/null 2>&1 || true
			git -C "$scratch" reset -q --hard
			git -C "$scratch" checkout -q --detach "v$FGL_BASE_VERSION"
		else
			rm -rf "$scratch"
			git -C "$dir" worktree prune
			git -C "$dir" worktree add -q --detach "$scratch" "v$FGL_BASE_VERSION" ||
				die "git worktree add $scratch failed"
		fi
		for p in $(series_patches); do
			if ! out=$(git -C "$scratch" am -q --committer-date-is-author-date "$p" 2>&1); then
				git -C "$scratch" am --abort >/dev/null 2>&1 || true
				printf '%s\n' "$out" | grep -v '^hint:' >&2
				die "patches/${p##*/} does not apply to Linux $FGL_BASE_VERSION (git am's reason above); fix it in the work tree and run 'make patches'"
			fi
		done
		commit=$(git -C "$scratch" rev-parse HEAD)
	fi
	# Drop local changes first (a mutation, an interrupted build's edits).
	git -C "$dir" reset -q --hard
	git -C "$dir" checkout -q -B fgraph-lifecycle "$commit"
}

# lock_series: hold the build lock until the calling script ends, before
# reading the series tree: ci/check-bisect.sh moves that tree to each
# prefix in turn, under the lock, for an hour. Call it after any
# ci/build.sh, which takes the lock itself.
lock_series() {
	exec 9>"$FGL_WORK/build.lock"
	flock 9
	export FGL_BUILD_LOCKED=1
}

# The series applied at a fixed path, for builds: kbuild rebuilds only what
# the changed patches touch.
series_source() {
	local src=$FGL_WORK/series/linux key base
	# The unpatched base has a tree of its own: moving the series' tree to
	# it and back would make kbuild rebuild most of every variant after a
	# base build (the series changes include/linux/ftrace.h).
	[ -z "${FGL_UNPATCHED:-}" ] || src=$FGL_WORK/series/linux-base
	key=$(series_key)
	if [ "$(cat "$src/.git/fgl-series" 2>/dev/null)" != "$key" ]; then
		base=$("$FGL_REPO/ci/base-tree.sh")
		if [ ! -f "$src/.git/fgl-cloned" ]; then
			rm -rf "$src"
			mkdir -p "${src%/*}"
			git clone -q --no-checkout "$base" "$src"
			touch "$src/.git/fgl-cloned"
		fi
		if [ -n "${FGL_UNPATCHED:-}" ]; then
			log "resetting $src to the unpatched base"
		else
			log "applying the series ($(series_patches | wc -l) patches) in $src"
		fi
		export GIT_COMMITTER_NAME="fgraph-lifecycle workbench"
		export GIT_COMMITTER_EMAIL=workbench@fgraph-lifecycle.invalid
		# Never under a running build, which holds the build lock for
		# its whole duration (ci/build.sh sets FGL_BUILD_LOCKED).
		(
			[ -n "${FGL_BUILD_LOCKED:-}" ] || flock 8
			apply_series "$src"
			if [ -n "$(mutation)" ]; then
				log "applying the mutation $FGL_MUTATION"
				git -C "$src" apply "$(mutation)" ||
					die "$FGL_MUTATION does not apply on top of the series"
			fi
			printf '%s\n' "$key" >"$src/.git/fgl-series"
		) 8>"$FGL_WORK/build.lock"
	fi
	printf '%s\n' "$src"
}

variants() {
	local f
	for f in "$FGL_REPO"/kernel-config/*.config; do
		f=${f##*/}
		[ "$f" = common.config ] || printf '%s ' "${f%.config}"
	done
}

# kernel_key VARIANT: what a variant's kernel image is made from.
kernel_key() {
	local v=$1
	printf '%s %s %s %s\n' "$(toolchain_key)" "$(series_key)" \
		"$(hash_files "$FGL_REPO/kernel-config/common.config" \
			"$FGL_REPO/kernel-config/$v.config" "$FGL_REPO/ci/build.sh")" \
		"$FGL_BASE_VERSION" | sha256sum | cut -c1-16
}
kernel_dir() {
	local name=$1 m=${FGL_MUTATION:-}
	[ -z "$m" ] || { m=${m##*/}; name="$name+${m%.patch}"; }
	printf '%s/kernels/%s-%s\n' "$FGL_WORK" "$name" "$(kernel_key "$1")"
}
