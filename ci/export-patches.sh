#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write patches/ from the work tree's commits on top of the base: one file a
# commit, the cover letter from the branch description, and patches/series.
# A file whose content did not change is not touched.
#
# Usage: ci/export-patches.sh      (FGL_TREE: the work tree, default ./linux)
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

tree=${FGL_TREE:-$FGL_REPO/linux}
[ -d "$tree/.git" ] || die "no work tree at $tree; run 'make tree' first"
git -C "$tree" diff --quiet HEAD ||
	die "the work tree has uncommitted changes; commit them (git -C $tree commit) and run 'make patches' again"
n=$(git -C "$tree" rev-list --count "v$FGL_BASE_VERSION..HEAD")
[ "$n" -gt 0 ] || die "the work tree has no commits on top of v$FGL_BASE_VERSION"
branch=$(git -C "$tree" symbolic-ref --short HEAD 2>/dev/null) ||
	die "the work tree is not on a branch; check out fgraph-lifecycle"
[ -n "$(git -C "$tree" config "branch.$branch.description")" ] ||
	die "branch $branch has no description (the cover letter); write one with 'git -C $tree branch --edit-description'"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The cover letter's date is the newest commit's, so that an unchanged tree
# exports unchanged files.
GIT_COMMITTER_DATE=$(git -C "$tree" log -1 --format=%cI) \
	git -C "$tree" format-patch -q -o "$tmp" --cover-letter \
	--cover-from-description=subject --base="v$FGL_BASE_VERSION" \
	"v$FGL_BASE_VERSION..HEAD"
(cd "$tmp" && ls -- *.patch | grep -v '^0000-cover-letter' >series.new)
{ echo '# Patches of the series, in order, for git am.'; cat "$tmp/series.new"; } >"$tmp/series"
rm "$tmp/series.new"

changed=0
for f in "$FGL_REPO"/patches/*.patch; do
	[ -e "$f" ] || continue
	[ -e "$tmp/${f##*/}" ] || { rm "$f"; changed=$((changed + 1)); }
done
for f in "$tmp"/*; do
	cmp -s "$f" "$FGL_REPO/patches/${f##*/}" && continue
	cp "$f" "$FGL_REPO/patches/"
	changed=$((changed + 1))
done
log "patches/: $n patches and a cover letter, $changed files changed"
