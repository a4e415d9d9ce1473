import { describe, expect, it } from 'vitest';
import { findImportProblem, readImports } from './module-imports';
import { fromWat, importedMemoryWat } from './test-modules';

describe('readImports', () => {
  it('reads the limits of an imported memory among other imports', () => {
    const { bytes } = fromWat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "x" "t" (table 2 10 funcref))
      (import "x" "g" (global (mut i64)))
      (import "tabgrid" "memory" (memory 3 300)))`);
    expect(readImports(bytes)).toEqual([
      { module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 0, limits: null },
      { module: 'x', name: 't', kind: 1, limits: null },
      { module: 'x', name: 'g', kind: 3, limits: null },
      { module: 'tabgrid', name: 'memory', kind: 2, limits: { initial: 3, maximum: 300, shared: false, memory64: false } },
    ]);
  });

  it('reads a memory without a maximum, and a module without imports', () => {
    expect(readImports(importedMemoryWat(2).bytes)[1]?.limits).toEqual({ initial: 2, maximum: null, shared: false, memory64: false });
    expect(readImports(fromWat('(module (memory 1))').bytes)).toEqual([]);
  });

  it('rejects malformed binaries with a RangeError, never reading past the end', () => {
    const { bytes } = importedMemoryWat(2, 4);
    expect(() => readImports(new Uint8Array([1, 2, 3]))).toThrow(RangeError);
    expect(() => readImports(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]))).toThrow(/bad magic or version/);
    const whole = readImports(bytes);
    // Cut anywhere: the whole import list, none (cut at a section boundary before it), or a
    // RangeError — never a partial list. (The worker compiles first, so a cut module never runs.)
    for (let cut = 8; cut < bytes.length; cut++) {
      try {
        expect([whole, []]).toContainEqual(readImports(bytes.slice(0, cut)));
      } catch (thrown) {
        expect(thrown).toBeInstanceOf(RangeError);
      }
    }
    const endless = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => readImports(endless)).toThrow(/malformed LEB128/);
  });
});

describe('findImportProblem', () => {
  it('lists every import the runtime does not provide', () => {
    const imports = readImports(fromWat('(module (import "env" "f" (func)) (import "tabgrid" "memory" (memory 1)) (import "env" "memory" (memory 1)))').bytes);
    expect(findImportProblem(imports)).toBe('module imports what the runtime does not provide: env.f, env.memory');
  });

  it('accepts wasi imports and tabgrid.memory', () => {
    expect(findImportProblem(readImports(importedMemoryWat(1).bytes))).toBeNull();
  });
});
