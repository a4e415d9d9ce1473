// Distributed section of `npm run bench`: Tabgrid side by side with Dask on this machine.
//
// Figures (issue 4), each for Tabgrid with 2 worker slots as (a) one headless Node agent process
// (startNodeAgent, slots 2) and (b) one Chromium tab at /contribute?autostart=1
// (navigator.hardwareConcurrency workers), and for Dask (LocalCluster, 2 worker processes of one
// thread, bench/dask_bench.py):
//   1. sequential no-op round trip p50/p95/p99: POST /v1/invoke of noop.wasm | submit(noop).result(),
//      500 samples after 2,000 unmeasured calls (WARMUP);
//   2. throughput of a 20,000 no-op task job: POST /v1/jobs → its event stream says done (waitForJob) | map + gather;
//   3. efficiency of 2,000 tasks of ~5 ms CPU: (n × single-task time / 2 workers) / wall time, the
//      single-task time being the median compute time of that task run alone in a warm worker
//      (Tabgrid: durationMs of burn.wasm — arithmetic that touches no memory, like Dask's Python
//      loop; TABGRID_BENCH_DIST_CPU_FUNCTION=primes runs the memory-bound sieve instead — N
//      calibrated once, minus a no-op's durationMs;
//      Dask: the run time of a calibrated pure-Python loop). Both systems run the job once to warm
//      the path (JIT, heap sizes, caches), then 3 times, each after its own single-task time; the
//      figure is the median run.
// Plus, for comparison, the same headless agent over the WebSocket relay instead of WebRTC
// (tabgrid-node --relay): what the orchestration costs apart from the data channel's stack.
// Plus a churn figure: 4 headless agents of 1 slot on a long job of ~5 ms tasks, 2 stopped
// mid-job; throughput over 2 s windows before and after (timestamps of job progress events), and lost tasks.
//
// The orchestrator runs in this process (as Dask's scheduler runs in its client's process); agents
// and Chromium are their own processes. Everything talks over 127.0.0.1 / the bench namespace.
// TABGRID_BENCH_PROFILE=1 adds a second, profiled 20k run (a fresh node agent under --cpu-prof,
// the orchestrator through the inspector) and prints the top self-time functions of each thread;
// the .cpuprofile files land in $TMPDIR/tabgrid-distributed-profile-<time>/.
import { chromium } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { TabgridClient } from '@tabgrid/client';
import type { JobInfo } from '@tabgrid/protocol';
import { loadConfig } from '../apps/server/src/config';
import { startServer, type RunningServer } from '../apps/server/src/server';
import { chromiumLaunchOptions } from '../e2e/fixtures/chromium';

const ROOT = path.resolve(import.meta.dirname, '..');
const API_KEY = 'bench-key';
const AGENT_SCRIPT = path.join(import.meta.dirname, 'distributed-agent.ts');
const DASK_SCRIPT = path.join(import.meta.dirname, 'dask_bench.py');

const SAMPLES = Number(process.env.TABGRID_BENCH_DIST_SAMPLES ?? 500);
/**
 * Calls before the latency samples, on both sides. A running orchestrator has served many: over the
 * first ~2,000 invokes the CPU per call of its thread and of the agent's halves, then holds.
 */
const WARMUP = Number(process.env.TABGRID_BENCH_DIST_WARMUP ?? 2_000);
const NOOP_TASKS = Number(process.env.TABGRID_BENCH_DIST_NOOP_TASKS ?? 20_000);
const CPU_TASKS = Number(process.env.TABGRID_BENCH_DIST_CPU_TASKS ?? 2_000);
const TARGET_MS = 5;
/** The ~5 ms task of the efficiency and churn figures: `burn N` (default) or `primes N`. */
const CPU_FUNCTION = process.env.TABGRID_BENCH_DIST_CPU_FUNCTION ?? 'burn';
const WINDOW_MS = 2_000;
/** Measured efficiency jobs per system, after one warm-up; identical runs differ by several points here. */
const EFFICIENCY_RUNS = Number(process.env.TABGRID_BENCH_DIST_EFFICIENCY_RUNS ?? 3);
/** TABGRID_BENCH_DIST_SYSTEMS=agent,relay,tab,churn,dask (the default: all) runs a subset while tuning. */
const SYSTEMS = new Set((process.env.TABGRID_BENCH_DIST_SYSTEMS ?? 'agent,relay,tab,churn,dask').split(',').map((s) => s.trim()));

