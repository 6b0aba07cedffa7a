#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make outgoing, checked: it refuses to write a postable series with this
# repository's placeholder identity or none, and with an identity given it
# writes one message per patch plus the cover letter, each from that
# identity, every patch signed off by it and by no placeholder, with To/Cc
# from MAINTAINERS. The identity used here is a reserved-domain one, let
# through by FGL_OUTGOING_CHECK (the check only; nothing is posted).
#
# One line per result: "ok ..." / "not ok ...".
. "$(dirname "$0")/lib.sh"

need_root check-outgoing
tmp=$(mktemp -d "$FGL_WORK/outgoing-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rc=0

# The repository's neutral identity: the author of the series' first patch
# (its From: header, which format-patch may fold onto a second line)
neutral=$(awk '/^From: /{ s = substr($0, 7); getline n
	while (n ~ /^[ \t]/) { sub(/^[ \t]+/, " ", n); s = s n; getline n }
	print s; exit }' "$(series_patches | head -1)")
neutral_name=${neutral% <*} neutral_email=${neutral##*<}
neutral_email=${neutral_email%>}
[ -n "$neutral_name" ] && [ "$neutral_email" != "$neutral" ] ||
	die "no From: identity in the series' first patch"

for id in "$neutral_name|$neutral_email" "|" "A Name|someone@example.com"; do
	if FGL_GIT_NAME=${id%|*} FGL_GIT_EMAIL=${id#*|} "$FGL_REPO/ci/outgoing.sh" \
		"$tmp/refused" >"$tmp/refused.log" 2>&1 ||
		! grep -q 'git config --global user.name' "$tmp/refused.log"; then
		echo "not ok outgoing refuses the identity '${id%|*} <${id#*|}>'"
		cat "$tmp/refused.log"
		rc=1
	else
		echo "ok outgoing refuses the identity '${id%|*} <${id#*|}>'"
	fi
done

name="Check Poster" email=check.poster@example.org
if ! FGL_OUTGOING_CHECK=1 FGL_GIT_NAME=$name FGL_GIT_EMAIL=$email \
	"$FGL_REPO/ci/outgoing.sh" "$tmp/out" >"$tmp/out.log" 2>&1; then
	cat "$tmp/out.log"
	echo "not ok outgoing writes the series (log above)"
	exit 1
fi
n=$(find "$tmp/out" -name '*.eml' | wc -l)
expected=$(($(series_patches | wc -l) + 1))
bad=0 unsigned=0 placeholder=0
for f in "$tmp"/out/*.eml; do
	grep -q "^From: $name <$email>\$" "$f" || bad=$((bad + 1))
	case ${f##*/} in
	0000-*) ;;
	*) grep -q "^Signed-off-by: $name <$email>\$" "$f" || unsigned=$((unsigned + 1)) ;;
	esac
	! grep -qF "$neutral_email" "$f" || placeholder=$((placeholder + 1))
done
to=$(grep -c '^To: .*rostedt@goodmis.org' "$tmp"/out/0000-*.eml || true)
if [ "$n" = "$expected" ] && [ "$bad" = 0 ] && [ "$unsigned" = 0 ] &&
	[ "$placeholder" = 0 ] && [ "$to" = 1 ]; then
	echo "ok outgoing writes $n messages from the poster, every patch signed off by the poster, To/Cc from MAINTAINERS"
else
	echo "not ok outgoing: $n messages (expected $expected), $bad not from the poster, $unsigned patches without the poster's Signed-off-by, $placeholder with the placeholder, To the tracing maintainer: $to"
	rc=1
fi
exit $rc
