#!/usr/bin/env bash
# Rebuilds our WASI test programs. Needs Debian's clang, lld and wasi-libc; the built .wasm files
# are committed so tests never need a compiler.
#   tabgrid/NAME.wasm  conformance tests (wasi-testsuite layout, NAME.json beside each)
#   programs/*.wasm    programs that runtime tests drive directly
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cflags=(--target=wasm32-wasi -O2 -Wall -Werror -Wl,--strip-all -I"$here/src")
for name in symlinks sandbox rights timestamps append_positioned readdir poll renumber errno fs_ops; do
  clang "${cflags[@]}" -o "$here/tabgrid/$name.wasm" "$here/src/$name.c"
done
clang "${cflags[@]}" -o "$here/programs/clocks.wasm" "$here/src/clocks.c"
# A prepared module takes its memory from the host as tabgrid.memory and still exports it; clang
# 14's wasm-ld can only import env.memory and cannot export an import, so fix both in the text form.
clang "${cflags[@]}" -Wl,--import-memory -o "$here/programs/malloc.env.wasm" "$here/src/malloc.c"
wabt="$here/../../../node_modules/.bin"
"$wabt/wasm2wat" "$here/programs/malloc.env.wasm" \
  | sed 's/(import "env" "memory"/(import "tabgrid" "memory"/' \
  | python3 -c 'import sys; t = sys.stdin.read().rstrip(); print(t[:-1] + "\n  (export \"memory\" (memory 0)))")' \
  > "$here/programs/malloc.wat"
"$wabt/wat2wasm" -o "$here/programs/malloc.wasm" "$here/programs/malloc.wat"
rm "$here/programs/malloc.env.wasm" "$here/programs/malloc.wat"