const now = () => performance.now();
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface LatencyFigure {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Tabgrid: median run time of the no-op inside the worker (instantiate + WASI setup + run). */
  inWorkerMs?: number;
}
export interface ThroughputFigure {
  tasks: number;
  wallS: number;
  tasksPerS: number;
}
export interface EfficiencyFigure {
  tasks: number;
  /** burn or primes N (Tabgrid) or loop count (Dask) giving ~5 ms. */
  size: number;
  singleMs: number;
  /** Median in-worker run time of the task during the job (contention shows here, gaps between tasks do not). */
  inJobMs: number;
  idealS: number;
  wallS: number;
  efficiency: number;
  /** Every measured run's efficiency, in order; the figure is the median run. */
  runs: number[];
}
export interface SystemFigures {
  system: string;
  transport?: string;
  latency: LatencyFigure;
  throughput: ThroughputFigure;
  efficiency: EfficiencyFigure;
}
export interface ChurnFigure {
  agents: number;
  stopped: number;
  tasks: number;
  cpuN: number;
  /** tasks/s over the 2 s before the stop. */
  beforePerS: number;
  /** tasks/s over [stop + 3 s, stop + 5 s]. */
  afterPerS: number;
  /** survivors' share of the capacity on this machine: min(survivors, cores) / min(agents, cores). */
  survivorsShare: number;
  /** afterPerS / (beforePerS × survivorsShare). Target ≥ 0.9. */
  ofSurvivorsCapacity: number;
  /** End of the first 2 s window starting after the stop that reaches 90 % of the survivors' capacity (s after the stop). */
  recoveredAfterS: number | null;
  /** tasks/s over [stop, stop + 1 s]: the dip. */
  dipPerS: number;
  lost: number;
  wrong: number;
  wallS: number;
}
export interface DistributedReport {
  tabgrid: SystemFigures[];
  dask: SystemFigures | null;
  daskNote: string | null;
  /** Null when skipped with TABGRID_BENCH_DIST_SYSTEMS. */
  churn: ChurnFigure | null;
  cpuN: number;
  cpuFunction: string;
  /** Unmeasured calls before the latency samples, on both sides. */
  latencyWarmup: number;
  /** With TABGRID_BENCH_PROFILE=1: a second, profiled 20k no-op job on a node agent. */
  profile: { wallS: number; tasksPerS: number; profiles: ProfileSummary[] } | null;
  loadavg: { start: number[]; end: number[] };
}

// ---------------------------------------------------------------- agents (child processes)

