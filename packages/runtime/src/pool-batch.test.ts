// Batching in the pool: several queued tasks of a quick module per message, with each task's
// deadline, cancellation and failure handled exactly as when tasks go one at a time.
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWorker, module, ok, settle, setup as setupPool, text } from './pool-fakes';
import { task } from './test-modules';
import type { TaskOutcome, TaskSpec, WorkerPool } from './types';

let pool: WorkerPool | undefined;
afterEach(() => pool?.stop());

function setup(size = 1): ReturnType<typeof setupPool> {
  const made = setupPool(size);
  pool = made.pool;
  return made;
}

const named = (name: string, overrides: Partial<TaskSpec> = {}): TaskSpec => task({ args: [name], ...overrides });
const argsOf = (worker: FakeWorker | undefined, nth: number): string[] => worker?.sent[nth]?.tasks.map(({ task }) => task.args[0] ?? '') ?? [];

/**
 * Runs one quick task of `module`, then queues `names` behind a second one and finishes that, so
 * the queued tasks go out together as message 2. `signals` are passed to the named tasks.
 */
async function queueBehindBusyWorker(
  pool: WorkerPool,
  worker: FakeWorker,
  names: string[],
  { overrides = {}, signals = {} }: { overrides?: Partial<TaskSpec>; signals?: Record<string, AbortSignal> } = {},
): Promise<Array<Promise<TaskOutcome>>> {
  const first = pool.run(module, task());
  await settle();
  worker.answer(0, [ok('', 0.1)]);
  await first;
  const busy = pool.run(module, task());
  await settle();
  const queued = names.map((name) => pool.run(module, named(name, overrides), signals[name]));
  worker.answer(1, [ok('', 0.1)]);
  await busy;
  await settle();
  return queued;
}

