# SPDX-License-Identifier: GPL-2.0
# Result bookkeeping shared by make test (ci/test.sh) and make check-all
# (ci/check-all.sh): one line per result, a line per suite, and at the end
# 'N passed, N failed'. Sourced after ci/lib.sh; the caller sets $logs
# (where step logs go), $start (from now) and $report (its name).
passed=0 failed=0

# result ok|fail NAME [DETAIL]
result() {
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		printf 'PASS  %s\n' "$2"
	else
		failed=$((failed + 1))
		printf 'FAIL  %s%s\n' "$2" "${3:+  ($3)}"
	fi
}
# step NAME CMD...: one result for a command; its output goes to a log
step() {
	local name=$1 t
	shift
	t=$(now)
	if "$@" >"$logs/$name.log" 2>&1; then
		result ok "$name [$(took "$t")]"
	else
		tail -n 15 "$logs/$name.log" | sed 's/^/      | /'
		result fail "$name" "log: $logs/$name.log"
		return 1
	fi
}
# results SUITE FILE: one result per "ok NAME" / "not ok NAME" line of FILE
results() {
	local suite=$1 file=$2 line p0=$passed f0=$failed
	while IFS= read -r line; do
		case $line in
		'ok '*) result ok "$suite: ${line#ok }" ;;
		'not ok '*) result fail "$suite: ${line#not ok }" ;;
		esac
	done <"$file"
	printf '%s: %d passed, %d failed\n' "== suite $suite" \
		$((passed - p0)) $((failed - f0))
	[ $((passed - p0 + failed - f0)) -gt 0 ] || result fail "$suite" "ran no test"
}
# check NAME: run ci/NAME.sh (lines "ok ..." / "not ok ..."), one result a
# line, the tools' reports shown under the failures; returns its duration
# in $check_took
check() {
	local name=$1 t
	t=$(now)
	"$FGL_REPO/ci/$name.sh" >"$logs/$name.log" 2>&1 || true
	results "$name" "$logs/$name.log"
	grep -v -e '^ok ' -e '^>>> ' "$logs/$name.log" | sed 's/^/      | /' || true
	check_took=$(took "$t")
}
finish() {
	log "$report took $(took "$start"); logs in $logs"
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" = 0 ]
	exit
}