interface AgentProc {
  nodeId: string;
  transport: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function startAgent(serverUrl: string, slots: number, options: { execArgv?: string[]; relay?: boolean } = {}): Promise<AgentProc> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-bench-agent-'));
  const args = [...(options.execArgv ?? []), '--import', 'tsx', AGENT_SCRIPT, serverUrl, dataDir, String(slots), ...(options.relay ? ['relay'] : [])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('agent did not connect within 30 s'));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${code} before connecting`));
    });
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const { nodeId, transport } = JSON.parse(line) as { nodeId: string; transport: string };
      resolve({ nodeId, transport, child, stop });
    });
  });
}

async function waitForNodes(client: TabgridClient, ids: string[], cores?: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const nodes = await client.listNodes();
    const ready = ids.every((id) => nodes.some((n) => n.id === id && n.state !== 'offline' && n.state !== 'connecting' && (cores === undefined || n.cores === cores)));
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`nodes ${ids.join(', ')} not ready: ${JSON.stringify(nodes)}`);
    await pause(100);
  }
}

// ---------------------------------------------------------------- the three figures

async function measureLatency(client: TabgridClient, n: number): Promise<LatencyFigure> {
  const samples: number[] = [];
  const inWorker: number[] = [];
  for (let i = 0; i < WARMUP + n; i++) {
    const started = now();
    const result = await client.invoke({ function: 'noop' });
    const elapsed = now() - started;
    if (result.status !== 'ok') throw new Error(`noop returned ${result.status}: ${result.stderr}`);
    if (i >= WARMUP) {
      samples.push(elapsed);
      inWorker.push(result.durationMs);
    }
  }
  samples.sort((a, b) => a - b);
  return {
    n,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    mean: round(samples.reduce((a, b) => a + b, 0) / n),
    inWorkerMs: round(median(inWorker), 3),
  };
}

interface JobRun {
  id: string;
  wallMs: number;
  info: JobInfo;
  /** [ms since the job was posted, tasks done] per progress event. */
  polls: Array<[number, number]>;
}

/**
 * Posts a job and waits for it on its event stream, as an SDK user would (Dask's gather is pushed
 * too): the wall time runs from before the POST to the event that says it finished. Progress
 * events (a few per second) give the throughput curve.
 */
async function runJob(client: TabgridClient, fn: string, tasks: Array<{ args?: string[] }>, onProgress?: (elapsedMs: number, done: number) => void): Promise<JobRun> {
  const started = now();
  const { id } = await client.createJob({ function: fn, tasks });
  const polls: Array<[number, number]> = [[now() - started, 0]];
  const info = await client.waitForJob(id, {
    onProgress: (job) => {
      const at = now() - started;
      polls.push([at, job.done + job.failed]);
      onProgress?.(at, job.done + job.failed);
    },
  });
  return { id, wallMs: polls.at(-1)![0], info, polls };
}

/** Every task has exactly one result, with status ok (and the expected stdout when given). */
async function checkResults(client: TabgridClient, id: string, total: number, stdout?: string): Promise<{ lost: number; wrong: number; medianMs: number }> {
  const results = await client.jobResults(id);
  const seen = new Set<number>();
  let wrong = 0;
  for (const r of results) {
    if (seen.has(r.index)) wrong++;
    seen.add(r.index);
    if (r.status !== 'ok' || (stdout !== undefined && r.stdout !== stdout)) wrong++;
  }
  let lost = 0;
  for (let i = 0; i < total; i++) if (!seen.has(i)) lost++;
  return { lost, wrong, medianMs: results.length === 0 ? 0 : median(results.map((r) => r.durationMs)) };
}

async function measureThroughput(client: TabgridClient, tasks: number): Promise<ThroughputFigure> {
  const run = await runJob(client, 'noop', Array.from({ length: tasks }, () => ({})));
  const { lost, wrong } = await checkResults(client, run.id, tasks);
  if (lost + wrong > 0) throw new Error(`20k no-op job: ${lost} lost, ${wrong} wrong`);
  return { tasks, wallS: round(run.wallMs / 1000, 3), tasksPerS: round(tasks / (run.wallMs / 1000), 1) };
}

/** Median in-worker run time (durationMs) of the CPU task of size N run alone, one invoke at a time. */
async function singleTaskMs(client: TabgridClient, n: number, reps: number): Promise<{ ms: number; stdout: string }> {
  const times: number[] = [];
  let stdout = '';
  for (let i = 0; i < reps; i++) {
    const r = await client.invoke({ function: CPU_FUNCTION, args: [String(n)] });
    if (r.status !== 'ok') throw new Error(`${CPU_FUNCTION} ${n}: ${r.status} ${r.stderr}`);
    times.push(r.durationMs);
    stdout = r.stdout;
  }
  return { ms: median(times), stdout };
}

/** The N whose run takes ~TARGET_MS in a warm worker. */
async function calibrateCpuTask(client: TabgridClient): Promise<number> {
  let n = 1_000_000;
  await singleTaskMs(client, n, 5);
  for (let i = 0; i < 5; i++) {
    const { ms } = await singleTaskMs(client, n, 9);
    const next = Math.round((n * TARGET_MS) / ms / 1000) * 1000;
    if (Math.abs(next - n) / n < 0.03) break;
    n = Math.min(CPU_FUNCTION === 'primes' ? 200_000_000 : 4_000_000_000, Math.max(1000, next));
  }
  return n;
}

/**
 * The single-task time is the guest's compute: the task's in-worker run time minus a no-op's
 * (instantiate + WASI setup), as Dask's is the Python function's own run time. Per-task overhead
 * thus counts against efficiency on both sides.
 */
async function measureEfficiency(client: TabgridClient, cpuN: number, tasks: number, workers: number, noopInWorkerMs: number): Promise<EfficiencyFigure> {
  const job = () => runJob(client, CPU_FUNCTION, Array.from({ length: tasks }, () => ({ args: [String(cpuN)] })));
  // A first job of the same tasks warms the whole path (JIT, heap sizes); it is not counted.
  await job();
  const runs: EfficiencyFigure[] = [];
  for (let i = 0; i < EFFICIENCY_RUNS; i++) {
    const measured = await singleTaskMs(client, cpuN, 31);
    const single = { ...measured, ms: measured.ms - noopInWorkerMs };
    const run = await job();
    const { lost, wrong, medianMs } = await checkResults(client, run.id, tasks, single.stdout);
    if (lost + wrong > 0) throw new Error(`cpu job: ${lost} lost, ${wrong} wrong`);
    const idealS = (tasks * single.ms) / 1000 / workers;
    const wallS = run.wallMs / 1000;
    runs.push({ tasks, size: cpuN, singleMs: round(single.ms, 3), inJobMs: round(medianMs - noopInWorkerMs, 3), idealS: round(idealS, 3), wallS: round(wallS, 3), efficiency: round(idealS / wallS, 3), runs: [] });
  }
  return medianRun(runs);
}

/** The run of median efficiency, listing every run's. */
function medianRun(runs: EfficiencyFigure[]): EfficiencyFigure {
  const sorted = [...runs].sort((a, b) => a.efficiency - b.efficiency);
  return { ...sorted[Math.floor(sorted.length / 2)]!, runs: runs.map((r) => r.efficiency) };
}

async function measureSystem(system: string, transport: string, client: TabgridClient, cpuN: number): Promise<SystemFigures> {
  console.log(`  ${system}: latency…`);
  const latency = await measureLatency(client, SAMPLES);
  console.log(`  ${system}: throughput (${NOOP_TASKS} no-ops)…`);
  const throughput = await measureThroughput(client, NOOP_TASKS);
  console.log(`  ${system}: efficiency (${CPU_TASKS} × ${CPU_FUNCTION} ${cpuN})…`);
  const efficiency = await measureEfficiency(client, cpuN, CPU_TASKS, 2, latency.inWorkerMs ?? 0);
  return { system, transport, latency, throughput, efficiency };
}

// ---------------------------------------------------------------- churn

/** Tasks done at `t` ms, linearly interpolated between progress events. */
function doneAt(polls: Array<[number, number]>, t: number): number {
  if (t <= polls[0]![0]) return polls[0]![1];
  for (let i = 1; i < polls.length; i++) {
    const [t1, d1] = polls[i]!;
    if (t1 >= t) {
      const [t0, d0] = polls[i - 1]!;
      return t1 === t0 ? d1 : d0 + ((d1 - d0) * (t - t0)) / (t1 - t0);
    }
  }
  return polls.at(-1)![1];
}

const rate = (polls: Array<[number, number]>, from: number, to: number) => ((doneAt(polls, to) - doneAt(polls, from)) * 1000) / (to - from);

async function measureChurn(serverUrl: string, client: TabgridClient, cpuN: number, expectedStdout: string, estPerS: number): Promise<ChurnFigure> {
  const agents = await Promise.all([0, 1, 2, 3].map(() => startAgent(serverUrl, 1)));
  try {
    await waitForNodes(client, agents.map((a) => a.nodeId), 1);
    // Warm every agent: module fetched, compiled and cached, worker started.
    await runJob(client, CPU_FUNCTION, Array.from({ length: 40 }, () => ({ args: [String(cpuN)] })));
    // Long enough for ~3 s of ramp-up, the 2 s window before, 5 s after, and a margin.
    const tasks = Math.max(2_000, Math.round(estPerS * 16));
    // Stop 2 agents once the job has run 3 s of ramp-up plus the 2 s "before" window. The stop
    // time is a progress event's timestamp (ms since the POST); the signals go out right after it.
    let stopAt: number | null = null;
    let stopping: Promise<void> = Promise.resolve();
    const run = await runJob(
      client,
      CPU_FUNCTION,
      Array.from({ length: tasks }, () => ({ args: [String(cpuN)] })),
      (elapsed) => {
        if (stopAt === null && elapsed >= 3_000 + WINDOW_MS) {
          stopAt = elapsed;
          stopping = Promise.all([agents[2]!.stop(), agents[3]!.stop()]).then(() => undefined);
        }
      },
    );
    await stopping;
    if (stopAt === null) throw new Error('churn job finished before the stop');
    const stop: number = stopAt;
    const { lost, wrong } = await checkResults(client, run.id, tasks, expectedStdout);
    const cores = os.availableParallelism();
    const survivorsShare = Math.min(2, cores) / Math.min(4, cores);
    const beforePerS = rate(run.polls, stop - WINDOW_MS, stop);
    const afterPerS = rate(run.polls, stop + 3_000, stop + 5_000);
    const capacity = beforePerS * survivorsShare;
    let recoveredAfterS: number | null = null;
    for (let s = stop; s + WINDOW_MS <= run.wallMs; s += 100) {
      if (rate(run.polls, s, s + WINDOW_MS) >= 0.9 * capacity) {
        recoveredAfterS = round((s + WINDOW_MS - stop) / 1000, 1);
        break;
      }
    }
    if (run.wallMs < stop + 5_000) console.log('  note: the churn job ended less than 5 s after the stop; "after" is partial');
    return {
      agents: 4,
      stopped: 2,
      tasks,
      cpuN,
      beforePerS: round(beforePerS, 1),
      afterPerS: round(afterPerS, 1),
      survivorsShare: round(survivorsShare, 2),
      ofSurvivorsCapacity: round(afterPerS / capacity, 3),
      recoveredAfterS,
      dipPerS: round(rate(run.polls, stop, stop + 1_000), 1),
      lost,
      wrong,
      wallS: round(run.wallMs / 1000, 2),
    };
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

// ---------------------------------------------------------------- Dask

/** The first Python that imports distributed (scripts/bench.mjs installs python3-distributed). */
function findDaskPython(): string | null {
  const candidates = [process.env.TABGRID_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import distributed'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

async function runDask(python: string): Promise<SystemFigures> {
  const args = [DASK_SCRIPT, '--samples', String(SAMPLES), '--warmup', String(WARMUP), '--noop-tasks', String(NOOP_TASKS), '--cpu-tasks', String(CPU_TASKS), '--target-ms', String(TARGET_MS), '--efficiency-runs', String(EFFICIENCY_RUNS)];
  const child = spawn(python, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(killer);
  if (code !== 0) throw new Error(`dask_bench.py exited ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    versions: Record<string, string>;
    latency: LatencyFigure;
    throughput: ThroughputFigure;
    efficiency: { tasks: number; loopN: number; singleMs: number; inJobMs: number; idealS: number; wallS: number; efficiency: number; runs: number[] };
  };
  const e = out.efficiency;
  return {
    system: `Dask ${out.versions.distributed} (2 procs × 1 thread)`,
    transport: 'tcp',
    latency: { n: out.latency.n, p50: round(out.latency.p50), p95: round(out.latency.p95), p99: round(out.latency.p99), mean: round(out.latency.mean) },
    throughput: { tasks: out.throughput.tasks, wallS: round(out.throughput.wallS, 3), tasksPerS: round(out.throughput.tasksPerS, 1) },
    efficiency: { tasks: e.tasks, size: e.loopN, singleMs: round(e.singleMs, 3), inJobMs: round(e.inJobMs, 3), idealS: round(e.idealS, 3), wallS: round(e.wallS, 3), efficiency: round(e.efficiency, 3), runs: e.runs.map((x) => round(x, 3)) },
  };
}

