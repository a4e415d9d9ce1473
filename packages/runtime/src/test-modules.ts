// Test support: small WASI commands built from WAT, and the prebuilt example functions.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import type { ModuleRef, TaskSpec } from './types';

const wabt = await wabtInit();

export function moduleRef(bytes: Uint8Array): ModuleRef {
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes };
}

export function fromWat(text: string): ModuleRef {
  const parsed = wabt.parseWat('test.wat', text);
  try {
    return moduleRef(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

export function exampleFunction(name: string): ModuleRef {
  return moduleRef(new Uint8Array(readFileSync(new URL(`../../../public/functions/${name}.wasm`, import.meta.url))));
}

export function task(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return { args: [], programName: 'test', env: {}, stdin: new Uint8Array(0), files: {}, timeoutMs: 10_000, ...overrides };
}

const WASI_IMPORTS = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))`;

/** Writes `text` to `fd`, then exits with `exitCode`. */
export function printWat(text: string, fd = 1, exitCode = 0): ModuleRef {
  const escaped = [...new TextEncoder().encode(text)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return fromWat(`(module ${WASI_IMPORTS}
    (memory (export "memory") 1)
    (data (i32.const 64) "${escaped}")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 64))
      (i32.store (i32.const 4) (i32.const ${text.length === 0 ? 0 : new TextEncoder().encode(text).length}))
      (drop (call $fd_write (i32.const ${fd}) (i32.const 0) (i32.const 1) (i32.const 8)))
      (call $proc_exit (i32.const ${exitCode}))))`);
}

/** Copies stdin to stdout. */
export const catWat = (): ModuleRef =>
  fromWat(`(module ${WASI_IMPORTS}
    (memory (export "memory") 2)
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 65536))
      (loop $more
        (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
        (if (i32.gt_u (i32.load (i32.const 8)) (i32.const 0))
          (then
            (i32.store (i32.const 16) (i32.const 1024))
            (i32.store (i32.const 20) (i32.load (i32.const 8)))
            (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
            (br $more))))))`);

/** Copies stdin to stdout, or spins forever if stdin starts with "h" (hang). Quick otherwise. */
export const echoOrHangWat = (): ModuleRef =>
  fromWat(`(module ${WASI_IMPORTS}
    (memory (export "memory") 1)
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 1024))
      (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (if (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 104)) (then (loop $forever (br $forever))))
      (i32.store (i32.const 4) (i32.load (i32.const 8)))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);

/** Writes `chunks` x 64 KiB of 'x' to stdout. */
export const floodWat = (chunks: number): ModuleRef =>
  fromWat(`(module ${WASI_IMPORTS}
    (memory (export "memory") 2)
    (func (export "_start") (local $i i32)
      (memory.fill (i32.const 1024) (i32.const 120) (i32.const 65536))
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 65536))
      (loop $more
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $i) (i32.const ${chunks}))))))`);

/**
 * A module metered the way the server's instrumenter does it: a mutable i64 `__tabgrid_fuel`,
 * decremented per block, `unreachable` once it goes below zero. Runs `iterations` loop blocks
 * of cost 1 each, plus one entry block of cost 1, so it uses `iterations + 1` fuel.
 */
export const meteredLoopWat = (iterations: number): ModuleRef =>
  fromWat(`(module
    (global $fuel (export "__tabgrid_fuel") (mut i64) (i64.const 0))
    (memory (export "memory") 1)
    (func $charge (param $cost i64)
      (global.set $fuel (i64.sub (global.get $fuel) (local.get $cost)))
      (if (i64.lt_s (global.get $fuel) (i64.const 0)) (then unreachable)))
    (func (export "_start") (local $i i32)
      (call $charge (i64.const 1))
      (loop $more
        (call $charge (i64.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $i) (i32.const ${iterations}))))))`);

/**
 * Takes its memory as `tabgrid.memory` (declared `initial`..`maximum`), grows it one page at a
 * time until memory.grow fails, and exits with the number of pages it ended with.
 */
export const importedMemoryWat = (initial: number, maximum?: number): ModuleRef =>
  fromWat(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (import "tabgrid" "memory" (memory ${initial}${maximum === undefined ? '' : ` ${maximum}`}))
    (export "memory" (memory 0))
    (func (export "_start")
      (loop $grow
        (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
      (call $proc_exit (memory.size))))`);

export function conformanceProgram(name: string): ModuleRef {
  return moduleRef(new Uint8Array(readFileSync(new URL(`../conformance/programs/${name}.wasm`, import.meta.url))));
}
