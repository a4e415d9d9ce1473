// Reused guest memories: what comes back, and that a task never sees its predecessor's bytes.
import { describe, expect, it } from 'vitest';
import { createScaffold, executeModule, type PreparedModule } from './execute';
import { MemoryPool, PAGE_BYTES } from './memory-pool';
import { fromWat, task } from './test-modules';
import type { TaskSpec } from './types';

const CAPS = { stdioCapBytes: 1 << 20, outputFilesCapBytes: 1 << 20 };
const SECRET = new TextEncoder().encode('secret-of-task-1');

/** Records every memory it hands out. */
class RecordingPool extends MemoryPool {
  readonly handedOut: WebAssembly.Memory[] = [];
  override take(initial: number, maximum: number): WebAssembly.Memory {
    const memory = super.take(initial, maximum);
    this.handedOut.push(memory);
    return memory;
  }
}

function prepared(wat: string): PreparedModule {
  const bytes = fromWat(wat).bytes as Uint8Array<ArrayBuffer>;
  return { module: new WebAssembly.Module(bytes), memoryImport: { initial: 1, maximum: null, shared: false, memory64: false } };
}

const IMPORTS = `
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "tabgrid" "memory" (memory 1))
  (export "memory" (memory 0))`;
/** Reads stdin into memory at 1024 and leaves it there. */
const writer = prepared(`(module ${IMPORTS}
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))`);
/** Writes the 16 bytes at 1024 to stdout. */
const reader = prepared(`(module ${IMPORTS}
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`);

describe('memory pool', () => {
  it('hands back a memory of the same shape, zeroed', () => {
    const pool = new MemoryPool();
    const memory = pool.take(2, 10);
    new Uint8Array(memory.buffer).set(SECRET, 100);
    pool.give(memory, 2, 10);
    expect(pool.take(2, 11)).not.toBe(memory);
    const again = pool.take(2, 10);
    expect(again).toBe(memory);
    expect(new Uint8Array(again.buffer).some((byte) => byte !== 0)).toBe(false);
  });

  it('zeroes what it was given on scrub, so that take has nothing left to do', () => {
    const pool = new MemoryPool();
    const memory = pool.take(1, 1);
    new Uint8Array(memory.buffer).set(SECRET, 100);
    pool.give(memory, 1, 1);
    expect(new Uint8Array(memory.buffer)[100]).toBe(SECRET[0]);
    pool.scrub();
    expect(new Uint8Array(memory.buffer).some((byte) => byte !== 0)).toBe(false);
    new Uint8Array(memory.buffer)[0] = 1; // a stray write after the scrub is not the pool's to undo
    expect(new Uint8Array(pool.take(1, 1).buffer)[0]).toBe(1);
  });

  it('keeps neither a memory the guest grew nor one over 1 MiB', () => {
    const pool = new MemoryPool();
    const grown = pool.take(1, 4);
    grown.grow(1);
    pool.give(grown, 1, 4);
    expect(pool.take(1, 4)).not.toBe(grown);
    const big = pool.take(17, 100);
    expect(big.buffer.byteLength).toBe(17 * PAGE_BYTES);
    pool.give(big, 17, 100);
    expect(pool.take(17, 100)).not.toBe(big);
  });

  it('lets no task see what the previous task left in the memory it reuses', async () => {
    const memories = new RecordingPool();
    const scaffold = { ...createScaffold(), memories };
    const spec: TaskSpec = task({ stdin: SECRET, memoryLimitPages: 8 });
    expect((await executeModule(scaffold, writer, spec, CAPS)).status).toBe('ok');
    const seen = await executeModule(scaffold, reader, task({ memoryLimitPages: 8 }), CAPS);
    expect(memories.handedOut).toHaveLength(2);
    expect(memories.handedOut[1]).toBe(memories.handedOut[0]);
    expect(seen.stdout).toEqual(new Uint8Array(16));
  });

  it('retries an instance whose memory cannot be reserved yet, and gives up after a few tries', async () => {
    const Real = WebAssembly.Instance;
    let refusals = 2;
    WebAssembly.Instance = function (module: WebAssembly.Module, imports?: WebAssembly.Imports) {
      if (refusals-- > 0) throw new RangeError('WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance');
      return new Real(module, imports);
    } as unknown as typeof WebAssembly.Instance;
    try {
      const scaffold = createScaffold();
      expect((await executeModule(scaffold, reader, task(), CAPS)).status).toBe('ok');
      expect(refusals).toBe(-1);
      refusals = 100;
      const given = await executeModule(scaffold, reader, task(), CAPS);
      expect(new TextDecoder().decode(given.stderr)).toMatch(/^cannot start module: RangeError: .*Out of memory/);
    } finally {
      WebAssembly.Instance = Real;
    }
  });
});

