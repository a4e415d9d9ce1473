// `npm run bench`: prints a table per benchmark and writes bench/results/<name>-<timestamp>.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchInvokeLatency } from './invoke-latency';
import { benchRuntime } from './runtime-speed';
import { benchWorkerNoop } from './worker-noop';

const RESULTS = path.resolve(import.meta.dirname, 'results');

function save(name: string, rows: unknown): void {
  fs.mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\..+/, '');
  const file = path.join(RESULTS, `${name}-${stamp}.json`);
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, platform: process.platform };
  fs.writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), machine, rows }, null, 2)}\n`);
  console.log(`  → ${path.relative(process.cwd(), file)}`);
}

// TABGRID_BENCH_ONLY=invoke-latency | worker-noop | runtime runs one section.
const only = process.env.TABGRID_BENCH_ONLY;

if (only === undefined || only === 'invoke-latency') {
  const n = Number(process.env.TABGRID_BENCH_N ?? 200);
  console.log(`\nNo-op invoke round trip, POST /v1/invoke → one volunteer tab → result (ms, sequential, n=${n})`);
  const latency = await benchInvokeLatency(n);
  console.table(latency);
  save('invoke-latency', latency);
}

if (only === undefined || only === 'worker-noop') {
  console.log('\nWarm no-op task through the worker pool: instantiate + run + collect (ms, one worker, sequential)');
  const rows = await benchWorkerNoop();
  console.table(rows);
  save('worker-noop', rows);
}

if (only === undefined || only === 'runtime') {
  const runs = Number(process.env.TABGRID_BENCH_RUNS ?? 7);
  console.log(`\nCPU-bound wasm vs native gcc -O2: median of ${runs} interleaved runs after a warm-up (ms; metered = fuel counter injected)`);
  const { rows, notes } = await benchRuntime(runs);
  console.table(rows);
  for (const note of notes) console.log(`  note: ${note}`);
  save('runtime', rows);
}
