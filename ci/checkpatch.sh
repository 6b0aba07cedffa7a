#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/checkpatch.pl --strict on every patch of the series (the cover
# letter excluded). One line per patch: "ok NAME" or "not ok NAME" followed
# by checkpatch's report; exits nonzero if any patch has an error, a warning
# or a check.
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

src=$(series_source)
bad=0
for p in $(series_patches); do
	if out=$("$src/scripts/checkpatch.pl" --strict --quiet --root="$src" "$p" 2>&1); then
		printf 'ok %s\n' "${p##*/}"
	else
		printf 'not ok %s\n%s\n' "${p##*/}" "$out"
		bad=1
	fi
done
exit $bad
