#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Read the KUnit results out of a guest's console log with the kernel's own
# parser (tools/testing/kunit/kunit.py parse) and print one line per test
# case: "ok SUITE.CASE" or "not ok SUITE.CASE". Exits nonzero when no KUnit
# output was found or a case failed.
#
# Usage: ci/kunit-results.sh CONSOLE_LOG
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

[ $# -eq 1 ] && [ -f "$1" ] || die "usage: ci/kunit-results.sh CONSOLE_LOG"
lock_series
src=$(series_source)
json=$(mktemp)
trap 'rm -f "$json"' EXIT
python3 "$src/tools/testing/kunit/kunit.py" parse --json="$json" "$1" >&2 || true
python3 - "$json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit("no KUnit results in the console log")
bad = 0
def walk(tests, prefix):
    global bad
    for t in tests:
        name = prefix + t["name"] if prefix is not None else ""
        if t.get("sub_groups"):
            walk(t["sub_groups"], name + "." if name else "")
        for c in t.get("test_cases", []):
            ok = c["status"] in ("PASS", "SKIP")
            bad |= not ok
            print(("ok " if ok else "not ok ") + (name + "." if name else "") + c["name"])
if not data.get("sub_groups") and not data.get("test_cases"):
    sys.exit("no KUnit suites in the console log")
walk([data], None)
sys.exit(1 if bad else 0)
PY
