// Fuel and memory caps, driven through the worker API in-process.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FUEL } from './limits';
import { createRuntimeWorker } from './runtime-worker';
import { conformanceProgram, fromWat, importedMemoryWat, meteredLoopWat, printWat, task } from './test-modules';
import type { ModuleRef, TaskOutcome, TaskSpec } from './types';

const CAP = 1024 * 1024;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function run(module: ModuleRef, spec: TaskSpec): Promise<TaskOutcome> {
  const reply = await createRuntimeWorker().run({ ...module, task: spec, stdioCapBytes: CAP, outputFilesCapBytes: CAP });
  if (reply.type !== 'outcome') throw new Error('expected an outcome');
  return reply.outcome;
}

describe('fuel', () => {
  it('reports exactly the fuel a metered module used', async () => {
    const outcome = await run(meteredLoopWat(1000), task({ fuel: 5000 }));
    expect(outcome).toMatchObject({ status: 'ok', exitCode: 0, fuelUsed: 1001 });
  });

  it('gives a metered module 2^62 when the task names no budget, and still counts exactly', async () => {
    expect(DEFAULT_FUEL).toBe(2 ** 62);
    const outcome = await run(meteredLoopWat(123_456), task());
    expect(outcome).toMatchObject({ status: 'ok', fuelUsed: 123_457 });
  });

  it('ends a module that runs out as out_of_fuel, having used the whole budget', async () => {
    const outcome = await run(meteredLoopWat(1_000_000), task({ fuel: 500 }));
    expect(outcome).toMatchObject({ status: 'out_of_fuel', exitCode: null, fuelUsed: 500 });
    expect(text(outcome.stderr)).toMatch(/out of fuel/);
  });

  it('runs a budget of exactly what is needed to completion', async () => {
    expect(await run(meteredLoopWat(10), task({ fuel: 11 }))).toMatchObject({ status: 'ok', fuelUsed: 11 });
    expect(await run(meteredLoopWat(10), task({ fuel: 10 }))).toMatchObject({ status: 'out_of_fuel', fuelUsed: 10 });
  });

  it('runs an unmetered module with fuelUsed 0, whatever the budget', async () => {
    expect(await run(printWat('hi'), task({ fuel: 1 }))).toMatchObject({ status: 'ok', fuelUsed: 0 });
  });

  it('reports a trap that is not fuel as an error', async () => {
    const trap = fromWat(`(module (global (export "__tabgrid_fuel") (mut i64) (i64.const 0)) (memory (export "memory") 1)
      (func (export "_start") unreachable))`);
    expect(await run(trap, task({ fuel: 100 }))).toMatchObject({ status: 'error', fuelUsed: 0 });
  });

  it('refuses an immutable fuel export', async () => {
    const frozen = fromWat(`(module (global (export "__tabgrid_fuel") i64 (i64.const 0)) (memory (export "memory") 1) (func (export "_start")))`);
    const outcome = await run(frozen, task());
    expect(outcome.status).toBe('error');
    expect(text(outcome.stderr)).toMatch(/__tabgrid_fuel must be a mutable i64 global/);
  });

  it('advances the virtual clock by fuel', async () => {
    const clock = fromWat(`(module
      (import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (global (export "__tabgrid_fuel") (mut i64) (i64.const 0))
      (memory (export "memory") 1)
      (func (export "_start")
        (drop (call $now (i32.const 1) (i64.const 1) (i32.const 0)))
        (global.set 0 (i64.sub (global.get 0) (i64.const 1000000)))
        (drop (call $now (i32.const 1) (i64.const 1) (i32.const 8)))
        (call $exit (i32.wrap_i64 (i64.div_u (i64.sub (i64.load (i32.const 8)) (i64.load (i32.const 0))) (i64.const 1000))))))`);
    // 1,000,000 fuel at 1 ns each plus one 1 µs clock step: 1001 µs.
    expect(await run(clock, task({ fuel: 2_000_000 }))).toMatchObject({ exitCode: 1001, fuelUsed: 1_000_000 });
  });
});

describe('memory', () => {
  it('caps an imported memory at the task limit: memory.grow fails, the guest carries on', async () => {
    expect(await run(importedMemoryWat(1), task({ memoryLimitPages: 5 }))).toMatchObject({ status: 'error', exitCode: 5 });
  });

  it('keeps a smaller declared maximum', async () => {
    expect(await run(importedMemoryWat(1, 3), task({ memoryLimitPages: 5 }))).toMatchObject({ exitCode: 3 });
  });

  it('refuses a module whose initial memory is over the limit, saying why', async () => {
    const outcome = await run(importedMemoryWat(20), task({ memoryLimitPages: 10 }));
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toBe('module needs 20 pages (1.25 MiB) of memory at start; the limit is 10 pages');
  });

  it('refuses a module with its own memory that starts over the limit', async () => {
    const big = fromWat('(module (memory (export "memory") 20) (func (export "_start")))');
    const outcome = await run(big, task({ memoryLimitPages: 10 }));
    expect(text(outcome.stderr)).toBe('module starts with 20 pages of memory; the limit is 10 pages');
  });

  it('makes a C program that mallocs until failure see malloc fail, not crash', async () => {
    const outcome = await run(conformanceProgram('malloc'), task({ memoryLimitPages: 160 }));
    expect(outcome).toMatchObject({ status: 'ok', exitCode: 0 });
    const mib = Number(/allocated (\d+) MiB/.exec(text(outcome.stdout))?.[1]);
    expect(mib).toBeGreaterThan(5);
    expect(mib).toBeLessThan(10);
  });
});