// ---------------------------------------------------------------- profiles

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples?: number[];
  timeDeltas?: number[];
}
export interface ProfileSummary {
  process: string;
  file: string;
  busyMs: number;
  top: Array<{ function: string; file: string; selfMs: number; ofBusy: string }>;
}

/** Self time per function (idle excluded), as a share of the thread's busy time. */
function summarize(processName: string, file: string, profile: CpuProfile, topN = 10): ProfileSummary {
  const byNode = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) byNode.set(samples[i]!, (byNode.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const byFunction = new Map<string, { function: string; file: string; selfUs: number }>();
  let busyUs = 0;
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') continue;
    busyUs += us;
    // tsx puts a module's code on few lines: the file says more than the line.
    const where = url ? path.relative(ROOT, url.replace(/^file:\/\//, '').replace(/\?.*$/, '')) : '(native)';
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { function: functionName || '(anonymous)', file: where, selfUs: 0 };
    entry.selfUs += us;
    byFunction.set(key, entry);
  }
  const top = [...byFunction.values()]
    .sort((x, y) => y.selfUs - x.selfUs)
    .slice(0, topN)
    .map((e) => ({ function: e.function, file: e.file, selfMs: round(e.selfUs / 1000, 1), ofBusy: `${round((100 * e.selfUs) / busyUs, 1)} %` }));
  return { process: processName, file, busyMs: round(busyUs / 1000, 1), top };
}

/**
 * A second 20k no-op job, profiled: the orchestrator (this process, via the inspector) and a
 * fresh 2-slot agent started with --cpu-prof (its main thread and its worker threads).
 */
async function profileThroughput(serverUrl: string, client: TabgridClient): Promise<{ wallS: number; tasksPerS: number; profiles: ProfileSummary[] }> {
  const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\..+/, '');
  // Kept out of the repository (a few MB); the summary goes into the saved JSON.
  const dir = path.join(os.tmpdir(), `tabgrid-distributed-profile-${stamp}`);
  fs.mkdirSync(dir, { recursive: true });
  const agent = await startAgent(serverUrl, 2, { execArgv: ['--cpu-prof', '--cpu-prof-dir', dir] });
  let figure: ThroughputFigure;
  const session = new Session();
  try {
    await waitForNodes(client, [agent.nodeId], 2);
    await runJob(client, 'noop', Array.from({ length: 200 }, () => ({}))); // warm
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    figure = await measureThroughput(client, NOOP_TASKS);
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(path.join(dir, 'orchestrator.cpuprofile'), JSON.stringify(profile));
  } finally {
    session.disconnect();
    await agent.stop(); // the agent writes its profiles as it exits
  }
  const profiles = [summarize('orchestrator (bench process, during the job)', path.join(dir, 'orchestrator.cpuprofile'), JSON.parse(fs.readFileSync(path.join(dir, 'orchestrator.cpuprofile'), 'utf8')) as CpuProfile)];
  const agentFiles = fs.readdirSync(dir).filter((f) => f.startsWith('CPU.') && f.endsWith('.cpuprofile')).sort();
  for (const f of agentFiles) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
    // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the agent's main thread.
    const thread = f.split('.').at(-3);
    const isPoolWorker = profile.nodes.some((n) => n.callFrame.functionName === 'executeModule');
    if (thread !== '0' && !isPoolWorker) continue; // module-loader hook threads (tsx): not the agent's work
    profiles.push(summarize(`agent ${thread === '0' ? 'main thread' : `pool worker (thread ${thread})`}, whole life`, path.join(dir, f), profile));
  }
  return { wallS: figure.wallS, tasksPerS: figure.tasksPerS, profiles };
}

