#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run cargo on the rust/ workspace inside the toolchain root (Debian 13's
# cargo and rustc): the guests' programs are then built against the C
# library of the root they run in, and the host needs no Rust toolchain.
# Crates come from crates.io (rust/Cargo.lock) into a cargo home in the
# cache, over TLS checked against the host's CA certificates (a host behind
# a TLS-inspecting proxy trusts its CA there, not in the root).
#
# Usage: ci/cargo.sh CARGO-ARGS...      e.g. ci/cargo.sh build --release
. "$(dirname "$0")/lib.sh"
if [ -z "${FGL_IN_ROOT:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
	mkdir -p "$FGL_WORK"
	cp /etc/ssl/certs/ca-certificates.crt "$FGL_WORK/host-ca-certificates.crt"
	export FGL_HOST_CA=$FGL_WORK/host-ca-certificates.crt
fi
in_root "$0" "$@"

[ $# -gt 0 ] || die "usage: ci/cargo.sh CARGO-ARGS... (e.g. build --release)"
command -v cargo >/dev/null ||
	die "no cargo in the toolchain root: ci/toolchain.packages must list cargo"
export CARGO_HOME=$FGL_WORK/cargo-home
[ -z "${FGL_HOST_CA:-}" ] || export CARGO_HTTP_CAINFO=$FGL_HOST_CA
cd "$FGL_REPO/rust"
exec cargo "$@"
