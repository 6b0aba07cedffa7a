#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: every missing step, then boot the default variant and show
# function_graph and the fgraph_stack objects coming and going.
. "$(dirname "$0")/lib.sh"

need_root run
start=$(now)
step() {
	local what=$1 t
	shift
	t=$(now)
	log "$what"
	"$@" >/dev/null
	log "$what: done in $(took "$t")"
}
step "toolchain root" "$FGL_REPO/ci/toolchain.sh"
step "base tree (Linux $FGL_BASE_VERSION)" "$FGL_REPO/ci/base-tree.sh"
step "kernel, variant rust" "$FGL_REPO/ci/build.sh" rust
FGL_APPEND="slub_debug=U,fgraph_stack ${FGL_APPEND:-}" FGL_TIMEOUT=${FGL_TIMEOUT:-300} \
	"$FGL_REPO/ci/guest.sh" rust "$FGL_REPO/ci/guest/demo.sh 100" |
	sed -n '/^kernel: /,$p'
log "make run finished in $(took "$start")"
