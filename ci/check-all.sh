#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-all: everything a maintainer checks before reading a line, with
# the time each check took. The quick checks also run in make test; the
# bisect builds and the build matrix (tens of minutes) only here.
# One line per result and last 'N passed, N failed'.
. "$(dirname "$0")/lib.sh"

need_root check-all
need_space "$FGL_CACHE" 8192
start=$(now)
logs=$FGL_WORK/logs/check-all-$(date +%Y%m%d-%H%M%S)
mkdir -p "$logs"
report="make check-all"
. "$FGL_REPO/ci/report.sh"

log "logs in $logs"
step series-applies "$FGL_REPO/ci/apply-check.sh" || finish
for c in checkpatch check-abi check-rust check-kerneldoc check-htmldocs check-b4 \
	check-outgoing check-matrix check-bisect; do
	check "$c"
	printf '== %s took %s\n' "$c" "$check_took"
done
finish
