// The pool's scheduling logic against scripted in-memory workers and a fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeWorker, module, ok, settle, setup as setupPool, text } from './pool-fakes';
import { task } from './test-modules';
import type { WorkerPool } from './types';
import { WORKER_PROTOCOL_VERSION } from './worker-messages';

let pool: WorkerPool | undefined;
afterEach(() => pool?.stop());

function setup(...args: Parameters<typeof setupPool>): ReturnType<typeof setupPool> {
  const made = setupPool(...args);
  pool = made.pool;
  return made;
}

describe('worker pool', () => {
  it('queues tasks beyond its size and runs them as workers free up', async () => {
    const { pool, workers } = setup(1);
    const first = pool.run(module, task());
    const second = pool.run(module, task());
    await settle();
    expect(pool.busy).toBe(1);
    expect(workers[0]?.sent).toHaveLength(1);

    workers[0]?.answer(0, [ok('1')]);
    expect(text((await first).stdout)).toBe('1');
    await settle();
    expect(workers[0]?.sent).toHaveLength(2);
    workers[0]?.answer(1, [ok('2')]);
    expect(text((await second).stdout)).toBe('2');
    expect(pool.busy).toBe(0);
  });

  it('sends module bytes only to a worker that does not have them, and resends on a miss', async () => {
    const { pool, workers } = setup(1);
    const worker = (): FakeWorker => workers[0] as FakeWorker;
    const first = pool.run(module, task());
    await settle();
    expect(worker().sent[0]?.bytes).toEqual(module.bytes);
    worker().answer(0, [ok()]);
    await first;

    const second = pool.run(module, task());
    await settle();
    expect(worker().sent[1]?.bytes).toBeNull();
    worker().say({ type: 'module_missing', batch: worker().sent[1]?.batch });
    await settle();
    expect(worker().sent[2]?.bytes).toEqual(module.bytes);
    expect(worker().sent[2]?.tasks).toEqual(worker().sent[1]?.tasks);
    worker().answer(2, [ok()]);
    expect((await second).status).toBe('ok');
  });

  it('prefers an idle worker that already has the module', async () => {
    const { pool, workers } = setup(2);
    const warmUp = [pool.run(module, task()), pool.run({ ...module, digest: 'sha256:bb' }, task())];
    await settle();
    workers[0]?.answer(0, [ok()]);
    workers[1]?.answer(0, [ok()]);
    await Promise.all(warmUp);

    const next = pool.run({ ...module, digest: 'sha256:bb' }, task());
    await settle();
    expect(workers[1]?.sent).toHaveLength(2);
    expect(workers[1]?.sent[1]?.bytes).toBeNull();
    workers[1]?.answer(1, [ok()]);
    await next;
  });

  it('times out a stuck task, replaces its worker and keeps serving', async () => {
    const { pool, timers, workers } = setup(1);
    const stuck = pool.run(module, task({ timeoutMs: 500 }));
    await settle();
    timers.advance(499);
    expect(workers[0]?.terminated).toBe(false);
    timers.advance(1);
    const outcome = await stuck;
    expect(outcome).toMatchObject({ status: 'timeout', exitCode: null, durationMs: 500 });
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2);

    const next = pool.run(module, task());
    await settle();
    expect(workers[1]?.sent[0]?.bytes).toEqual(module.bytes);
    workers[1]?.answer(0, [ok()]);
    expect((await next).status).toBe('ok');
    expect(timers.pending).toBe(0);
  });

  it('cancels a running task on abort and replaces its worker', async () => {
    const { pool, workers } = setup(1);
    const controller = new AbortController();
    const running = pool.run(module, task(), controller.signal);
    await settle();
    controller.abort();
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toBe('cancelled');
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2);
  });

  it('cancels a queued task on abort without touching a worker', async () => {
    const { pool, workers } = setup(1);
    const controller = new AbortController();
    void pool.run(module, task());
    const queued = pool.run(module, task(), controller.signal);
    controller.abort();
    expect(text((await queued).stderr)).toBe('cancelled');
    await settle();
    expect(workers).toHaveLength(1);
    expect(workers[0]?.sent).toHaveLength(1);
  });

  it('resolves an already-aborted run at once', async () => {
    const { pool } = setup(1);
    expect(text((await pool.run(module, task(), AbortSignal.abort())).stderr)).toBe('cancelled');
  });

  it('turns a worker dying mid-task into an error outcome and a fresh worker', async () => {
    const { pool, workers } = setup(1);
    const running = pool.run(module, task());
    await settle();
    workers[0]?.die('out of memory');
    expect(text((await running).stderr)).toBe('runtime worker died: out of memory');
    expect(workers).toHaveLength(2);
  });

  it('turns a malformed worker reply into an error outcome', async () => {
    const { pool, workers } = setup(1);
    const running = pool.run(module, task());
    await settle();
    workers[0]?.say({ type: 'results', batch: workers[0]?.sent[0]?.batch, results: [{ seq: workers[0]?.sent[0]?.tasks[0]?.seq, outcome: { status: 'fine' } }] });
    expect(text((await running).stderr)).toMatch(/malformed worker reply/);
    expect(workers[0]?.terminated).toBe(true);
  });

  it('rejects bad file paths without using a worker', async () => {
    const { pool, workers } = setup(1);
    const outcome = await pool.run(module, task({ files: { '/etc/passwd': new Uint8Array(0) } }));
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toMatch(/not under \/input\/ or \/output\//);
    expect(workers[0]?.sent).toHaveLength(0);
  });

  it('after repeated start failures fails tasks as host failures, then tries again and recovers', async () => {
    let workersLoad = false;
    const { pool, workers, timers } = setup(1, () =>
      workersLoad ? Promise.resolve(WORKER_PROTOCOL_VERSION) : new Promise<number>(() => {}),
    );
    const waiting = pool.run(module, task());
    for (let attempt = 0; attempt < 3; attempt++) {
      await settle();
      workers[attempt]?.die('cannot load the worker script');
    }
    const failed = await waiting;
    expect(failed).toMatchObject({ status: 'error', hostFailure: 'runtime workers failed to start: cannot load the worker script' });
    expect((await pool.run(module, task())).hostFailure).toMatch(/failed to start/);
    expect(workers).toHaveLength(3);

    workersLoad = true; // the server that serves the worker script is back
    timers.advance(2_000);
    await settle();
    expect(workers).toHaveLength(4);
    const next = pool.run(module, task());
    await settle();
    workers[3]?.answer(0, [ok('back')]);
    expect(text((await next).stdout)).toBe('back');
  });

  it('stop() terminates every worker and cancels running and queued tasks', async () => {
    const { pool, workers } = setup(1);
    const running = pool.run(module, task());
    const queued = pool.run(module, task());
    await settle();
    await pool.stop();
    expect(await running).toMatchObject({ hostFailure: 'cancelled: pool is stopped' });
    expect(await queued).toMatchObject({ hostFailure: 'cancelled: pool is stopped' });
    expect(workers.every((worker) => worker.terminated)).toBe(true);
    expect(workers).toHaveLength(1);
    expect((await pool.run(module, task())).status).toBe('error');
  });
});
