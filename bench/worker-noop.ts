// Warm no-op tasks through the runtime's worker pool: latency (instantiate + run + collect, one at
// a time), the pool's own share of a task that finds the pool idle (as an agent's invokes do), and
// throughput (a burst submitted at once to a 2-worker pool), and how busy a 2-worker pool keeps its
// workers on a burst of ~5 ms tasks.
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { ModuleRef, TaskSpec, WorkerPool } from '@tabgrid/runtime';
import { chromiumEngine } from '@tabgrid/runtime/conformance';
import { createNodePool } from '@tabgrid/runtime/node';
import { chromiumLaunchOptions } from '../e2e/fixtures/chromium';

const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * Sequential rows carry latency percentiles (ms); idle rows the pool's overhead (wall time minus the
 * task's in-worker durationMs) of runs that each wait IDLE_GAP_MS first, next to a bare echo
 * worker's round trip under the same conditions; burst rows the median throughput of a few bursts.
 */
export type NoopRow =
  | { engine: string; mode: 'sequential, 1 worker'; n: number; p50: number; p95: number; p99: number }
  | { engine: string; mode: 'idle, pool overhead'; n: number; p50: number; p95: number; p99: number; inWorkerP50: number }
  | { engine: string; mode: 'idle, bare echo worker'; n: number; p50: number; p95: number; p99: number }
  | { engine: string; mode: 'burst, 2 workers'; n: number; tasksPerSecond: number }
  | { engine: string; mode: '5 ms tasks, 2 workers: utilization'; n: number; utilizationPercent: number };

const TASK: TaskSpec = { programName: 'noop', args: [], env: {}, stdin: new Uint8Array(), files: {}, timeoutMs: 5_000 };
/** burn.wasm's loop count for about 5 ms of guest time; burn touches no memory. */
const BURN_TASK: TaskSpec = { programName: 'burn', args: ['2000000'], env: {}, stdin: new Uint8Array(), files: {}, timeoutMs: 10_000 };
const BURST_ROUNDS = 5;
const UTILIZATION_ROUNDS = 3;
/** About what an agent's pool idles between sequential invokes. */
const IDLE_GAP_MS = 2;

function percentiles(samples: number[]): { n: number; p50: number; p95: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 1000) / 1000;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

function row(engine: string, samples: number[]): NoopRow {
  return { engine, mode: 'sequential, 1 worker', ...percentiles(samples) };
}

function idleRow(engine: string, runs: Array<[number, number]>): NoopRow {
  const inWorker = percentiles(runs.map(([, durationMs]) => durationMs));
  return { engine, mode: 'idle, pool overhead', ...percentiles(runs.map(([wall, durationMs]) => wall - durationMs)), inWorkerP50: inWorker.p50 };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function timeNodeIdle(pool: WorkerPool, module: ModuleRef, n: number): Promise<Array<[number, number]>> {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    await sleep(IDLE_GAP_MS);
    const started = performance.now();
    const outcome = await pool.run(module, TASK);
    runs.push([performance.now() - started, outcome.durationMs]);
    if (outcome.status !== 'ok') throw new Error(`noop failed: ${outcome.status}`);
  }
  return runs;
}

/** The floor under the pool: a worker thread that echoes a run-sized message back over a MessagePort. */
async function timeNodePingPong(n: number): Promise<number[]> {
  const echo = new Worker(
    `require('node:worker_threads').parentPort.once('message', (port) => port.on('message', (message) => port.postMessage(message)));`,
    { eval: true },
  );
  const { port1, port2 } = new MessageChannel();
  echo.postMessage(port2, [port2]);
  const message = { type: 'run', batch: 1, digest: 'sha256:noop-bench', bytes: null, tasks: [{ seq: 1, task: TASK }] };
  const samples: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      await sleep(IDLE_GAP_MS);
      const started = performance.now();
      await new Promise((resolve) => {
        port1.once('message', resolve);
        port1.postMessage(message);
      });
      samples.push(performance.now() - started);
    }
  } finally {
    port1.close();
    await echo.terminate();
  }
  return samples;
}

