#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Show that the tests catch the hazards of ../shared/notes/seed-review.md:
# each ci/mutations/*.patch reintroduces one into the series, on the variant
# its "fgl-variant:" line names (default debug), with the guest suites its
# "fgl-suites:" line names (default smoke lifecycle; KUnit runs at boot
# anyway) and the guest timeout its "fgl-timeout:" line gives (seconds,
# for mutations that hang the guest); the kernel built with it
# must fail a KUnit case or a guest suite, or report KASAN, lockdep, a BUG,
# a WARN, a panic or a hang. One line per mutation: "ok NAME caught (how)"
# or "not ok NAME not caught". FGL_HAZARDS: a pattern to run only some.
. "$(dirname "$0")/lib.sh"

need_root hazards

# The console log without what the unmutated kernel prints too
without_expected_warns() { awk -f "$FGL_REPO/ci/guest/unexpected.awk" "$1"; }
bad=0
for m in "$FGL_REPO"/ci/mutations/*.patch; do
	name=${m##*/}
	name=${name%.patch}
	[[ $name == ${FGL_HAZARDS:-*} ]] || continue
	variant=$(sed -n 's/^fgl-variant: *//p' "$m" | head -1)
	variant=${variant:-debug}
	suites=$(sed -n 's/^fgl-suites: *//p' "$m" | head -1)
	suites=${suites:-smoke lifecycle}
	timeout=$(sed -n 's/^fgl-timeout: *//p' "$m" | head -1)
	timeout=${timeout:-${FGL_HAZARD_TIMEOUT:-1500}}
	log "mutation $name on variant $variant"
	console=$FGL_WORK/logs/hazard-$name-$(date +%Y%m%d-%H%M%S).log
	export FGL_MUTATION=ci/mutations/${m##*/}
	if ! "$FGL_REPO/ci/build.sh" "$variant" >/dev/null; then
		echo "not ok $name (the mutated kernel did not build)"
		bad=1
		continue
	fi
	set +e
	err=$(FGL_LOG=$console FGL_APPEND="slub_debug=U,fgraph_stack" \
		FGL_TIMEOUT=$timeout \
		"$FGL_REPO/ci/guest.sh" "$variant" \
		"FGL_SUITES='$suites' $FGL_REPO/ci/guest/suites.sh" 2>&1 >/dev/null)
	rc=$?
	set -e
	unset FGL_MUTATION
	# The first sign, in console order: a KUnit case or guest test that
	# failed, or a checker's report.
	how=$(without_expected_warns "$console" | grep -m1 -aoE 'not ok [0-9]+ fgl_[a-z_]+|fgl-result: not ok [a-z_]+.*|BUG: KASAN: [a-z-]+ in [A-Za-z0-9_]+|WARNING: .*|BUG: .*|possible circular locking.*|blocked for more than [0-9]+ seconds|Kernel panic.*' || true)
	case $err in
	*"did not finish"* | *"stopped as hung"*) how="${how:+$how; }the guest hung" ;;
	esac
	if [ "$rc" != 0 ] || [ -n "$how" ]; then
		echo "ok $name caught on $variant (guest exit $rc; ${how:-failed}; console: $console)"
	else
		echo "not ok $name not caught on $variant (console: $console)"
		bad=1
	fi
done
exit $bad