describe('batching', () => {
  it('sends the queued tasks of a quick module in one message and takes their results in several', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const queued = await queueBehindBusyWorker(pool, worker, ['a', 'b', 'c', 'd']);
    expect(worker.sent).toHaveLength(3);
    expect(argsOf(worker, 2)).toEqual(['a', 'b', 'c', 'd']);
    expect(worker.sent[2]?.bytes).toBeNull();
    expect(pool.busy).toBe(1);

    worker.answer(2, [ok('A'), ok('B')]);
    worker.answer(2, [ok('C'), ok('D')], 2);
    expect((await Promise.all(queued)).map((outcome) => text(outcome.stdout))).toEqual(['A', 'B', 'C', 'D']);
    expect(pool.busy).toBe(0);
  });

  it('sends tasks one at a time, and only to an idle worker, while a module is unknown or slow', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const slow = { ...module, digest: 'sha256:slow' };
    const unknown = [pool.run(slow, named('a')), pool.run(slow, named('b'))];
    await settle();
    expect(worker.sent).toHaveLength(1);
    expect(argsOf(worker, 0)).toEqual(['a']);
    // Slower than a batch's budget and than prefetching allows.
    worker.answer(0, [ok('', 150)]);
    await settle();
    expect(argsOf(worker, 1)).toEqual(['b']);
    const queued = [pool.run(slow, named('c')), pool.run(slow, named('d'))];
    await settle();
    expect(worker.sent).toHaveLength(2);
    worker.answer(1, [ok('', 150)]);
    await settle();
    expect(argsOf(worker, 2)).toEqual(['c']);
    expect(worker.sent).toHaveLength(3);
    worker.answer(2, [ok('', 150)]);
    await settle();
    worker.answer(3, [ok('', 150)]);
    await Promise.all([...unknown, ...queued]);
  });

  it('splits tasks submitted in one turn evenly between idle workers, one message each', async () => {
    const { pool, workers } = setup(2);
    const warm = [pool.run(module, task()), pool.run(module, task())];
    await settle();
    workers[0]?.answer(0, [ok('', 0.1)]);
    workers[1]?.answer(0, [ok('', 0.1)]);
    await Promise.all(warm);
    const burst = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => pool.run(module, named(name)));
    await settle();
    expect(argsOf(workers[0], 1)).toEqual(['a', 'b', 'c', 'd']);
    expect(argsOf(workers[1], 1)).toEqual(['e', 'f', 'g']);
    workers[0]?.answer(1, [ok('A'), ok('B'), ok('C'), ok('D')]);
    workers[1]?.answer(1, [ok('E'), ok('F'), ok('G')]);
    expect((await Promise.all(burst)).map((outcome) => text(outcome.stdout)).join('')).toBe('ABCDEFG');
  });

  it('times out the running task of a batch and runs the tasks behind it on a fresh worker', async () => {
    const { pool, workers, timers } = setup();
    const worker = workers[0] as FakeWorker;
    const [a, b, c, d] = await queueBehindBusyWorker(pool, worker, ['a', 'b', 'c', 'd'], { overrides: { timeoutMs: 500 } });
    worker.start(2, 0);
    timers.advance(100);
    worker.answer(2, [ok('A')]);
    worker.start(2, 1);
    timers.advance(499);
    expect(worker.terminated).toBe(false);
    timers.advance(1);
    expect(await b).toMatchObject({ status: 'timeout', exitCode: null, durationMs: 500 });
    expect(text((await a!).stdout)).toBe('A');
    expect(worker.terminated).toBe(true);

    await settle();
    const fresh = workers[1] as FakeWorker;
    expect(argsOf(fresh, 0)).toEqual(['c', 'd']);
    expect(fresh.sent[0]?.bytes).toEqual(module.bytes);
    fresh.answer(0, [ok('C'), ok('D')]);
    expect([text((await c!).stdout), text((await d!).stdout)]).toEqual(['C', 'D']);
    expect(timers.pending).toBe(0);
  });

  it('charges a timeout to the task the worker is running, not to a finished one it has not reported', async () => {
    const { pool, workers, timers } = setup();
    const worker = workers[0] as FakeWorker;
    const [a, b, c, d] = await queueBehindBusyWorker(pool, worker, ['a', 'b', 'c', 'd'], { overrides: { timeoutMs: 500 } });
    worker.start(2, 0);
    timers.advance(1);
    worker.start(2, 1);
    timers.advance(1);
    worker.start(2, 2); // a and b are done; their results wait in the worker
    timers.advance(498);
    let settled = false;
    void a!.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    expect(worker.terminated).toBe(false);
    timers.advance(2);
    expect(await c).toMatchObject({ status: 'timeout', durationMs: 500 });
    await settle();
    expect(argsOf(workers[1], 0)).toEqual(['a', 'b', 'd']);
    workers[1]?.answer(0, [ok('A'), ok('B'), ok('D')]);
    expect((await Promise.all([a!, b!, d!])).map((outcome) => text(outcome.stdout))).toEqual(['A', 'B', 'D']);
  });

  it('counts a deadline from the last reply when the worker cannot share its progress', async () => {
    const { pool, workers, timers } = setup();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await queueBehindBusyWorker(pool, worker, ['a', 'b'], { overrides: { timeoutMs: 500 } });
    timers.advance(400);
    worker.answer(2, [ok('A')]);
    timers.advance(499);
    expect(worker.terminated).toBe(false);
    timers.advance(1);
    expect(await b).toMatchObject({ status: 'timeout', durationMs: 500 });
    expect(text((await a!).stdout)).toBe('A');
  });

  it('cancels a task still waiting in a batch at once, keeps the worker and ignores its result', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const controller = new AbortController();
    const [a, b, c] = await queueBehindBusyWorker(pool, worker, ['a', 'b', 'c'], { signals: { b: controller.signal } });
    worker.start(2, 0);
    controller.abort();
    expect(await b).toMatchObject({ status: 'error', hostFailure: 'cancelled' });
    expect(worker.terminated).toBe(false);
    worker.answer(2, [ok('A'), ok('B'), ok('C')]);
    expect([text((await a!).stdout), text((await c!).stdout)]).toEqual(['A', 'C']);
    expect(text((await b!).stderr)).toBe('cancelled');
    expect(workers).toHaveLength(1);
    expect(pool.busy).toBe(0);
  });

  it('cancels the running task of a batch by replacing the worker, and runs the rest elsewhere', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const controller = new AbortController();
    const [a, b, c] = await queueBehindBusyWorker(pool, worker, ['a', 'b', 'c'], { signals: { b: controller.signal } });
    worker.answer(2, [ok('A')]);
    worker.start(2, 1);
    controller.abort();
    expect(await b).toMatchObject({ hostFailure: 'cancelled' });
    expect(worker.terminated).toBe(true);
    await settle();
    expect(argsOf(workers[1], 0)).toEqual(['c']);
    workers[1]?.answer(0, [ok('C')]);
    expect([text((await a!).stdout), text((await c!).stdout)]).toEqual(['A', 'C']);
  });

  it('fails only the running task when a worker dies mid-batch, and runs the rest on a fresh worker', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const [a, b, c] = await queueBehindBusyWorker(pool, worker, ['a', 'b', 'c']);
    worker.answer(2, [ok('A')]);
    worker.start(2, 1);
    worker.die('out of memory');
    expect(await b).toMatchObject({ status: 'error', hostFailure: 'runtime worker died: out of memory' });
    await settle();
    expect(argsOf(workers[1], 0)).toEqual(['c']);
    workers[1]?.answer(0, [ok('C')]);
    expect([text((await a!).stdout), text((await c!).stdout)]).toEqual(['A', 'C']);
  });

  it('sends a whole batch again, with the bytes, when the worker lacks the module', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const queued = await queueBehindBusyWorker(pool, worker, ['a', 'b']);
    worker.say({ type: 'module_missing', batch: worker.sent[2]?.batch });
    await settle();
    expect(argsOf(worker, 3)).toEqual(['a', 'b']);
    expect(worker.sent[3]?.bytes).toEqual(module.bytes);
    worker.answer(3, [ok('A'), ok('B')]);
    expect((await Promise.all(queued)).map((outcome) => text(outcome.stdout))).toEqual(['A', 'B']);
  });

  it('treats results out of order as a broken worker', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await queueBehindBusyWorker(pool, worker, ['a', 'b']);
    worker.answer(2, [ok('B')], 1);
    expect(text((await a!).stderr)).toMatch(/malformed worker reply: results out of order/);
    expect(worker.terminated).toBe(true);
    await settle();
    expect(argsOf(workers[1], 0)).toEqual(['b']);
    workers[1]?.answer(0, [ok('B')]);
    expect(text((await b!).stdout)).toBe('B');
  });

  it('fails the tasks of a batch the worker refused as host failures, and keeps the worker', async () => {
    const { pool, workers } = setup();
    const worker = workers[0] as FakeWorker;
    const [a, b] = await queueBehindBusyWorker(pool, worker, ['a', 'b']);
    worker.say({ type: 'refused', batch: worker.sent[2]?.batch, error: 'tasks must be an array' });
    expect(await a).toMatchObject({ hostFailure: 'runtime worker refused the batch: tasks must be an array' });
    expect((await b)?.hostFailure).toBe('runtime worker refused the batch: tasks must be an array');
    const next = pool.run(module, task());
    await settle();
    worker.answer(3, [ok('next')]);
    expect(text((await next).stdout)).toBe('next');
    expect(worker.terminated).toBe(false);
  });
});

