// Test support for the pool: a fake clock and scripted in-memory workers.
import { failedOutcome } from './outcome';
import { createWorkerPool, type WorkerHandle } from './pool';
import type { ModuleRef, PoolTimers, TaskOutcome, WorkerPool } from './types';
import { WORKER_PROTOCOL_VERSION, type HostToWorker } from './worker-messages';

export class FakeTimers implements PoolTimers {
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
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#pending].sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined || due[1].at > until) break;
      this.#pending.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].callback();
    }
    this.#now = until;
  }
}

/** A scripted worker: records what it is sent; the test answers for it. */
export class FakeWorker implements WorkerHandle {
  readonly sent: HostToWorker[] = [];
  terminated = false;
  /** What the worker's progress cell says: null models a platform without shared memory. */
  started: { seq: number; at: number } | null = null;
  readonly #failureListeners: Array<(reason: string) => void> = [];
  #listener: (raw: unknown) => void = () => {};

  constructor(
    private readonly pinged: Promise<number>,
    private readonly timers: FakeTimers,
  ) {}
  ping(): Promise<number> {
    return this.pinged;
  }
  open(): Promise<void> {
    return Promise.resolve();
  }
  send(message: HostToWorker): void {
    this.sent.push(message);
  }
  onMessage(listener: (raw: unknown) => void): void {
    this.#listener = listener;
  }
  progress(): { seq: number; startedAgoMs: number } | null {
    return this.started === null ? null : { seq: this.started.seq, startedAgoMs: this.timers.now() - this.started.at };
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
  say(message: unknown): void {
    this.#listener(message);
  }
  /** Answers tasks `from`.. of the `nth` message sent, one outcome each. */
  answer(nth: number, outcomes: TaskOutcome[], from = 0): void {
    const message = this.sent[nth] as HostToWorker;
    const results = outcomes.map((outcome, at) => ({ seq: message.tasks[from + at]?.seq, outcome }));
    this.say({ type: 'results', batch: message.batch, results, moduleCached: true });
  }
  /** Marks task `at` of the `nth` message as started now. */
  start(nth: number, at: number): void {
    this.started = { seq: (this.sent[nth] as HostToWorker).tasks[at]?.seq ?? -1, at: this.timers.now() };
  }
}

export const module: ModuleRef = { digest: 'sha256:aa', bytes: new Uint8Array([0, 97, 115, 109]) };
export const ok = (stdout = '', durationMs = 1): TaskOutcome => ({
  ...failedOutcome('', durationMs),
  status: 'ok',
  exitCode: 0,
  stdout: new TextEncoder().encode(stdout),
});
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
/** Lets every already-resolved promise chain run; the fakes never touch real time. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A pool of `size` fake workers on a fake clock; `ping` decides whether each new worker comes up. */
export function setup(size: number, ping: () => Promise<number> = () => Promise.resolve(WORKER_PROTOCOL_VERSION)) {
  const timers = new FakeTimers();
  const workers: FakeWorker[] = [];
  const pool: WorkerPool = createWorkerPool(
    () => {
      const worker = new FakeWorker(ping(), timers);
      workers.push(worker);
      return worker;
    },
    { size, timers },
  );
  return { pool, timers, workers };
}
