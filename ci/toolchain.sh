#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make, once, the Debian 13 root that builds, boots and checks the kernel.
# It is also the guests' root file system (virtme-ng); virtme-init ends a
# guest with 'poweroff -f', which busybox provides without systemd.
#
# Usage: ci/toolchain.sh            make it if missing, print its path
# Env:   FGL_MIRROR=URI             Debian mirror (default: from host apt sources)
. "$(dirname "$0")/lib.sh"

# The host's Debian mirror, from its apt sources (deb822 or one-line form);
# never written into the repository.
host_mirror() {
	local uri
	uri=$(grep -hsE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '{ print $2 }' | grep -v -e security -e snapshot | head -n1 || true)
	[ -n "$uri" ] || uri=$(grep -hsE '^\s*deb\s' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -E 's/\[[^]]*\]//' | awk '{ print $2 }' |
		grep -v -e security -e snapshot | head -n1 || true)
	printf '%s\n' "$uri"
}

root=$(toolchain_root)
if [ -f "$root/.complete" ]; then
	printf '%s\n' "$root"
	exit 0
fi

need_root toolchain
if ! command -v mmdebstrap >/dev/null; then
	log "installing mmdebstrap on the host (apt-get)"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap; } \
		>/dev/null 2>&1 ||
		die "mmdebstrap is missing and 'apt-get install mmdebstrap' failed; install it by hand"
fi
need_space "$FGL_CACHE" 4096

mirror=${FGL_MIRROR:-$(host_mirror)}
[ -n "$mirror" ] ||
	die "no Debian mirror in the host's apt sources; set FGL_MIRROR=URI"
log "checking the mirror ${mirror%/}/dists/trixie-backports/Release"
python3 - "$mirror" <<'PY' || die "mirror $mirror does not answer for trixie-backports; check the network or set FGL_MIRROR"
import sys, urllib.request
url = sys.argv[1].rstrip('/') + '/dists/trixie-backports/Release'
urllib.request.urlopen(url, timeout=30).read(64)
PY

pkgs=$(grep -v '^#' "$FGL_REPO/ci/toolchain.packages" | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
tmp=$root.tmp.$$
# --one-file-system: never follow a mount left in a half-made root
rm -rf --one-file-system "$root".tmp.*
mkdir -p "$(dirname "$root")"
trap 'rm -rf --one-file-system "$tmp"' EXIT
start=$(now)
log "making the toolchain root (mmdebstrap, Debian 13 + backports) in $root"
# In a private mount namespace: the /proc, /sys and /dev that mmdebstrap
# mounts into the root go away with it, even when it is killed.
unshare --mount --propagation private mmdebstrap --variant=apt --components=main --include="$pkgs" \
	--aptopt='APT::Default-Release "trixie-backports"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--customize-hook='ln -sf /bin/busybox "$1/usr/sbin/poweroff"' \
	trixie "$tmp" \
	"deb $mirror trixie main" \
	"deb $mirror trixie-updates main" \
	"deb $mirror trixie-backports main" >"$tmp.log" 2>&1 || {
	tail -n 20 "$tmp.log" >&2
	die "mmdebstrap failed (log above, full log $tmp.log); fix the cause and run 'make toolchain' again"
}
rm -f "$tmp.log"
touch "$tmp/.complete"
mv "$tmp" "$root"
trap - EXIT
log "toolchain root made in $(took "$start")"

# Check what was made: the versions once, then that Rust is usable for kbuild.
fgl_chroot /bin/sh -c '
	set -e
	rustc --version; bindgen --version; clang --version | head -n1
	qemu-system-x86_64 --version | head -n1; vng --version; b4 --version
	dpkg-query -W -f "linux-source \${Version}\n" linux-source-7.3
' | tee "$root/versions.txt" >&2
printf '%s\n' "$root"
