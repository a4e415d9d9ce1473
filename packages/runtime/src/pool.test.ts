// The pool's scheduling logic against scripted in-memory workers and a fake clock.
import { afterEach, describe, expect, it } from 'vitest';
import { failedOutcome } from './outcome';
import { createWorkerPool, type WorkerHandle } from './pool';
import { task } from './test-modules';
import type { ModuleRef, PoolTimers, TaskOutcome, WorkerPool } from './types';
import { WORKER_PROTOCOL_VERSION, type RunReply, type RunRequest, type RuntimeWorkerApi } from './worker-messages';

class FakeTimers implements PoolTimers {
  #now = 0;
  #nextId = 0;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): unknown {
    this.#pending.set(++this.#nextId, { at: this.#now + ms, callback });
    return this.#nextId;
  }
  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }
  now(): number {
    return this.#now;
  }
  get pending(): number {
    return this.#pending.size;
  }
  advance(ms: number): void {
    this.#now += ms;
    for (const [id, timer] of [...this.#pending].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.#now) break;
      this.#pending.delete(id);
      timer.callback();
    }
  }
}

interface Call {
  request: RunRequest;
  reply(value: unknown): void;
}

class FakeWorker implements WorkerHandle {
  readonly calls: Call[] = [];
  terminated = false;
  readonly #failureListeners: Array<(reason: string) => void> = [];
  readonly api: RuntimeWorkerApi;

  constructor(ping: Promise<number>) {
    this.api = {
      ping: () => ping,
      run: (request) =>
        new Promise<RunReply>((resolve) => this.calls.push({ request, reply: (value) => resolve(value as RunReply) })),
    };
  }
  terminate(): Promise<void> {
    this.terminated = true;
    return Promise.resolve();
  }
  onFailure(listener: (reason: string) => void): void {
    this.#failureListeners.push(listener);
  }
  die(reason: string): void {
    for (const listener of this.#failureListeners) listener(reason);
  }
}

const module: ModuleRef = { digest: 'sha256:aa', bytes: new Uint8Array([0, 97, 115, 109]) };
const ok = (stdout = ''): TaskOutcome => ({ ...failedOutcome('', 1), status: 'ok', exitCode: 0, stdout: new TextEncoder().encode(stdout) });
const outcomeReply = (outcome: TaskOutcome): RunReply => ({ type: 'outcome', outcome, moduleCached: true });
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
/** Lets every already-resolved promise chain run; the fakes never touch real time. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let pool: WorkerPool | undefined;
afterEach(() => pool?.stop());

function setup(size: number, ping: () => Promise<number> = () => Promise.resolve(WORKER_PROTOCOL_VERSION)) {
  const timers = new FakeTimers();
  const workers: FakeWorker[] = [];
  pool = createWorkerPool(
    () => {
      const worker = new FakeWorker(ping());
      workers.push(worker);
      return worker;
    },
    { size, timers },
  );
  return { pool, timers, workers };
}

describe('worker pool', () => {
  it('queues tasks beyond its size and runs them as workers free up', async () => {
    const { pool, workers } = setup(1);
    const first = pool.run(module, task());
    const second = pool.run(module, task());
    await settle();
    expect(pool.busy).toBe(1);
    expect(workers[0]?.calls).toHaveLength(1);

    workers[0]?.calls[0]?.reply(outcomeReply(ok('1')));
    expect(text((await first).stdout)).toBe('1');
    await settle();
    expect(workers[0]?.calls).toHaveLength(2);
    workers[0]?.calls[1]?.reply(outcomeReply(ok('2')));
    expect(text((await second).stdout)).toBe('2');
    expect(pool.busy).toBe(0);
  });

  it('sends module bytes only to a worker that does not have them, and resends on a miss', async () => {
    const { pool, workers } = setup(1);
    const worker = (): FakeWorker => workers[0] as FakeWorker;
    const first = pool.run(module, task());
    await settle();
    expect(worker().calls[0]?.request.bytes).toEqual(module.bytes);
    worker().calls[0]?.reply(outcomeReply(ok()));
    await first;

    const second = pool.run(module, task());
    await settle();
    expect(worker().calls[1]?.request.bytes).toBeNull();
    worker().calls[1]?.reply({ type: 'module_missing' });
    await settle();
    expect(worker().calls[2]?.request.bytes).toEqual(module.bytes);
    worker().calls[2]?.reply(outcomeReply(ok()));
    expect((await second).status).toBe('ok');
  });

  it('prefers an idle worker that already has the module', async () => {
    const { pool, workers } = setup(2);
    const warmUp = [pool.run(module, task()), pool.run({ ...module, digest: 'sha256:bb' }, task())];
    await settle();
    workers[0]?.calls[0]?.reply(outcomeReply(ok()));
    workers[1]?.calls[0]?.reply(outcomeReply(ok()));
    await Promise.all(warmUp);

    const next = pool.run({ ...module, digest: 'sha256:bb' }, task());
    await settle();
    expect(workers[1]?.calls).toHaveLength(2);
    expect(workers[1]?.calls[1]?.request.bytes).toBeNull();
    workers[1]?.calls[1]?.reply(outcomeReply(ok()));
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
    expect(workers[1]?.calls[0]?.request.bytes).toEqual(module.bytes);
    workers[1]?.calls[0]?.reply(outcomeReply(ok()));
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
    expect(workers[0]?.calls).toHaveLength(1);
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
    workers[0]?.calls[0]?.reply({ type: 'outcome', outcome: { status: 'fine' } });
    expect(text((await running).stderr)).toMatch(/malformed worker reply/);
    expect(workers[0]?.terminated).toBe(true);
  });

  it('rejects bad file paths without using a worker', async () => {
    const { pool, workers } = setup(1);
    const outcome = await pool.run(module, task({ files: { '/etc/passwd': new Uint8Array(0) } }));
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toMatch(/not under \/input\/ or \/output\//);
    expect(workers[0]?.calls).toHaveLength(0);
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
    workers[3]?.calls[0]?.reply(outcomeReply(ok('back')));
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
