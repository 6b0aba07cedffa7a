#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Rust unit is rustfmt-clean (the kernel's .rustfmt.toml; and the whole
# tree passes make rustfmtcheck) and builds with clippy (CLIPPY=1) without
# a warning. One line each: "ok NAME" or
# "not ok NAME" with the tool's output.
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

"$FGL_REPO/ci/build.sh" rust >/dev/null
# The rust build directory and the series tree are shared with builds that
# another workbench run (make hazards, say) makes meanwhile: hold the build
# lock while using them.
exec 9>"$FGL_WORK/build.lock"
flock 9
export FGL_BUILD_LOCKED=1
src=$(series_source)
bdir=$FGL_WORK/build/rust
unit=kernel/trace/fgraph_lifecycle
bad=0

if out=$(cd "$src" && rustfmt --check --config-path .rustfmt.toml --edition 2021 "$unit.rs" 2>&1); then
	echo "ok rustfmt $unit.rs"
else
	printf 'not ok rustfmt %s\n%s\n' "$unit.rs" "$out"
	bad=1
fi

# The kernel's own target, over every Rust file of the tree.
if out=$(make -s -C "$src" O="$bdir" LLVM=1 rustfmtcheck 2>&1); then
	echo "ok make LLVM=1 rustfmtcheck"
else
	printf 'not ok make LLVM=1 rustfmtcheck\n%s\n' "$out"
	bad=1
fi

# Rebuild the unit alone under clippy-driver; any warning is a failure.
rm -f "$bdir/$unit.o"
clippy_ok=1
out=$(make -s -C "$src" O="$bdir" LLVM=1 CLIPPY=1 "$unit.o" 2>&1) || clippy_ok=0
if [ $clippy_ok = 1 ] && ! grep -qE '^(warning|error)' <<<"$out"; then
	echo "ok clippy $unit.rs"
else
	printf 'not ok clippy %s\n%s\n' "$unit.rs" "$out"
	bad=1
fi
exit $bad
