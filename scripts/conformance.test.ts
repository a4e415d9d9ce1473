// The browser half of the runtime's tests, so `npm test` covers the Chromium Web Worker path:
// the conformance suites, and determinism against the Node pool.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { chromiumLaunchOptions } from '../e2e/fixtures/chromium';
import type { ModuleRef, TaskSpec } from '@tabgrid/runtime';
import { chromiumEngine, conformanceDirs, formatReport, runConformance, totals, type ChromiumEngine } from '@tabgrid/runtime/conformance';
import { createNodePool } from '@tabgrid/runtime/node';

const spec = (overrides: Partial<TaskSpec> = {}): TaskSpec => ({
  args: [],
  programName: 'p',
  env: {},
  stdin: new Uint8Array(0),
  files: {},
  timeoutMs: 20_000,
  ...overrides,
});

const clocks: ModuleRef = {
  digest: 'sha256:conformance-clocks',
  bytes: new Uint8Array(readFileSync(new URL('../packages/runtime/conformance/programs/clocks.wasm', import.meta.url))),
};

async function meteredLoop(): Promise<ModuleRef> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('metered.wat', `(module
    (global $fuel (export "__tabgrid_fuel") (mut i64) (i64.const 0))
    (memory (export "memory") 1)
    (func (export "_start") (local $i i32)
      (loop $more
        (global.set $fuel (i64.sub (global.get $fuel) (i64.const 3)))
        (if (i64.lt_s (global.get $fuel) (i64.const 0)) (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $i) (i32.const 100000))))))`);
  try {
    return { digest: 'sha256:conformance-metered', bytes: parsed.toBinary({}).buffer };
  } finally {
    parsed.destroy();
  }
}

describe('runtime in a Chromium Web Worker', () => {
  let engine: ChromiumEngine;
  const nodePool = createNodePool({ size: 1 });
  beforeAll(async () => {
    engine = await chromiumEngine(chromiumLaunchOptions());
  }, 60_000);
  afterAll(() => Promise.all([engine?.close(), nodePool.stop()]));

  it('passes every conformance test of both shared sets and ours', async () => {
    const rows = await runConformance(conformanceDirs(), [engine]);
    const report = formatReport(['chromium'], rows);
    expect(totals(rows).failed, report).toBe(0);
    expect(totals(rows).skipped, report).toBe(0);
  }, 60_000);

  it('prints the same clocks, random bytes and output files as Node, byte for byte', async () => {
    const task = spec({ seed: 'replica-check' });
    const [browser, node] = await Promise.all([engine.runTask(clocks, task), nodePool.run(clocks, task)]);
    expect(browser.status).toBe('ok');
    expect(new TextDecoder().decode(browser.stdout)).toMatch(/^realtime 1704067200\./);
    for (const key of ['stdout', 'stderr', 'files', 'exitCode', 'fuelUsed'] as const) expect(browser[key]).toEqual(node[key]);
  });

  it('counts the same fuel as Node, and runs out at the same point', async () => {
    const metered = await meteredLoop();
    const [browser, node] = await Promise.all([engine.runTask(metered, spec()), nodePool.run(metered, spec())]);
    expect(browser).toMatchObject({ status: 'ok', fuelUsed: 300_000 });
    expect(node.fuelUsed).toBe(browser.fuelUsed);
    const starved = await engine.runTask(metered, spec({ fuel: 1000 }));
    expect(starved).toMatchObject({ status: 'out_of_fuel', fuelUsed: 1000 });
  });

  it('caps imported memory in the browser too: malloc fails, the worker survives', async () => {
    const malloc: ModuleRef = {
      digest: 'sha256:conformance-malloc',
      bytes: new Uint8Array(readFileSync(new URL('../packages/runtime/conformance/programs/malloc.wasm', import.meta.url))),
    };
    const outcome = await engine.runTask(malloc, spec({ memoryLimitPages: 160 }));
    expect(outcome).toMatchObject({ status: 'ok', exitCode: 0 });
    expect(new TextDecoder().decode(outcome.stdout)).toMatch(/^allocated [5-9] MiB before malloc failed\n$/);
  });
});
