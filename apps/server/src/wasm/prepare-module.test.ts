import { TabgridError } from '@tabgrid/protocol';
import { describe, expect, it } from 'vitest';
import type { MeterStrategy } from './meter';
import { FUEL_EXPORT, type PreparedModule, prepareModule } from './prepare-module';
import { type RunOptions, exampleFunction, fromWat, fuelUsed, runWasi, toWat } from './test-support';

const MAX_INITIAL_PAGES = 256;
const BIG_BUDGET = 10n ** 15n;

/** Every example function with an input that exercises it (spin never ends, so it is tested apart). */
const CASES: Record<string, RunOptions> = {
  hello: { stdin: 'Hello, Tabgrid!\n' },
  primes: { args: ['100000'] },
  sha256: { args: ['--zeros', '1'] },
  wordfreq: { stdin: 'The fox saw the dog. The dog saw a fox!' },
  noop: {},
  trap: {},
  inspect: {
    args: ['hello', '--read', '/input/a.txt', '--read', 'input/missing.txt', '--write', '/output/out.txt', 'written', '--read', '/output/out.txt', '--exit', '3'],
    files: { 'input/a.txt': 'contents of a\n' },
  },
};

const prepared = new Map<string, PreparedModule>();
async function prepare(name: string, strategy: MeterStrategy = 'local'): Promise<PreparedModule> {
  const key = `${name}/${strategy}`;
  let p = prepared.get(key);
  if (!p) {
    p = await prepareModule(exampleFunction(name), { maxInitialPages: MAX_INITIAL_PAGES, strategy });
    prepared.set(key, p);
  }
  return p;
}

async function rejection(bytes: Uint8Array<ArrayBuffer>, maxInitialPages = MAX_INITIAL_PAGES): Promise<TabgridError> {
  const error = await prepareModule(bytes, { maxInitialPages }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TabgridError);
  expect((error as TabgridError).code).toBe('invalid_wasm');
  return error as TabgridError;
}

describe.each(Object.entries(CASES))('prepareModule on %s.wasm', (name, options) => {
  it('runs with the same output as the original, in both strategies, with the same fuel every run', async () => {
    const original = await runWasi(exampleFunction(name), options);
    const used: bigint[] = [];
    for (const strategy of ['local', 'global'] as const) {
      const p = await prepare(name, strategy);
      for (let run = 0; run < 3; run++) {
        const result = await runWasi(p.bytes, { ...options, memory: p.memory, fuel: BIG_BUDGET });
        expect({ ...result, remaining: null }).toEqual(original);
        expect(result.remaining).toBeGreaterThanOrEqual(0n);
        used.push(fuelUsed(BIG_BUDGET, result.remaining));
      }
    }
    expect(new Set(used).size).toBe(1);
    if (name !== 'noop') expect(used[0]).toBeGreaterThan(0n);
  });

  it('counts exactly: a budget of fuelUsed suffices, one less runs out', async () => {
    const p = await prepare(name);
    const used = fuelUsed(BIG_BUDGET, (await runWasi(p.bytes, { ...options, memory: p.memory, fuel: BIG_BUDGET })).remaining);
    const exact = await runWasi(p.bytes, { ...options, memory: p.memory, fuel: used });
    expect(exact.remaining).toBe(0n);
    expect(exact.trap?.message ?? null).toBe(name === 'trap' ? 'unreachable' : null);
    if (used === 0n) return;
    const short = await runWasi(p.bytes, { ...options, memory: p.memory, fuel: used - 1n });
    expect(short.trap).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(short.remaining).toBeLessThan(0n);
  });

  it('imports its memory as tabgrid.memory with the original limits, still exported as memory', async () => {
    const p = await prepare(name);
    const module = new WebAssembly.Module(p.bytes);
    expect(WebAssembly.Module.imports(module)).toContainEqual({ module: 'tabgrid', name: 'memory', kind: 'memory' });
    expect(WebAssembly.Module.exports(module)).toEqual(
      expect.arrayContaining([
        { name: 'memory', kind: 'memory' },
        { name: FUEL_EXPORT, kind: 'global' },
      ]),
    );
    const declared = /\(memory \(;0;\) (\d+)( \d+)?\)/.exec(toWat(exampleFunction(name)));
    expect(declared).not.toBeNull();
    expect(p.memory).toEqual({ initialPages: Number(declared![1]), maximumPages: declared![2] ? Number(declared![2]) : null });
    expect(toWat(p.bytes)).toContain(`(import "tabgrid" "memory" (memory (;0;) ${declared![1]}${declared![2] ?? ''}))`);
    expect(p.memoryExport).toBe('memory');
  });
});

