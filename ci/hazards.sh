#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Show that the tests catch the hazards of ../shared/notes/seed-review.md:
# each ci/mutations/*.patch reintroduces one into the series; the debug
# kernel built with it must fail the guest suites or report KASAN, lockdep,
# a BUG or a WARN. One line per mutation: "ok NAME caught (...)" or
# "not ok NAME not caught".
. "$(dirname "$0")/lib.sh"

need_root hazards
variant=${FGL_HAZARD_VARIANT:-debug}
bad=0
for m in "$FGL_REPO"/ci/mutations/*.patch; do
	name=${m##*/}
	name=${name%.patch}
	log "mutation $name on variant $variant"
	console=$FGL_WORK/logs/hazard-$name-$(date +%Y%m%d-%H%M%S).log
	export FGL_MUTATION=ci/mutations/${m##*/}
	if ! "$FGL_REPO/ci/build.sh" "$variant" >/dev/null; then
		echo "not ok $name (the mutated kernel did not build)"
		bad=1
		continue
	fi
	set +e
	FGL_LOG=$console FGL_APPEND="slub_debug=U,fgraph_stack" FGL_TIMEOUT=1200 \
		"$FGL_REPO/ci/guest.sh" "$variant" "$FGL_REPO/ci/guest/suites.sh" >/dev/null 2>&1
	rc=$?
	set -e
	how=$(grep -m1 -oE 'BUG: KASAN: [a-z-]+ in [A-Za-z0-9_]+|WARNING: .*|BUG: .*|possible circular locking|fgl-result: not ok [a-z_]+|Kernel panic[^\n]*' "$console" || true)
	unset FGL_MUTATION
	if [ "$rc" != 0 ] || [ -n "$how" ]; then
		echo "ok $name caught (guest exit $rc; ${how:-failed}; console: $console)"
	else
		echo "not ok $name not caught (console: $console)"
		bad=1
	fi
done
exit $bad
