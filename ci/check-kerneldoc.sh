#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/kernel-doc -Wall on the C files the series adds, and on those it
# changes, which must not gain a warning over the base. One line per file:
# "ok kernel-doc FILE" or "not ok kernel-doc FILE" with the warnings.
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

lock_series
src=$(series_source)
# kernel-doc's warnings, without the file's path (line numbers differ
# between the base and the series)
warnings() {
	(cd "$src" && scripts/kernel-doc -none -Wall "$1" 2>&1) |
		grep -i 'warning' | sed -E 's/^[^ ]* [^ ]*:[0-9]+ //' | sort -u || true
}
tmp=$(mktemp -d "$FGL_WORK/kernel-doc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
bad=0
for f in $(git -C "$src" diff --name-only --diff-filter=AM "v$FGL_BASE_VERSION" HEAD -- '*.c' '*.h'); do
	new=$(warnings "$f")
	if git -C "$src" cat-file -e "v$FGL_BASE_VERSION:$f" 2>/dev/null; then
		git -C "$src" show "v$FGL_BASE_VERSION:$f" >"$tmp/base.${f##*.}"
		old=$(warnings "$tmp/base.${f##*.}")
		new=$(comm -23 <(printf '%s\n' "$new") <(printf '%s\n' "$old") | sed '/^$/d')
	fi
	if [ -z "$new" ]; then
		printf 'ok kernel-doc %s\n' "$f"
	else
		printf 'not ok kernel-doc %s\n%s\n' "$f" "$new"
		bad=1
	fi
done
exit $bad