describe('fuel', () => {
  it('stops an endless loop (spin) with a negative remainder', async () => {
    const p = await prepare('spin');
    for (const budget of [0n, 1n, 1_000_000n]) {
      const result = await runWasi(p.bytes, { memory: p.memory, fuel: budget });
      expect(result.trap).toBeInstanceOf(WebAssembly.RuntimeError);
      expect(result.remaining).toBeLessThan(0n);
      expect(fuelUsed(budget, result.remaining)).toBe(budget);
    }
  });

  it('stops primes part way with a small budget, deterministically', async () => {
    const p = await prepare('primes');
    const remainders = new Set<bigint>();
    for (let run = 0; run < 3; run++) {
      const result = await runWasi(p.bytes, { args: ['1000000'], memory: p.memory, fuel: 100_000n });
      expect(result.trap?.message).toBe('unreachable');
      expect(result.stdout).toBe('');
      remainders.add(result.remaining!);
    }
    expect(remainders.size).toBe(1);
    expect([...remainders][0]).toBeLessThan(0n);
  });

  it('charges 1 per instruction and nothing for block/loop/else/end', async () => {
    const bytes = fromWat(`(module
      (memory (export "memory") 1)
      (func (export "_start") (local $i i32)
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
        (if (i32.eqz (local.get $i)) (then (nop)) (else (nop) (nop)))
        (block $b (br_if $b (i32.const 1)) (unreachable))))`);
    for (const strategy of ['local', 'global'] as const) {
      const p = await prepareModule(bytes, { maxInitialPages: 1, strategy });
      const result = await runWasi(p.bytes, { memory: p.memory, fuel: 1000n });
      expect(result.trap).toBeNull();
      // loop body 8 × 10, the if's test 3 and its else arm 2, the block's br_if 2
      expect(fuelUsed(1000n, result.remaining)).toBe(80n + 3n + 2n + 2n);
    }
  });

  it('counts exactly where charges are merged: code after an if, a block and a loop', async () => {
    const bytes = fromWat(`(module
      (memory (export "memory") 1)
      (func (export "_start") (local $i i32) (local $n i32)
        (loop $l
          (if (i32.and (local.get $i) (i32.const 1))
            (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
          (block $b
            (br_if $b (i32.gt_u (local.get $i) (i32.const 5)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
        (drop (local.get $n))))`);
    const p = await prepareModule(bytes, { maxInitialPages: 1 });
    const result = await runWasi(p.bytes, { memory: p.memory, fuel: 1000n });
    // per iteration: if's test 4, block's br_if 4, i++ 4, back-edge br_if 4; odd i: then arm 4; i <= 5: 4
    expect(fuelUsed(1000n, result.remaining)).toBe(BigInt(10 * 16 + 5 * 4 + 6 * 4 + 2));
    const exact = await runWasi(p.bytes, { memory: p.memory, fuel: 206n });
    expect([exact.trap, exact.remaining]).toEqual([null, 0n]);
    expect((await runWasi(p.bytes, { memory: p.memory, fuel: 205n })).remaining).toBeLessThan(0n);
  });

  it('counts calls, returns, br_table and indirect calls exactly, and stops runaway recursion', async () => {
    const bytes = fromWat(`(module
      (type $t (func (param i32) (result i32)))
      (memory (export "memory") 1)
      (table 1 funcref) (elem (i32.const 0) $twice)
      (func $twice (type $t) (i32.mul (local.get 0) (i32.const 2)))
      (func $pick (param i32) (result i32)
        (block $a (block $b (block $c (br_table $a $b $c (local.get 0)))
          (return (i32.const 30))) (return (i32.const 20)))
        (i32.const 10))
      (func $leave (param i32) (block $a (br_table $a 1 (local.get 0))) (nop))
      (func $down (param i32) (result i32)
        (if (result i32) (local.get 0)
          (then (call $down (i32.sub (local.get 0) (i32.const 1))))
          (else (i32.const 0))))
      (func $forever (call $forever))
      (func (export "_start")
        (drop (call_indirect (type $t) (i32.const 3) (i32.const 0)))
        (drop (call $pick (i32.const 0)))
        (drop (call $pick (i32.const 1)))
        (drop (call $pick (i32.const 2)))
        (call $leave (i32.const 0))
        (call $leave (i32.const 1))
        (drop (call $down (i32.const 5))))
      (func (export "recurse") (call $forever)))`);
    const p = await prepareModule(bytes, { maxInitialPages: 1 });
    const result = await runWasi(p.bytes, { memory: p.memory, fuel: 1000n });
    expect(result.trap).toBeNull();
    const twice = 3; // get, const, mul
    const pick = [2 + 1, 2 + 2, 2 + 2]; // get, br_table, then `const 10` | `const 20, return` | `const 30, return`
    const leave = [2 + 1, 2]; // get, br_table, then `nop` | straight out of the function
    const down = 5 * (2 + 4) + (2 + 1); // get, if, then get, const, sub, call | const
    const caller = 4 + 3 * 3 + 2 * 2 + 3; // the call sites in _start, drops included
    expect(fuelUsed(1000n, result.remaining)).toBe(BigInt(caller + twice + pick[0]! + pick[1]! + pick[2]! + leave[0]! + leave[1]! + down));

    const { instance } = await WebAssembly.instantiate(p.bytes, { tabgrid: { memory: new WebAssembly.Memory({ initial: 1 }) } });
    const fuel = instance.exports[FUEL_EXPORT] as WebAssembly.Global;
    fuel.value = 1000n; // each level costs 1: the fuel runs out long before the stack
    expect(() => (instance.exports.recurse as () => void)()).toThrow(/unreachable/);
    expect(fuel.value).toBeLessThan(0n);
  });

  it('starts with a budget of 0 until the runtime sets one', async () => {
    const p = await prepare('hello');
    const result = await runWasi(p.bytes, { stdin: 'x', memory: p.memory });
    expect(result.trap?.message).toBe('unreachable');
    expect(result.remaining).toBeLessThan(0n);
  });
});