// ---------------------------------------------------------------- the section

async function measureTab(serverUrl: string, client: TabgridClient, cpuN: number): Promise<SystemFigures> {
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${serverUrl}/contribute?autostart=1`);
    await page.getByTestId('volunteer-phase').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
    const transport = (await page.getByTestId('volunteer-transport').textContent())?.trim() ?? '?';
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const tabNode = (await client.listNodes()).find((n) => n.state !== 'offline' && n.userAgent?.includes('Chrom'));
    if (tabNode === undefined) throw new Error('the tab did not register');
    await waitForNodes(client, [tabNode.id]);
    return await measureSystem(`Tabgrid (Chromium tab, ${cores} workers)`, transport, client, cpuN);
  } finally {
    await browser.close();
  }
}

function nodeTuning(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('TABGRID_NODE_') && e[1] !== undefined));
}

export async function benchDistributed(): Promise<DistributedReport> {
  const loadStart = os.loadavg().map((x) => round(x));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-bench-dist-'));
  const webDir = process.env.TABGRID_BENCH_WEB_DIR ?? path.join(ROOT, 'apps/web/dist');
  let server: RunningServer | null = await startServer({
    // TABGRID_NODE_* (pipeline depth) pass through, for tuning.
    ...loadConfig({ ...nodeTuning(), PORT: '0', HOST: '127.0.0.1', TABGRID_DATA: dataDir, TABGRID_API_KEY: API_KEY }, ROOT),
    webDir,
  });
  const tabgrid: SystemFigures[] = [];
  let churn: ChurnFigure | null;
  let cpuN: number;
  let profile: DistributedReport['profile'] = null;
  try {
    const client = new TabgridClient({ baseUrl: server.url, apiKey: API_KEY });
    for (const name of ['noop', CPU_FUNCTION]) {
      await client.uploadFunction(name, '1', new Uint8Array(fs.readFileSync(path.join(ROOT, `public/functions/${name}.wasm`))));
    }

    // (a) one headless agent process with 2 slots; it also calibrates the ~5 ms task.
    const agent = await startAgent(server.url, 2);
    let expectedStdout: string;
    try {
      await waitForNodes(client, [agent.nodeId], 2);
      cpuN = await calibrateCpuTask(client);
      expectedStdout = (await singleTaskMs(client, cpuN, 1)).stdout;
      console.log(`  ${CPU_FUNCTION} N = ${cpuN} (~${TARGET_MS} ms in a warm Node worker)`);
      if (SYSTEMS.has('agent')) tabgrid.push(await measureSystem('Tabgrid (node agent, 2 slots)', agent.transport, client, cpuN));
      if (SYSTEMS.has('agent') && process.env.TABGRID_BENCH_PROFILE === '1') {
        console.log('  profiling the orchestrator during a second 20k no-op job…');
        await agent.stop();
        profile = await profileThroughput(server.url, client);
      }
    } finally {
      await agent.stop();
    }

    // (a') the same agent over the WebSocket relay, for comparison.
    if (SYSTEMS.has('relay')) {
      const relayed = await startAgent(server.url, 2, { relay: true });
      try {
        await waitForNodes(client, [relayed.nodeId], 2);
        tabgrid.push(await measureSystem('Tabgrid (node agent, 2 slots, relay)', relayed.transport, client, cpuN));
      } finally {
        await relayed.stop();
      }
    }

    // (b) one Chromium tab: its pool has navigator.hardwareConcurrency workers.
    if (SYSTEMS.has('tab')) tabgrid.push(await measureTab(server.url, client, cpuN));

    churn = null;
    if (SYSTEMS.has('churn')) {
      console.log('  churn: 4 agents × 1 slot, 2 stopped mid-job…');
      // Without the efficiency run, assume the cores are fully used by ~5 ms tasks.
      const estPerS = tabgrid[0] === undefined ? (Math.min(2, os.cpus().length) * 1000) / TARGET_MS : CPU_TASKS / tabgrid[0].efficiency.wallS;
      churn = await measureChurn(server.url, client, cpuN, expectedStdout, estPerS);
    }
  } finally {
    await server.stop();
    server = null;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  let dask: SystemFigures | null = null;
  let daskNote: string | null = null;
  const python = SYSTEMS.has('dask') ? findDaskPython() : null;
  if (!SYSTEMS.has('dask')) {
    daskNote = 'Dask skipped (TABGRID_BENCH_DIST_SYSTEMS)';
  } else if (python === null) {
    daskNote = 'Dask is not installed (python3 -c "import distributed" fails; scripts/bench.mjs installs python3-distributed with apt-get as root) — Tabgrid only';
  } else {
    console.log(`  Dask (${python})…`);
    try {
      dask = await runDask(python);
    } catch (error) {
      daskNote = `Dask run failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (daskNote !== null) console.log(`  note: ${daskNote}`);
  return { tabgrid, dask, daskNote, churn, cpuN, cpuFunction: CPU_FUNCTION, latencyWarmup: WARMUP, profile, loadavg: { start: loadStart, end: os.loadavg().map((x) => round(x)) } };
}

