#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Carry the cover letter between patches/ and the work tree.

The work tree keeps the cover letter as its branch description, which
'git format-patch --cover-from-description=subject' turns back into
0000-cover-letter.patch: the first paragraph is the subject, the rest the
blurb above git's shortlog and diffstat.

  cover-letter.py extract FILE   print FILE's subject and blurb as a description
"""
import email.parser
import re
import sys


def extract(path):
    with open(path, encoding="utf-8") as f:
        msg = email.parser.Parser().parse(f)
    subject = re.sub(r"\s+", " ", msg["Subject"] or "").strip()
    subject = re.sub(r"^\[[^]]*\]\s*", "", subject)
    body = msg.get_payload()
    lines = body.splitlines()
    # The blurb ends where git's shortlog starts ("Author Name (N):").
    for i, line in enumerate(lines):
        if re.match(r"^\S.* \(\d+\):$", line):
            lines = lines[:i]
            break
    blurb = "\n".join(lines).strip()
    if not subject or "*** SUBJECT HERE ***" in subject:
        sys.exit(f"{path}: the cover letter has no subject")
    print(subject + "\n\n" + blurb)


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "extract":
        sys.exit(__doc__)
    extract(sys.argv[2])


if __name__ == "__main__":
    main()
