/*
 * trap.wasm — prints "about to trap\n" to stdout, flushes, then executes
 * the wasm `unreachable` instruction (a WebAssembly.RuntimeError in JS hosts).
 */
#include <stdio.h>

int main(void) {
    fputs("about to trap\n", stdout);
    fflush(stdout);
    __builtin_trap();
}