/** One table per figure: Tabgrid (node agent), Tabgrid (browser tab), Dask, and Tabgrid/Dask. */
export function distributedTables(report: DistributedReport): Record<string, Record<string, unknown>[]> {
  const churn = report.churn;
  const rows = [...report.tabgrid, ...(report.dask ? [report.dask] : [])];
  const dask = report.dask;
  const ratio = (a: number, b: number | undefined) => (b === undefined || b === 0 ? '–' : `${round(a / b, 2)}×`);
  return {
    latency: rows.map((r) => ({
      system: r.system,
      transport: r.transport,
      n: r.latency.n,
      'p50 ms': r.latency.p50,
      'p95 ms': r.latency.p95,
      'p99 ms': r.latency.p99,
      'mean ms': r.latency.mean,
      'in worker ms': r.latency.inWorkerMs ?? '–',
      'p50 vs Dask': ratio(r.latency.p50, dask?.latency.p50),
    })),
    throughput: rows.map((r) => ({
      system: r.system,
      tasks: r.throughput.tasks,
      'wall s': r.throughput.wallS,
      'tasks/s': r.throughput.tasksPerS,
      'vs Dask': ratio(r.throughput.tasksPerS, dask?.throughput.tasksPerS),
    })),
    efficiency: rows.map((r) => ({
      system: r.system,
      tasks: r.efficiency.tasks,
      'task size': r.efficiency.size,
      'single ms': r.efficiency.singleMs,
      'in-job ms': r.efficiency.inJobMs,
      'ideal s': r.efficiency.idealS,
      'wall s': r.efficiency.wallS,
      efficiency: `${round(r.efficiency.efficiency * 100, 1)} %`,
      runs: r.efficiency.runs.map((x) => `${round(x * 100, 1)}`).join(' / '),
      'vs Dask': ratio(r.efficiency.efficiency, dask?.efficiency.efficiency),
    })),
    churn: churn === null ? [] : [
      {
        system: 'Tabgrid (4 node agents × 1 slot, 2 stopped)',
        tasks: churn.tasks,
        'before /s': churn.beforePerS,
        'dip /s (first 1 s)': churn.dipPerS,
        'after /s (3–5 s)': churn.afterPerS,
        'survivors share': churn.survivorsShare,
        'of survivors capacity': `${round(churn.ofSurvivorsCapacity * 100, 1)} %`,
        '≥90 % after s': churn.recoveredAfterS ?? 'never',
        lost: churn.lost,
        wrong: churn.wrong,
      },
    ],
  };
}
