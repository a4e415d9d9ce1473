// Warm no-op tasks through the runtime's worker pool: latency (instantiate + run + collect, one at
// a time) and throughput (a burst submitted at once to a 2-worker pool).
import fs from 'node:fs';
import path from 'node:path';
import type { ModuleRef, TaskSpec, WorkerPool } from '@tabgrid/runtime';
import { chromiumEngine } from '@tabgrid/runtime/conformance';
import { createNodePool } from '@tabgrid/runtime/node';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/fixtures/chromium';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Sequential rows carry latency percentiles (ms); burst rows the median throughput of a few bursts. */
export type NoopRow =
  | { engine: string; mode: 'sequential, 1 worker'; n: number; p50: number; p95: number; p99: number }
  | { engine: string; mode: 'burst, 2 workers'; n: number; tasksPerSecond: number };

const TASK: TaskSpec = { programName: 'noop', args: [], env: {}, stdin: new Uint8Array(), files: {}, timeoutMs: 5_000 };
const BURST_ROUNDS = 5;

function row(engine: string, samples: number[]): NoopRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 1000) / 1000;
  return { engine, mode: 'sequential, 1 worker', n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

function throughputRow(engine: string, tasks: number, burstsMs: number[]): NoopRow {
  const sorted = [...burstsMs].sort((a, b) => a - b);
  const medianMs = sorted[Math.floor(sorted.length / 2)]!;
  return { engine, mode: 'burst, 2 workers', n: tasks, tasksPerSecond: Math.round((tasks / medianMs) * 1000) };
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

async function timeNodeBurst(pool: WorkerPool, module: ModuleRef, n: number): Promise<number> {
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: n }, () => pool.run(module, TASK)));
  const elapsed = performance.now() - started;
  if (outcomes.some((outcome) => outcome.status !== 'ok')) throw new Error('noop burst failed');
  return elapsed;
}

async function repeat(rounds: number, once: () => Promise<number>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await once());
  return samples;
}

export async function benchWorkerNoop(n = 500, burst = 2_000): Promise<NoopRow[]> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'public/functions/noop.wasm')));
  const module: ModuleRef = { digest: 'sha256:noop-bench', bytes };
  const pool = createNodePool({ size: 1 });
  const pair = createNodePool({ size: 2 });
  const chromium = await chromiumEngine({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    await timeNodePool(pool, module, 50);
    const node = await timeNodePool(pool, module, n);
    await chromium.timeTask(module, TASK, 50);
    const browser = await chromium.timeTask(module, TASK, n);

    await timeNodeBurst(pair, module, burst);
    const nodeBursts = await repeat(BURST_ROUNDS, () => timeNodeBurst(pair, module, burst));
    await chromium.timeBurst(module, TASK, burst);
    const browserBursts = await repeat(BURST_ROUNDS, () => chromium.timeBurst(module, TASK, burst));
    return [
      row('node worker_threads', node),
      row('chromium web worker', browser),
      throughputRow('node worker_threads', burst, nodeBursts),
      throughputRow('chromium web worker', burst, browserBursts),
    ];
  } finally {
    await Promise.all([pool.stop(), pair.stop()]);
    await chromium.close();
  }
}