describe('memory', () => {
  const withMemory = (decl: string, exportName = 'memory') =>
    fromWat(`(module (memory (export "${exportName}") ${decl}) (func (export "_start")))`);

  it('keeps a declared maximum and the export name, and the import enforces the maximum', async () => {
    const p = await prepareModule(withMemory('2 5', 'mem'), { maxInitialPages: 4 });
    expect(p.memory).toEqual({ initialPages: 2, maximumPages: 5 });
    expect(p.memoryExport).toBe('mem');
    expect(WebAssembly.Module.exports(new WebAssembly.Module(p.bytes))).toContainEqual({ name: 'mem', kind: 'memory' });
    const instantiate = (initial: number, maximum?: number) =>
      WebAssembly.instantiate(p.bytes, { tabgrid: { memory: new WebAssembly.Memory(maximum === undefined ? { initial } : { initial, maximum }) } });
    await expect(instantiate(2, 5)).resolves.toBeDefined();
    await expect(instantiate(2, 3)).resolves.toBeDefined(); // a per-task cap below the module's own
    await expect(instantiate(2, 6)).rejects.toThrow(WebAssembly.LinkError);
    await expect(instantiate(1, 5)).rejects.toThrow(WebAssembly.LinkError);
  });

  it('meter: false only moves the memory and leaves the code as it was', async () => {
    const original = exampleFunction('sha256');
    const p = await prepareModule(original, { maxInitialPages: MAX_INITIAL_PAGES, meter: false });
    expect(p.meteredBlocks).toBe(0);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(p.bytes)).map((e) => e.name)).not.toContain(FUEL_EXPORT);
    expect(p.bytes.byteLength - original.byteLength).toBeLessThan(32);
    expect((await runWasi(p.bytes, { ...CASES.sha256, memory: p.memory })).stdout).toBe(
      (await runWasi(original, CASES.sha256)).stdout,
    );
  });

  it('rejects a memory that starts above the server maximum, saying both numbers', async () => {
    const error = await rejection(withMemory('300'), 256);
    expect(error.message).toBe("the module's memory starts at 300 pages (18.75 MiB); the server allows at most 256 pages (16 MiB)");
    await expect(prepareModule(withMemory('256'), { maxInitialPages: 256 })).resolves.toBeDefined();
  });

  it('rejects memory64, shared and multiple memories, imported or missing memory', async () => {
    expect((await rejection(fromWat('(module (memory i64 1))', { memory64: true }))).message).toMatch(/64-bit memory \(memory64\)/);
    expect((await rejection(fromWat('(module (memory 1 2 shared))', { threads: true }))).message).toMatch(/shared memory/);
    // wabt has no multi-memory switch: (memory 1) (memory 1) by hand
    const two = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 5, 2, 0, 1, 0, 1]);
    expect((await rejection(two)).message).toMatch(/defines 2 memories/);
    expect((await rejection(fromWat('(module (import "env" "memory" (memory 1)))'))).message).toMatch(/imports its memory \(env\.memory\)/);
    expect((await rejection(fromWat('(module (func (export "_start")))'))).message).toMatch(/defines no memory/);
  });
});

