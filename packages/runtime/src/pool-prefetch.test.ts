// Prefetch: a busy worker running a known short module is sent its next task before it is done,
// and every task keeps its own deadline, cancellation and failure handling.
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_BUDGET_MS, PREFETCH_MAX_MS } from './batch-policy';
import { type FakeWorker, module, ok, settle, setup as setupPool, text } from './pool-fakes';
import { task } from './test-modules';
import type { TaskOutcome, TaskSpec, WorkerPool } from './types';

let pool: WorkerPool | undefined;
afterEach(() => pool?.stop());

/** Longer than a batch's budget, so each message carries one task, and short enough to prefetch. */
const TASK_MS = (BATCH_BUDGET_MS + PREFETCH_MAX_MS) / 2;

/** A pool of `size` fake workers, each having run one task of `module` taking TASK_MS. */
async function setupWarm(size = 1): Promise<ReturnType<typeof setupPool>> {
  const made = setupPool(size);
  pool = made.pool;
  const warm = Array.from({ length: size }, () => made.pool.run(module, task()));
  await settle();
  made.workers.forEach((worker) => worker.answer(0, [ok('', TASK_MS)]));
  await Promise.all(warm);
  return made;
}

const named = (name: string, overrides: Partial<TaskSpec> = {}): TaskSpec => task({ args: [name], ...overrides });
const argsOf = (worker: FakeWorker | undefined, nth: number): string[] => worker?.sent[nth]?.tasks.map(({ task }) => task.args[0] ?? '') ?? [];

async function runAll(pool: WorkerPool, names: string[], signals: Record<string, AbortSignal> = {}, overrides: Partial<TaskSpec> = {}): Promise<Array<Promise<TaskOutcome>>> {
  const runs = names.map((name) => pool.run(module, named(name, overrides), signals[name]));
  await settle();
  return runs;
}

