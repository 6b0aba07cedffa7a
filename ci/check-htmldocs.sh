#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make htmldocs SPHINXDIRS=trace' on the series: the documentation the
# series adds or changes (and the kernel-doc it pulls in) builds without a
# warning. Warnings about other files are only counted.
#
# Sphinx comes from PyPI, as Documentation/doc-guide/sphinx.rst describes:
# a virtualenv with Documentation/sphinx/requirements.txt, made once and
# cached outside the repository, keyed by that file and the host's Python.
# It runs on the host, whose Python the toolchain root does not need.
#
# One line: "ok htmldocs ..." or "not ok htmldocs ..." with the warnings.
. "$(dirname "$0")/lib.sh"

need_root htmldocs
command -v python3 >/dev/null || die "python3 is missing on the host; install it (apt-get install python3 python3-venv)"
"$FGL_REPO/ci/toolchain.sh" >/dev/null
lock_series
src=$(fgl_chroot /bin/bash -c ". '$FGL_REPO/ci/lib.sh'; series_source")
req=$src/Documentation/sphinx/requirements.txt
venv=$FGL_CACHE/sphinx/$( { cat "$req"; python3 --version; } | sha256sum | cut -c1-16)
if [ ! -x "$venv/bin/sphinx-build" ]; then
	log "installing Sphinx from PyPI into $venv (once)"
	rm -rf "$venv"
	{ python3 -m venv "$venv" && "$venv/bin/pip" install -q -r "$req"; } >"$FGL_WORK/sphinx-venv.log" 2>&1 || {
		tail -n 5 "$FGL_WORK/sphinx-venv.log" >&2
		rm -rf "$venv"
		die "could not install Sphinx from PyPI (log: $FGL_WORK/sphinx-venv.log); check the network or the pip configuration"
	}
fi

out=$FGL_WORK/build/htmldocs
rm -rf "$out"
mkdir -p "$out"
log=$FGL_WORK/htmldocs.log
if ! PATH=$venv/bin:$PATH make -C "$src" O="$out" SPHINXDIRS=trace htmldocs >"$log" 2>&1; then
	tail -n 20 "$log"
	echo "not ok htmldocs: make htmldocs SPHINXDIRS=trace failed (log: $log)"
	exit 1
fi
# The series' documentation files, and the sources their kernel-doc
# directives read.
mapfile -t mine < <(git -C "$src" diff --name-only "v$FGL_BASE_VERSION" HEAD -- Documentation/trace;
	git -C "$src" diff --name-only "v$FGL_BASE_VERSION" HEAD -- Documentation/trace |
		while read -r f; do
			[ -f "$src/$f" ] && sed -n 's/^\.\. kernel-doc:: *//p' "$src/$f"
		done)
[ ${#mine[@]} -gt 0 ] || { echo "not ok htmldocs: the series changes nothing under Documentation/trace"; exit 1; }
pattern=$(printf '%s\n' "${mine[@]}" | sed 's/[.]/[.]/g' | paste -sd'|')
total=$(grep -ci 'warning' "$log" || true)
ours=$(grep -i 'warning\|error' "$log" | grep -E "$pattern" || true)
for f in "${mine[@]}"; do
	case $f in
	*.rst)	html=$out/Documentation/output/${f#Documentation/}
		[ -f "${html%.rst}.html" ] || ours+=$'\n'"no HTML page was made for $f" ;;
	esac
done
ours=$(sed '/^$/d' <<<"$ours")
if [ -n "$ours" ]; then
	printf '%s\n' "$ours"
	echo "not ok htmldocs: warnings in the series' documentation (log: $log)"
	exit 1
fi
echo "ok htmldocs: ${mine[*]} build without a warning ($total warnings about other files)"
