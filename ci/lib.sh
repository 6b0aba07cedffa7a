# SPDX-License-Identifier: GPL-2.0
# Common helpers for the workbench scripts in ci/. Source it, do not run it.
#
# Everything expensive lives in $FGL_CACHE (default /var/cache/fgraph-lifecycle),
# outside the repository, in directories named after a hash of what made them.

set -euo pipefail

FGL_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FGL_CACHE=${FGL_CACHE:-/var/cache/fgraph-lifecycle}
# Everything under $FGL_WORK is also visible, at the same path, inside the
# toolchain root (see fgl_chroot); the root itself lives beside it.
FGL_WORK=$FGL_CACHE/work
FGL_BASE_VERSION=7.3.4

log()  { printf '>>> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
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
