// `npm run bench`: prints a table per benchmark and writes bench/results/<name>-<timestamp>.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDistributed, distributedTables } from './distributed';
import { benchInvokeLatency } from './invoke-latency';
import { benchRuntime } from './runtime-speed';
import { benchSimulation } from './simulation';
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

// TABGRID_BENCH_ONLY=invoke-latency | worker-noop | runtime | simulation | distributed runs one section.
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

if (only === undefined || only === 'simulation') {
  console.log('\nScheduler simulation: the real scheduler, a simulated network with churn (seed 1; invariants checked as it runs)');
  const rows = benchSimulation();
  console.table(rows);
  save('simulation', rows);
}

if (only === undefined || only === 'distributed') {
  console.log('\nDistributed: Tabgrid (2 worker slots: one headless Node agent over WebRTC and over the relay, one Chromium tab) side by side with Dask (LocalCluster, 2 processes × 1 thread)');
  const started = performance.now();
  const report = await benchDistributed();
  const tables = distributedTables(report);
  console.log(`\n1. Sequential no-op round trip (ms; Tabgrid: POST /v1/invoke of noop.wasm; Dask: submit(noop).result()), after ${report.latencyWarmup} unmeasured calls on each side`);
  console.table(tables.latency);
  console.log('\n2. Throughput of a 20,000 no-op task job (Tabgrid: POST /v1/jobs until its event stream says done, client.waitForJob; Dask: map + gather)');
  console.table(tables.throughput);
  console.log(`\n3. Efficiency of 2,000 tasks of ~5 ms CPU = (tasks × single-task time / 2 workers) / wall (Tabgrid: ${report.cpuFunction} ${report.cpuN}; Dask: pure-Python loop)`);
  console.log('   single-task time: median of 31 sequential runs in a warm worker, the guest compute only (Tabgrid: durationMs of the task minus that of a no-op); in-job ms: the same, median over the tasks of the job; after one warm-up job, the median of 3 measured ones (each after its own single-task time; all listed under runs), on both systems');
  console.table(tables.efficiency);
  console.log('\nChurn: 4 headless agents × 1 slot on a long job of ~5 ms tasks; 2 agents stopped; tasks/s over 2 s windows');
  console.table(tables.churn);
  if (report.daskNote !== null) console.log(`  note: ${report.daskNote}`);
  if (report.profile !== null) {
    console.log(`\nWhere the time goes: a second 20k no-op job on a fresh node agent, profiled (${report.profile.tasksPerS} tasks/s under the profilers); top self time, idle excluded`);
    for (const p of report.profile.profiles) {
      console.log(`  ${p.process}: busy ${p.busyMs} ms — ${p.file}`);
      console.table(p.top);
    }
  }
  console.log(`  load average at start ${report.loadavg.start.join(' ')}, at end ${report.loadavg.end.join(' ')}; section took ${Math.round((performance.now() - started) / 1000)} s`);
  save('distributed', { tables, report });
}

// Every section has stopped what it started and saved its results. node-datachannel can keep the
// process alive after its last peer connection is closed (murat-dogan/node-datachannel#349; seen
// here once in a dozen runs, after the distributed section), so the run ends explicitly.
process.exit(0);
