#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every guest suite, in one boot. Each prints "fgl-result: ok|not ok NAME".
# KUnit suites have already run at boot; their KTAP is in the console log.
dir=$(dirname "$0")
rc=0
for s in ${FGL_SUITES:-smoke lifecycle torture}; do
	echo "fgl-suite: $s (uptime $(cut -d" " -f1 /proc/uptime) s)"
	"$dir/$s.sh" || rc=1
done
exit $rc
