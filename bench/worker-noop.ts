// Warm no-op task latency through the runtime's worker pool: instantiate + run + collect, one worker.
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleRef, TaskSpec, WorkerPool } from '@tabgrid/runtime';
import { chromiumEngine } from '@tabgrid/runtime/conformance';
import { createNodePool } from '@tabgrid/runtime/node';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/fixtures/chromium';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface NoopRow {
  engine: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
}

const TASK: TaskSpec = { programName: 'noop', args: [], env: {}, stdin: new Uint8Array(), files: {}, timeoutMs: 5_000 };

function row(engine: string, samples: number[]): NoopRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 1000) / 1000;
  return { engine, n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function timeNodePool(pool: WorkerPool, module: ModuleRef, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const outcome = await pool.run(module, TASK);
    samples.push(performance.now() - started);
    if (outcome.status !== 'ok') throw new Error(`noop failed: ${outcome.status}`);
  }
  return samples;
}

export async function benchWorkerNoop(n = 500): Promise<NoopRow[]> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'public/functions/noop.wasm')));
  const module: ModuleRef = { digest: 'sha256:noop-bench', bytes };
  const pool = createNodePool({ size: 1 });
  const chromium = await chromiumEngine({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    await timeNodePool(pool, module, 50);
    const node = await timeNodePool(pool, module, n);
    await chromium.timeTask(module, TASK, 50);
    const browser = await chromium.timeTask(module, TASK, n);
    return [row('node worker_threads', node), row('chromium web worker', browser)];
  } finally {
    await pool.stop();
    await chromium.close();
  }
}
