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
