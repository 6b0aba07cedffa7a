#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# b4 round trip: a work tree made as 'make tree' makes it (b4 prep-enrolled,
# cover letter in the branch description) is written out with
# 'b4 send -o', that output is read back with 'b4 am', and the result,
# applied with git am to a fresh clone of the base, must give the same tree
# and the same commit subjects. Nothing is sent and nothing is fetched.
#
# One line: "ok b4 round trip ..." or "not ok b4 round trip: why".
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

tmp=$(mktemp -d "$FGL_WORK/b4-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
FGL_TREE=$tmp/work FGL_FORCE= "$FGL_REPO/ci/tree.sh" 2>"$tmp/tree.log" ||
	{ cat "$tmp/tree.log" >&2; die "could not make the work tree"; }
work=$tmp/work

# 'b4 send -o' refuses to write unsigned messages for its web endpoint;
# naming an SMTP server (never used: -o only writes files) avoids that.
git -C "$work" config sendemail.smtpserver /bin/false
(cd "$work" && b4 send --no-sign -o "$tmp/sent") >"$tmp/send.log" 2>&1 ||
	{ cat "$tmp/send.log"; echo "not ok b4 round trip: b4 send -o failed"; exit 1; }
n=$(find "$tmp/sent" -name '*.eml' | wc -l)
expected=$(($(git -C "$work" rev-list --count "v$FGL_BASE_VERSION..HEAD") + 1))
[ "$n" = "$expected" ] ||
	{ echo "not ok b4 round trip: b4 send -o wrote $n messages, expected $expected"; exit 1; }

# The messages as one mbox, as a mail client would save the thread.
for f in "$tmp"/sent/*.eml; do
	echo 'From mboxrd@z Thu Jan  1 00:00:00 1970'
	cat "$f"
	echo
done >"$tmp/thread.mbox"
cover=$(sed -n 's/^Message-Id: <\(.*\)>$/\1/p' "$tmp"/sent/0000-*.eml)
# b4.searchmask empty: do not look for review trailers on lore.
(cd "$tmp" && GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=b4.searchmask GIT_CONFIG_VALUE_0= \
	b4 am -m thread.mbox -o am "$cover" </dev/null) >"$tmp/am.log" 2>&1 ||
	{ cat "$tmp/am.log"; echo "not ok b4 round trip: b4 am failed"; exit 1; }

git clone -q --no-checkout "$("$FGL_REPO/ci/base-tree.sh")" "$tmp/applied"
git -C "$tmp/applied" checkout -q -b applied "v$FGL_BASE_VERSION"
git -C "$tmp/applied" -c user.name=b4-check -c user.email=b4-check@fgraph-lifecycle.invalid \
	am -q "$tmp"/am/*.mbx >"$tmp/git-am.log" 2>&1 ||
	{ cat "$tmp/git-am.log"; echo "not ok b4 round trip: b4 am's output does not apply with git am"; exit 1; }

want=$(git -C "$work" rev-parse 'HEAD^{tree}')
got=$(git -C "$tmp/applied" rev-parse 'HEAD^{tree}')
if [ "$want" != "$got" ]; then
	git -C "$tmp/applied" diff --stat "$want" "$got" || true
	echo "not ok b4 round trip: tree $got differs from make tree's $want"
	exit 1
fi
if ! diff <(git -C "$work" log --format=%s "v$FGL_BASE_VERSION..") \
	<(git -C "$tmp/applied" log --format=%s "v$FGL_BASE_VERSION.."); then
	echo "not ok b4 round trip: the commit subjects differ"
	exit 1
fi
echo "ok b4 round trip: b4 send -o wrote $n messages; b4 am + git am give make tree's tree ${want:0:12}"
