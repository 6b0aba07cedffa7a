#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Rust unit's C ABI against its header: cbindgen reads the macro-expanded
# unit (make kernel/trace/fgraph_lifecycle.rsi) and writes the C declarations
# of its #[no_mangle] functions; each must match the declaration in
# kernel/trace/fgraph_lifecycle.h, and the header must declare no entry
# point that the unit lacks. (#[export] checks Rust against bindgen's view
# of the header at build time; this checks the other direction, with an
# independent tool.)
. "$(dirname "$0")/lib.sh"
in_root "$0" "$@"

"$FGL_REPO/ci/build.sh" rust >/dev/null
lock_series
src=$(series_source)
bdir=$FGL_WORK/build/rust
make -s -C "$src" O="$bdir" LLVM=1 kernel/trace/fgraph_lifecycle.rsi >/dev/null 2>&1 ||
	die "make kernel/trace/fgraph_lifecycle.rsi failed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The unit names kernel structures through bindgen's bindings; cbindgen sees
# them as opaque types, so it is told which are C structs.
cat >"$tmp/cbindgen.toml" <<'TOML'
language = "C"
no_includes = true
[export.rename]
"task_struct" = "struct task_struct"
TOML
cbindgen --quiet --config "$tmp/cbindgen.toml" -o "$tmp/unit.h" \
	"$bdir/kernel/trace/fgraph_lifecycle.rsi" ||
	die "cbindgen could not read the expanded unit"

python3 - "$tmp/unit.h" "$src/kernel/trace/fgraph_lifecycle.h" <<'PY'
import re, sys

def decls(path, rust=False):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
    out = {}
    for m in re.finditer(r"([^;{}#]*?\b(fgraph_lifecycle_\w+)\s*\([^;]*\))\s*;", text):
        sig = re.sub(r"\s+", " ", m.group(1)).strip()
        sig = re.sub(r"\s*([(),*])\s*", r"\1", sig)
        if rust:
            # _name is Rust's mark of a parameter left unused
            sig = re.sub(r"\b_(\w+)([,)])", r"\1\2", sig)
        out[m.group(2)] = sig
    return out

rust, header = decls(sys.argv[1], rust=True), decls(sys.argv[2])
bad = 0
for name in sorted(set(rust) | set(header)):
    r, h = rust.get(name), header.get(name)
    if r == h:
        print(f"ok {name}: {h}")
    else:
        print(f"not ok {name}: Rust unit: {r or 'missing'}; header: {h or 'missing'}")
        bad = 1
if not rust:
    print("not ok: cbindgen found no entry point in the unit")
    bad = 1
sys.exit(bad)
PY