describe('bad modules', () => {
  it('rejects garbage and truncated modules clearly', async () => {
    expect((await rejection(new TextEncoder().encode('definitely not wasm'))).message).toMatch(/not a WebAssembly module/);
    expect((await rejection(new Uint8Array(0))).message).toMatch(/not a WebAssembly module/);
    const hello = exampleFunction('hello');
    expect((await rejection(hello.subarray(0, hello.byteLength - 100))).message).toMatch(/malformed WebAssembly module/);
  });

  it('rejects a start function, a module prepared twice, and unsupported proposals', async () => {
    const start = fromWat('(module (memory 1) (func $s) (start $s))');
    expect((await rejection(start)).message).toMatch(/start function/);
    const once = await prepare('noop');
    expect((await rejection(once.bytes)).message).toMatch(/imports its memory/);
    const exported = fromWat(`(module (memory 1) (global (export "${FUEL_EXPORT}") i32 (i32.const 0)))`);
    expect((await rejection(exported)).message).toMatch(/prepared twice/);
    const atomics = fromWat('(module (memory 1) (func (atomic.fence)))', { threads: true });
    expect((await rejection(atomics)).message).toMatch(/threads/);
  });

  it('meters SIMD, bulk memory and tail calls, and binaryen validates the output', async () => {
    const bytes = fromWat(
      `(module (memory (export "memory") 1)
        (func $f (result i32) (i32.const 7))
        (func $g (result i32) (return_call $f))
        (func (export "_start")
          (v128.store offset=16 (i32.const 0) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (v128.const i32x4 1 2 3 4) (v128.load lane=0 (i32.const 0))))
          (drop (i32x4.extract_lane 2 (v128.load32_lane 1 (i32.const 0) (v128.const i64x2 0 0))))
          (memory.fill (i32.const 0) (i32.const 0) (i32.const 8))
          (memory.copy (i32.const 8) (i32.const 0) (i32.const 8))
          (drop (call $g))))`.replace('v128.load lane=0', 'v128.load'),
      { simd: true, bulk_memory: true, tail_call: true },
    );
    const p = await prepareModule(bytes, { maxInitialPages: 1, binaryenValidate: true });
    const result = await runWasi(p.bytes, { memory: p.memory, fuel: 1000n });
    expect(result.trap).toBeNull();
    expect(fuelUsed(1000n, result.remaining)).toBeGreaterThan(10n);
  });
});
