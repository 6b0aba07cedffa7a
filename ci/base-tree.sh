#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make, once, a git repository of the pristine base kernel from Debian's
# linux-source-7.3 package: one commit, tagged v7.3.4, with fixed dates so
# that its hash is the same on every machine.
#
# Usage: ci/base-tree.sh     prints the repository's path
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

pkgver=$(dpkg-query -W -f '${Version}' linux-source-7.3)
repo=$FGL_WORK/base/linux-$FGL_BASE_VERSION-$pkgver.git
if [ -f "$repo/fgl-complete" ]; then
	printf '%s\n' "$repo"
	exit 0
fi

need_space "$FGL_WORK" 3072
start=$(now)
log "importing linux-source-7.3 $pkgver into $repo"
tmp=$repo.tmp.$$
rm -rf "$FGL_WORK"/base/*.tmp.*
mkdir -p "$tmp"
trap 'rm -rf --one-file-system "$tmp"' EXIT
tar -C "$tmp" -xJf /usr/src/linux-source-7.3.tar.xz
src=$tmp/linux-source-7.3
v=$(make -s -C "$src" kernelversion 2>/dev/null)
[ "$v" = "$FGL_BASE_VERSION" ] ||
	die "linux-source-7.3 $pkgver holds Linux $v, not $FGL_BASE_VERSION: the series targets $FGL_BASE_VERSION; rebase it (Documentation/maintaining.md) and update FGL_BASE_VERSION in ci/lib.sh"

export GIT_AUTHOR_NAME="Linux $FGL_BASE_VERSION" GIT_AUTHOR_EMAIL=base@fgraph-lifecycle.invalid
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
# Debian's top-level .gitignore ignores every top-level entry ("/*", for its
# packaging repository): new files in the tree would be silently ignored.
# Drop that stanza so the base behaves like upstream's git tree; add
# everything the tarball holds.
sed -i '/^# Debian packaging:/,/^!\/debian\//d' "$src/.gitignore"
sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$src/.gitignore"
! grep -qx '/\*' "$src/.gitignore" || die "could not drop Debian's '/*' from .gitignore"
git -C "$src" init -q -b base
# No automatic gc after the commit: git runs it detached, and it would
# still be writing objects when the exit trap removes the directory.
git -C "$src" config gc.auto 0
git -C "$src" config maintenance.auto false
git -C "$src" add -A -f
git -C "$src" commit -q -m "Linux $FGL_BASE_VERSION (Debian linux-source-7.3 $pkgver)" \
	-m "Imported from Debian's linux-source-7.3 tarball; the top-level
.gitignore lost Debian's packaging stanza, which ignores every top-level entry."
git -C "$src" tag "v$FGL_BASE_VERSION"
git clone -q --bare "$src" "$tmp/repo.git"
git -C "$tmp/repo.git" gc -q
touch "$tmp/repo.git/fgl-complete"
rm -rf "$repo"
mv "$tmp/repo.git" "$repo"
log "base tree $(git -C "$repo" rev-parse "v$FGL_BASE_VERSION") made in $(took "$start")"
printf '%s\n' "$repo"
