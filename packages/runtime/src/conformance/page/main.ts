// The browser side of the conformance runner: the real browser pool, driven through page.evaluate.
import { createBrowserPool } from '../../browser-pool';
import type { ModuleRef, TaskSpec } from '../../types';
import { fromJson, toJson } from '../wire';

const pool = createBrowserPool({ size: 2 });

declare global {
  interface Window {
    /** Takes and returns `toJson` text: `{ module, task }` in, a TaskOutcome out. */
    tabgridRun(request: string): Promise<string>;
    /** Runs the same task `times` times back to back; returns each run's wall time in ms (benchmarks). */
    tabgridTime(request: string, times: number): Promise<number[]>;
    /** Submits the task `times` times at once; returns the wall time until all are done and the sum of their durationMs (benchmarks). */
    tabgridBurst(request: string, times: number): Promise<{ wallMs: number; durationMs: number }>;
    /** Like tabgridTime with `gapMs` of idleness before each run; returns [wall ms, durationMs] per run (benchmarks). */
    tabgridIdle(request: string, times: number, gapMs: number): Promise<Array<[number, number]>>;
    /** Round trips of a small message to a bare worker that echoes it, `gapMs` apart: the floor under tabgridIdle (benchmarks). */
    tabgridPingPong(times: number, gapMs: number): Promise<number[]>;
  }
}

window.tabgridRun = async (request) => {
  const { module, task } = fromJson<{ module: ModuleRef; task: TaskSpec }>(request);
  return toJson(await pool.run(module, task));
};
window.tabgridTime = async (request, times) => {
  const { module, task } = fromJson<{ module: ModuleRef; task: TaskSpec }>(request);
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const outcome = await pool.run(module, task);
    samples.push(performance.now() - started);
    if (outcome.status !== 'ok') throw new Error(`bench task failed: ${outcome.status}`);
  }
  return samples;
};
window.tabgridBurst = async (request, times) => {
  const { module, task } = fromJson<{ module: ModuleRef; task: TaskSpec }>(request);
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: times }, () => pool.run(module, task)));
  const wallMs = performance.now() - started;
  const failed = outcomes.find((outcome) => outcome.status !== 'ok');
  if (failed !== undefined) throw new Error(`bench task failed: ${failed.status}: ${new TextDecoder().decode(failed.stderr)}`);
  return { wallMs, durationMs: outcomes.reduce((sum, outcome) => sum + outcome.durationMs, 0) };
};
window.tabgridIdle = async (request, times, gapMs) => {
  const { module, task } = fromJson<{ module: ModuleRef; task: TaskSpec }>(request);
  const samples: Array<[number, number]> = [];
  for (let i = 0; i < times; i++) {
    await sleep(gapMs);
    const started = performance.now();
    const outcome = await pool.run(module, task);
    samples.push([performance.now() - started, outcome.durationMs]);
    if (outcome.status !== 'ok') throw new Error(`bench task failed: ${outcome.status}`);
  }
  return samples;
};
window.tabgridPingPong = async (times, gapMs) => {
  const echo = new Worker(URL.createObjectURL(new Blob(['onmessage = (event) => postMessage(event.data);'], { type: 'text/javascript' })));
  const message = { type: 'run', tasks: [{ seq: 1, task: { programName: 'noop', args: [], env: {}, stdin: new Uint8Array() } }] };
  const samples: number[] = [];
  try {
    for (let i = 0; i < times; i++) {
      await sleep(gapMs);
      const started = performance.now();
      await new Promise((resolve) => {
        echo.onmessage = resolve;
        echo.postMessage(message);
      });
      samples.push(performance.now() - started);
    }
  } finally {
    echo.terminate();
  }
  return samples;
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
document.title = 'ready';
