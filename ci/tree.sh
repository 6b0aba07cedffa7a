#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the work tree: a git clone of the base with patches/ applied by git am,
# on branch fgraph-lifecycle, the cover letter kept as the branch description.
#
# Usage: ci/tree.sh        (FGL_TREE: where, default ./linux; FORCE=1 remakes it)
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

tree=${FGL_TREE:-$FGL_REPO/linux}
if [ -e "$tree" ]; then
	if [ -z "${FGL_FORCE:-}" ]; then
		log "work tree $tree exists (HEAD $(git -C "$tree" log -1 --format='%h %s' 2>/dev/null || echo '?')); FORCE=1 makes it anew from patches/, dropping its commits"
		exit 0
	fi
	rm -rf "$tree"
fi

base=$("$FGL_REPO/ci/base-tree.sh")
start=$(now)
log "making the work tree $tree"
tmp=$tree.tmp.$$
rm -rf "$tmp"
trap 'rm -rf --one-file-system "$tmp"' EXIT
git clone -q --no-checkout "$base" "$tmp"
git -C "$tmp" config user.name "${FGL_GIT_NAME:-fgraph-lifecycle developer}"
git -C "$tmp" config user.email "${FGL_GIT_EMAIL:-developer@fgraph-lifecycle.invalid}"
git -C "$tmp" config format.signOff true
apply_series "$tmp"
if [ -f "$FGL_REPO/patches/0000-cover-letter.patch" ]; then
	python3 "$FGL_REPO/ci/cover-letter.py" extract \
		"$FGL_REPO/patches/0000-cover-letter.patch" >"$tmp/.git/fgl-cover"
	git -C "$tmp" config branch.fgraph-lifecycle.description "$(cat "$tmp/.git/fgl-cover")"
	rm "$tmp/.git/fgl-cover"
	# b4's form: the cover letter is the branch description, and b4 prep
	# tracks the series against the base branch ('b4 send -o' writes it).
	git -C "$tmp" config b4.prep-cover-strategy branch-description
	git -C "$tmp" branch -f base "v$FGL_BASE_VERSION"
	(cd "$tmp" && b4 prep --enroll base) >"$tmp/.git/fgl-b4.log" 2>&1 || {
		cat "$tmp/.git/fgl-b4.log" >&2
		die "b4 prep --enroll failed in the new work tree (b4's output above)"
	}
fi
trap - EXIT
mv "$tmp" "$tree"
log "work tree ready in $(took "$start"): $(git -C "$tree" rev-list --count "v$FGL_BASE_VERSION..") patches on v$FGL_BASE_VERSION; edit, commit, then 'make patches'"
