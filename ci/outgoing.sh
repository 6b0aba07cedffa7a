#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make outgoing: write the series as the messages to post, with the poster's
# identity. patches/ carries a neutral identity; a Signed-off-by certifies
# the Developer's Certificate of Origin and must be the poster's own, so
# every commit is re-authored and signed off by the poster (git user.name
# and user.email, or FGL_GIT_NAME and FGL_GIT_EMAIL), To/Cc are filled from
# MAINTAINERS, and 'b4 send -o' writes the messages. Nothing is sent.
#
# Usage: ci/outgoing.sh OUTDIR
. "$(dirname "$0")/lib.sh"

out=${1:-}
[ -n "$out" ] || die "say where to write the messages: make outgoing OUT=dir"

# Refuse a missing or made-up identity, before anything is built
name=${FGL_GIT_NAME:-}
email=${FGL_GIT_EMAIL:-}
how="set yours (a Signed-off-by certifies the DCO: it must be the poster's):
  git config --global user.name 'Your Name'
  git config --global user.email 'you@your.domain'"
[ -n "$name" ] && [ -n "$email" ] ||
	die "no git identity to post the series with; $how"
case $email in
*@*.*) ;;
*) die "'$email' is not an email address; $how" ;;
esac
# The neutral identities of this repository, and RFC 2606 / 6761 names
reserved_domain() {
	grep -qiE '(^|\.)(example|invalid|test|localhost)$|(^|\.)example\.(com|net|org)$|(^|\.)noreply\.' <<<"$1"
}
if [ -z "${FGL_OUTGOING_CHECK:-}" ] &&
	{ reserved_domain "${email#*@}" ||
	  grep -qiE '^(seed [0-9a-f]+ maintainers|fgraph-lifecycle (developer|workbench))$' <<<"$name"; }; then
	die "'$name <$email>' is not a real identity (a placeholder or a reserved domain); $how"
fi

if [ -z "${FGL_IN_ROOT:-}" ]; then
	need_root outgoing
	"$FGL_REPO/ci/toolchain.sh" >/dev/null
	mkdir -p "$out"
	out=$(realpath "$out")
	[ -z "$(ls -A "$out")" ] || die "$out is not empty: give an empty or new directory"
	mkdir -p "$FGL_WORK"
	tmp=$(mktemp -d "$FGL_WORK/outgoing.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# The toolchain root sees $FGL_WORK, not $out: write there, copy here
	fgl_chroot /bin/bash "$(realpath "$0")" "$tmp/sent"
	cp "$tmp"/sent/*.eml "$out"/
	log "$(find "$out" -name '*.eml' | wc -l) messages from $name <$email> in $out; read them, then post with b4 send from a work tree (Documentation/maintaining.md)"
	exit 0
fi

# In the toolchain root: $out is under $FGL_WORK
tmp=$(mktemp -d "$FGL_WORK/outgoing-tree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
FGL_TREE=$tmp/work FGL_FORCE= "$FGL_REPO/ci/tree.sh" 2>"$tmp/tree.log" ||
	{ cat "$tmp/tree.log" >&2; die "could not make the work tree"; }
work=$tmp/work
git -C "$work" config user.name "$name"
git -C "$work" config user.email "$email"

# Each commit: the poster as author, the neutral Signed-off-by replaced by
# the poster's (other trailers, such as Link:, stay where they are)
cat >"$tmp/resign" <<'EOF'
neutral=$(git log -1 --format='%an <%ae>')
git log -1 --format=%B | grep -vxF "Signed-off-by: $neutral" |
	git commit -q --amend --reset-author -s -F -
EOF
(cd "$work" && git rebase -q "v$FGL_BASE_VERSION" --exec "bash $tmp/resign") >"$tmp/rebase.log" 2>&1 ||
	{ cat "$tmp/rebase.log" >&2; die "could not re-author the series"; }
range=v$FGL_BASE_VERSION..HEAD
authors=$(git -C "$work" log --format='%an <%ae>' "$range" | sort -u)
[ "$authors" = "$name <$email>" ] ||
	die "after the rewrite, authors other than the poster: $authors"
unsigned=$(git -C "$work" log --format='%b%n@@fgl-end@@' "$range" |
	awk -v sob="Signed-off-by: $name <$email>" '
		$0 == sob { ok = 1 }
		$0 == "@@fgl-end@@" { if (!ok) n++; ok = 0 }
		END { print n + 0 }')
[ "$unsigned" = 0 ] || die "$unsigned commits lack the poster's Signed-off-by after the rewrite"
git -C "$work" log --format=%b "$range" | grep -vxF "Signed-off-by: $name <$email>" |
	sed -n 's/^Signed-off-by: .*<[^@>]*@\([^>]*\)>$/\1/p' | sort -u |
	while read -r domain; do
		! reserved_domain "$domain" ||
			die "a Signed-off-by at $domain (a placeholder) is left after the rewrite"
	done

(cd "$work" && b4 prep --auto-to-cc) >"$tmp/b4.log" 2>&1 ||
	{ cat "$tmp/b4.log" >&2; die "b4 prep --auto-to-cc failed"; }
# -o only writes files; an SMTP server name keeps b4 from asking for its
# web endpoint. Signing (patatt) is b4's, at the real send.
git -C "$work" config sendemail.smtpserver /bin/false
(cd "$work" && b4 send --no-sign -o "$out") >>"$tmp/b4.log" 2>&1 ||
	{ cat "$tmp/b4.log" >&2; die "b4 send -o failed"; }