describe('prefetch', () => {
  it('sends a busy worker one more task of a known short module, and the next only once it is free of one', async () => {
    const { pool, workers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const [a, b, c] = await runAll(pool, ['a', 'b', 'c']);
    expect(argsOf(worker, 1)).toEqual(['a']);
    expect(argsOf(worker, 2)).toEqual(['b']);
    expect(worker.sent[2]?.bytes).toBeNull();
    expect(worker.sent).toHaveLength(3);
    expect(pool.busy).toBe(1);

    worker.answer(1, [ok('A', TASK_MS)]);
    await settle();
    expect(argsOf(worker, 3)).toEqual(['c']);
    worker.answer(2, [ok('B', TASK_MS)]);
    worker.answer(3, [ok('C', TASK_MS)]);
    expect((await Promise.all([a!, b!, c!])).map((outcome) => text(outcome.stdout))).toEqual(['A', 'B', 'C']);
    expect(pool.busy).toBe(0);
  });

  it('prefetches only while no worker is idle', async () => {
    const { pool, workers } = await setupWarm(2);
    const runs = await runAll(pool, ['a', 'b', 'c', 'd', 'e']);
    expect(workers.map((worker) => worker.sent.slice(1).map((message) => message.tasks[0]?.task.args[0]))).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
    workers[0]?.answer(1, [ok('A', TASK_MS)]);
    await settle();
    expect(argsOf(workers[0], 3)).toEqual(['e']);
    workers[0]?.answer(2, [ok('C', TASK_MS)]);
    workers[0]?.answer(3, [ok('E', TASK_MS)]);
    workers[1]?.answer(1, [ok('B', TASK_MS)]);
    workers[1]?.answer(2, [ok('D', TASK_MS)]);
    expect((await Promise.all(runs)).map((outcome) => text(outcome.stdout)).join('')).toBe('ABCDE');
  });

  it('does not prefetch to a worker running a module that is unknown or slow, nor tasks of one', async () => {
    const { pool, workers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const unknown = { ...module, digest: 'sha256:unknown' };
    const first = pool.run(unknown, task());
    const quick = pool.run(module, task());
    await settle();
    expect(worker.sent).toHaveLength(2);
    worker.answer(1, [ok('', 150)]);
    await settle();
    expect(worker.sent).toHaveLength(3);

    const slowQueued = [pool.run(unknown, task()), pool.run(unknown, task())];
    await settle();
    expect(worker.sent).toHaveLength(3);
    worker.answer(2, [ok('', TASK_MS)]);
    await settle();
    expect(worker.sent).toHaveLength(4);
    worker.answer(3, [ok('', 150)]);
    await settle();
    worker.answer(4, [ok('', 150)]);
    await Promise.all([first, quick, ...slowQueued]);
  });

  it('times out the running task and runs the prefetched one on a fresh worker', async () => {
    const { pool, workers, timers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await runAll(pool, ['a', 'b'], {}, { timeoutMs: 500 });
    expect(argsOf(worker, 2)).toEqual(['b']);
    worker.start(1, 0);
    timers.advance(499);
    expect(worker.terminated).toBe(false);
    timers.advance(1);
    expect(await a).toMatchObject({ status: 'timeout', durationMs: 500 });
    expect(worker.terminated).toBe(true);
    await settle();
    const fresh = workers[1] as FakeWorker;
    expect(argsOf(fresh, 0)).toEqual(['b']);
    expect(fresh.sent[0]?.bytes).toEqual(module.bytes);
    fresh.answer(0, [ok('B', TASK_MS)]);
    expect(text((await b!).stdout)).toBe('B');
  });

  it("counts a prefetched task's deadline from its real start, not from when it was sent", async () => {
    const { pool, workers, timers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await runAll(pool, ['a', 'b'], {}, { timeoutMs: 500 });
    worker.start(1, 0);
    timers.advance(400);
    worker.start(2, 0); // a is done; its result has not arrived
    timers.advance(499);
    expect(worker.terminated).toBe(false);
    timers.advance(1);
    expect(await b).toMatchObject({ status: 'timeout', durationMs: 500 });
    await settle();
    expect(argsOf(workers[1], 0)).toEqual(['a']);
    workers[1]?.answer(0, [ok('A', TASK_MS)]);
    expect(text((await a!).stdout)).toBe('A');
  });

  it("counts a prefetched task's deadline from the reply before it when the worker cannot share its progress", async () => {
    const { pool, workers, timers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await runAll(pool, ['a', 'b'], {}, { timeoutMs: 500 });
    timers.advance(400);
    worker.answer(1, [ok('A', TASK_MS)]);
    timers.advance(499);
    expect(worker.terminated).toBe(false);
    timers.advance(1);
    expect(await b).toMatchObject({ status: 'timeout', durationMs: 500 });
    expect(text((await a!).stdout)).toBe('A');
  });

  it('cancels a prefetched task at once, keeps the worker and ignores its result', async () => {
    const { pool, workers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const controller = new AbortController();
    const [a, b] = await runAll(pool, ['a', 'b'], { b: controller.signal });
    worker.start(1, 0);
    controller.abort();
    expect(await b).toMatchObject({ status: 'error', hostFailure: 'cancelled' });
    expect(worker.terminated).toBe(false);
    worker.answer(1, [ok('A', TASK_MS)]);
    worker.start(2, 0);
    worker.answer(2, [ok('B', TASK_MS)]);
    expect(text((await a!).stdout)).toBe('A');
    expect(text((await b!).stderr)).toBe('cancelled');
    expect(pool.busy).toBe(0);

    const next = pool.run(module, task());
    await settle();
    worker.answer(3, [ok('next', TASK_MS)]);
    expect(text((await next).stdout)).toBe('next');
    expect(workers).toHaveLength(1);
  });

  it('cancels the running task by replacing the worker, and runs the prefetched one elsewhere', async () => {
    const { pool, workers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const controller = new AbortController();
    const [a, b] = await runAll(pool, ['a', 'b'], { a: controller.signal });
    expect(argsOf(worker, 2)).toEqual(['b']);
    worker.start(1, 0);
    controller.abort();
    expect(await a).toMatchObject({ hostFailure: 'cancelled' });
    expect(worker.terminated).toBe(true);
    await settle();
    expect(argsOf(workers[1], 0)).toEqual(['b']);
    workers[1]?.answer(0, [ok('B', TASK_MS)]);
    expect(text((await b!).stdout)).toBe('B');
  });

  it('fails only the running task when the worker dies, and runs the prefetched one on a fresh worker', async () => {
    const { pool, workers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await runAll(pool, ['a', 'b']);
    expect(argsOf(worker, 2)).toEqual(['b']);
    worker.start(1, 0);
    worker.die('out of memory');
    expect(await a).toMatchObject({ status: 'error', hostFailure: 'runtime worker died: out of memory' });
    await settle();
    expect(argsOf(workers[1], 0)).toEqual(['b']);
    workers[1]?.answer(0, [ok('B', TASK_MS)]);
    expect(text((await b!).stdout)).toBe('B');
  });

  it('sends a prefetched batch again, with the bytes, when the worker lacks the module', async () => {
    const { pool, workers } = await setupWarm();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await runAll(pool, ['a', 'b']);
    worker.say({ type: 'module_missing', batch: worker.sent[1]?.batch });
    await settle();
    // The worker holds b (without bytes) ahead of a sent again: it answers b first.
    expect(argsOf(worker, 3)).toEqual(['a']);
    expect(worker.sent[3]?.bytes).toEqual(module.bytes);
    worker.say({ type: 'module_missing', batch: worker.sent[2]?.batch });
    await settle();
    expect(argsOf(worker, 4)).toEqual(['b']);
    expect(worker.sent[4]?.bytes).toEqual(module.bytes);
    worker.answer(3, [ok('A', TASK_MS)]);
    worker.answer(4, [ok('B', TASK_MS)]);
    expect([text((await a!).stdout), text((await b!).stdout)]).toEqual(['A', 'B']);
    expect(pool.busy).toBe(0);
  });
});
