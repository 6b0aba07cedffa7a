#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Does the series apply with git am to a fresh clone of the base? (The build
# applies it too, but to a tree it reuses; this is the clean-room check.)
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

base=$("$FGL_REPO/ci/base-tree.sh")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q --no-checkout "$base" "$tmp/linux"
export GIT_COMMITTER_NAME="fgraph-lifecycle workbench"
export GIT_COMMITTER_EMAIL=workbench@fgraph-lifecycle.invalid
apply_series "$tmp/linux"
log "the series ($(series_patches | wc -l) patches) applies with git am to v$FGL_BASE_VERSION"
# Every deliberate bug of make hazards must still apply on top of it: a
# mutation that no longer applies would only be found by a long run.
stale=0
for m in "$FGL_REPO"/ci/mutations/*.patch; do
	git -C "$tmp/linux" apply --check "$m" 2>/dev/null && continue
	echo "error: ${m#"$FGL_REPO"/} does not apply on top of the series; write it again against the work tree (git -C linux diff)" >&2
	stale=1
done
[ $stale = 0 ] || exit 1
log "every ci/mutations/*.patch applies on top of it"
