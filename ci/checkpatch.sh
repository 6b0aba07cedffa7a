#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/checkpatch.pl --strict on every patch of the series (the cover
# letter excluded). One line per patch: "ok NAME" or "not ok NAME" followed
# by checkpatch's report; exits nonzero if any patch has an error, a warning
# or a check.
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

lock_series
src=$(series_source)
bad=0
for p in $(series_patches); do
	# FILE_PATH_CHANGES ("does MAINTAINERS need updating?") is raised for
	# every new file; ours are under kernel/trace/, which the TRACING entry
	# of MAINTAINERS covers (checked below with get_maintainer.pl).
	# UNKNOWN_COMMIT_ID: the base is a release tarball without history, in
	# which no upstream commit of a Fixes: tag can be found; the ids are
	# checked against the upstream subjects (Documentation/maintaining.md).
	if out=$("$src/scripts/checkpatch.pl" --strict --quiet --root="$src" \
		--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$p" 2>&1); then
		printf 'ok %s\n' "${p##*/}"
	else
		printf 'not ok %s\n%s\n' "${p##*/}" "$out"
		bad=1
	fi
done
# Every file the series adds has a maintainer already.
for f in $(git -C "$src" diff --name-only --diff-filter=A "v$FGL_BASE_VERSION" HEAD); do
	if ! (cd "$src" && scripts/get_maintainer.pl --nogit --nogit-fallback -f "$f") |
		grep -q '(maintainer:'; then
		printf 'not ok %s has no maintainer in MAINTAINERS\n' "$f"
		bad=1
	fi
done
exit $bad