function throughputRow(engine: string, tasks: number, bursts: Array<{ wallMs: number }>): NoopRow {
  const sorted = bursts.map(({ wallMs }) => wallMs).sort((a, b) => a - b);
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

async function timeNodeBurst(pool: WorkerPool, module: ModuleRef, n: number, task = TASK): Promise<{ wallMs: number; durationMs: number }> {
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: n }, () => pool.run(module, task)));
  const wallMs = performance.now() - started;
  if (outcomes.some((outcome) => outcome.status !== 'ok')) throw new Error(`${task.programName} burst failed`);
  return { wallMs, durationMs: outcomes.reduce((sum, outcome) => sum + outcome.durationMs, 0) };
}

/** Guest time over worker time: the sum of durationMs over 2 × wall, median of the rounds. */
function utilizationRow(engine: string, tasks: number, bursts: Array<{ wallMs: number; durationMs: number }>): NoopRow {
  const ratios = bursts.map(({ wallMs, durationMs }) => durationMs / (2 * wallMs)).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  return { engine, mode: '5 ms tasks, 2 workers: utilization', n: tasks, utilizationPercent: Math.round(median * 1000) / 10 };
}

async function repeat<T>(rounds: number, once: () => Promise<T>): Promise<T[]> {
  const samples: T[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await once());
  return samples;
}

export async function benchWorkerNoop(n = 500, burst = 2_000, burnBurst = 1_000): Promise<NoopRow[]> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(ROOT, 'public/functions/noop.wasm')));
  const module: ModuleRef = { digest: 'sha256:noop-bench', bytes };
  const burn: ModuleRef = { digest: 'sha256:burn-bench', bytes: new Uint8Array(fs.readFileSync(path.join(ROOT, 'public/functions/burn.wasm'))) };
  const pool = createNodePool({ size: 1 });
  const pair = createNodePool({ size: 2 });
  const chromium = await chromiumEngine(chromiumLaunchOptions());
  try {
    await timeNodePool(pool, module, 50);
    const node = await timeNodePool(pool, module, n);
    await chromium.timeTask(module, TASK, 50);
    const browser = await chromium.timeTask(module, TASK, n);
    const nodeIdle = await timeNodeIdle(pool, module, n);
    const nodeFloor = await timeNodePingPong(n);
    const browserIdle = await chromium.timeIdle(module, TASK, n, IDLE_GAP_MS);
    const browserFloor = await chromium.pingPong(n, IDLE_GAP_MS);

    await timeNodeBurst(pair, module, burst);
    const nodeBursts = await repeat(BURST_ROUNDS, () => timeNodeBurst(pair, module, burst));
    await chromium.timeBurst(module, TASK, burst);
    const browserBursts = await repeat(BURST_ROUNDS, () => chromium.timeBurst(module, TASK, burst));

    await timeNodeBurst(pair, burn, 20, BURN_TASK);
    const nodeBurns = await repeat(UTILIZATION_ROUNDS, () => timeNodeBurst(pair, burn, burnBurst, BURN_TASK));
    await chromium.timeBurst(burn, BURN_TASK, 20);
    const browserBurns = await repeat(UTILIZATION_ROUNDS, () => chromium.timeBurst(burn, BURN_TASK, burnBurst));
    return [
      row('node worker_threads', node),
      row('chromium web worker', browser),
      idleRow('node worker_threads', nodeIdle),
      { engine: 'node worker_threads', mode: 'idle, bare echo worker', ...percentiles(nodeFloor) },
      idleRow('chromium web worker', browserIdle),
      { engine: 'chromium web worker', mode: 'idle, bare echo worker', ...percentiles(browserFloor) },
      throughputRow('node worker_threads', burst, nodeBursts),
      throughputRow('chromium web worker', burst, browserBursts),
      utilizationRow('node worker_threads', burnBurst, nodeBurns),
      utilizationRow('chromium web worker', burnBurst, browserBurns),
    ];
  } finally {
    await Promise.all([pool.stop(), pair.stop()]);
    await chromium.close();
  }
}
