#!/usr/bin/env bash
# Builds the example WASI preview1 functions in public/functions/.
# The .wasm outputs are committed, so running this is only needed after
# editing a source. Requirements: clang with the wasm32-wasi target and a
# wasi-libc sysroot (Debian: clang + wasi-libc), plus the root node_modules
# (assemblyscript, @assemblyscript/wasi-shim, wabt).
#
# Env overrides: CC (default clang), WASI_SYSROOT (passed as --sysroot if set).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CC="${CC:-clang}"
BIN="$ROOT/node_modules/.bin"

CFLAGS=(--target=wasm32-wasi -O2 -Wall -Wextra -Werror)
if [[ -n "${WASI_SYSROOT:-}" ]]; then
  CFLAGS+=("--sysroot=$WASI_SYSROOT")
fi
# No -g, so there is no DWARF to begin with; --strip-debug keeps the "name"
# section (function names in trap stack traces) and of course all exports.
LDFLAGS=(-Wl,--strip-debug)

cd "$HERE"

C_FUNCS=(hello primes burn sha256 inspect spin trap alloc)
for f in "${C_FUNCS[@]}"; do
  echo "clang  src/$f.c -> $f.wasm"
  "$CC" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "$f.wasm" "src/$f.c"
done

echo "wat2wasm src/noop.wat -> noop.wasm"
"$BIN/wat2wasm" src/noop.wat -o noop.wasm

echo "asc    as/wordfreq.ts -> wordfreq.wasm"
(cd "$ROOT" && npx --no-install asc public/functions/as/wordfreq.ts \
  --config public/functions/as/asconfig.json \
  -o public/functions/wordfreq.wasm)

chmod 644 ./*.wasm
echo
echo "sizes (bytes):"
for f in "${C_FUNCS[@]}" noop wordfreq; do
  printf '  %-14s %8d\n' "$f.wasm" "$(wc -c < "$f.wasm")"
done
