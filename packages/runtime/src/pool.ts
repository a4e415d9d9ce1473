import { planGuestFiles } from './guest-path';
import { DEFAULT_OUTPUT_FILES_CAP_BYTES, DEFAULT_STDIO_CAP_BYTES, MAX_TIMER_MS, MODULE_CACHE_ENTRIES } from './limits';
import { Lru } from './lru';
import { CANCELLED_MESSAGE, describeThrown, failedOutcome, hostFailedOutcome, timeoutOutcome } from './outcome';
import type { ModuleRef, PoolOptions, PoolTimers, TaskOutcome, TaskSpec, WorkerPool } from './types';
import { WORKER_PROTOCOL_VERSION, parseRunReply, parseTaskSpec, type RuntimeWorkerApi } from './worker-messages';

/** One live worker, whatever it runs on. */
export interface WorkerHandle {
  readonly api: RuntimeWorkerApi;
  /** Must return promptly; the pool does not wait for the thread to actually stop. */
  terminate(): Promise<void>;
  /** Called if the worker dies on its own (load error, uncaught exception, exit). */
  onFailure(listener: (reason: string) => void): void;
}

export type SpawnWorker = () => WorkerHandle;

export const realTimers: PoolTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => performance.now(),
};

/** Consecutive start failures after which the pool fails tasks at once instead of queuing them. */
const MAX_START_FAILURES = 3;
/** While broken, each slot tries again this often: the worker script may be back (server restarted). */
const RESPAWN_AFTER_MS = 2_000;

interface Job {
  module: ModuleRef;
  task: TaskSpec;
  signal: AbortSignal | undefined;
  resolve(outcome: TaskOutcome): void;
  detachAbort(): void;
}

interface Slot {
  handle: WorkerHandle;
  state: 'starting' | 'idle' | 'busy' | 'retired';
  /** Set once the slot is retired. */
  terminated: Promise<void> | null;
  /** Digests this worker was sent; a stale entry only costs one `module_missing` round trip. */
  knownDigests: Lru<string, true>;
  /** Routes a worker death to whoever is using the slot right now. */
  failed(reason: string): void;
  /** Ends the running task with an error outcome; set only while busy. */
  interrupt: ((message: string) => void) | null;
}

/**
 * The worker pool shared by the browser and Node: queueing, warm-module affinity, and deadlines
 * enforced from the host (a comlink call into a stuck or terminated worker never settles).
 */
export function createWorkerPool(spawn: SpawnWorker, options: PoolOptions): WorkerPool {
  const { size, stdioCapBytes = DEFAULT_STDIO_CAP_BYTES, outputFilesCapBytes = DEFAULT_OUTPUT_FILES_CAP_BYTES, timers = realTimers } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  if (!Number.isInteger(stdioCapBytes) || stdioCapBytes < 0) throw new RangeError('stdioCapBytes must be a non-negative integer');
  if (!Number.isInteger(outputFilesCapBytes) || outputFilesCapBytes < 0) throw new RangeError('outputFilesCapBytes must be a non-negative integer');

  const slots: Slot[] = [];
  const queue: Job[] = [];
  let busy = 0;
  let stopped = false;
  let startFailures = 0;
  let brokenReason: string | null = null;

  function startSlot(index: number): void {
    const slot: Slot = {
      handle: spawn(),
      state: 'starting',
      terminated: null,
      knownDigests: new Lru(MODULE_CACHE_ENTRIES),
      failed: (reason) => startFailed(index, slot, reason),
      interrupt: null,
    };
    slots[index] = slot;
    slot.handle.onFailure((reason) => slot.failed(reason));
    slot.handle.api.ping().then(
      (version) => {
        if (slot.state !== 'starting') return;
        if (version !== WORKER_PROTOCOL_VERSION) {
          startFailed(index, slot, `worker speaks protocol ${String(version)}, host ${WORKER_PROTOCOL_VERSION}`);
          return;
        }
        startFailures = 0;
        slot.state = 'idle';
        slot.failed = () => replaceSlot(index, slot);
        pump();
      },
      (thrown: unknown) => startFailed(index, slot, describeThrown(thrown)),
    );
  }

  function startFailed(index: number, slot: Slot, reason: string): void {
    if (slot.state !== 'starting') return;
    startFailures += 1;
    if (startFailures >= MAX_START_FAILURES) brokenReason = `runtime workers failed to start: ${reason}`;
    retire(slot);
    if (stopped) return;
    if (brokenReason === null) {
      startSlot(index);
      return;
    }
    drainQueue(brokenReason);
    timers.setTimeout(() => {
      if (stopped) return;
      brokenReason = null;
      startSlot(index);
    }, RESPAWN_AFTER_MS);
  }

  function retire(slot: Slot): void {
    slot.state = 'retired';
    slot.failed = () => {};
    slot.terminated = slot.handle.terminate().catch(() => {});
  }

  function replaceSlot(index: number, slot: Slot): void {
    if (slot.state === 'retired') return;
    retire(slot);
    if (!stopped) startSlot(index);
  }

  function drainQueue(message: string): void {
    for (const job of queue.splice(0)) {
      job.detachAbort();
      job.resolve(hostFailedOutcome(message, 0));
    }
  }

  function pump(): void {
    while (queue.length > 0) {
      const next = queue[0];
      if (next === undefined) return;
      const idle = slots.filter((slot) => slot.state === 'idle');
      const slot = idle.find((candidate) => candidate.knownDigests.has(next.module.digest)) ?? idle[0];
      if (slot === undefined) return;
      queue.shift();
      next.detachAbort();
      dispatch(slots.indexOf(slot), slot, next);
    }
  }

  function dispatch(index: number, slot: Slot, job: Job): void {
    slot.state = 'busy';
    busy += 1;
    const started = timers.now();
    let settled = false;

    const finish = (outcome: TaskOutcome, workerReusable: boolean): void => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(timer);
      job.signal?.removeEventListener('abort', onAbort);
      busy -= 1;
      slot.interrupt = null;
      if (workerReusable && slot.state === 'busy') {
        slot.state = 'idle';
        slot.failed = () => replaceSlot(index, slot);
      } else {
        replaceSlot(index, slot);
      }
      job.resolve(outcome);
      pump();
    };
    const elapsed = (): number => timers.now() - started;
    // The guest cannot be interrupted, so every way out but a normal reply costs the worker.
    const timer = timers.setTimeout(
      () => finish(timeoutOutcome(job.task.timeoutMs, elapsed()), false),
      Math.min(job.task.timeoutMs, MAX_TIMER_MS),
    );
    const onAbort = (): void => finish(hostFailedOutcome(CANCELLED_MESSAGE, elapsed()), false);
    job.signal?.addEventListener('abort', onAbort, { once: true });
    slot.interrupt = (message) => finish(hostFailedOutcome(message, elapsed()), false);
    slot.failed = (reason) => finish(hostFailedOutcome(`runtime worker died: ${reason}`, elapsed()), false);

    runOnWorker(slot, job).then(
      (outcome) => finish(outcome, true),
      (thrown: unknown) => finish(hostFailedOutcome(`runtime worker failure: ${describeThrown(thrown)}`, elapsed()), false),
    );
  }

  async function runOnWorker(slot: Slot, job: Job): Promise<TaskOutcome> {
    const { digest, bytes } = job.module;
    const request = { digest, task: job.task, stdioCapBytes, outputFilesCapBytes };
    let raw = await slot.handle.api.run({ ...request, bytes: slot.knownDigests.has(digest) ? null : bytes });
    let reply = parseRunReply(raw);
    if (reply.ok && reply.value.type === 'module_missing') {
      raw = await slot.handle.api.run({ ...request, bytes });
      reply = parseRunReply(raw);
    }
    if (!reply.ok) throw new Error(`malformed worker reply: ${reply.error}`);
    if (reply.value.type === 'module_missing') throw new Error('worker refused the module bytes');
    if (reply.value.moduleCached) slot.knownDigests.set(digest, true);
    else slot.knownDigests.delete(digest);
    return reply.value.outcome;
  }

  function run(module: ModuleRef, task: TaskSpec, signal?: AbortSignal): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      if (stopped) return resolve(hostFailedOutcome(`${CANCELLED_MESSAGE}: pool is stopped`, 0));
      if (brokenReason !== null) return resolve(hostFailedOutcome(brokenReason, 0));
      const problem = findTaskProblem(module, task);
      if (problem !== null) return resolve(failedOutcome(problem, 0));
      if (signal?.aborted) return resolve(hostFailedOutcome(CANCELLED_MESSAGE, 0));

      const job: Job = { module, task, signal, resolve, detachAbort: () => signal?.removeEventListener('abort', onQueuedAbort) };
      const onQueuedAbort = (): void => {
        const at = queue.indexOf(job);
        if (at >= 0) queue.splice(at, 1);
        resolve(hostFailedOutcome(CANCELLED_MESSAGE, 0));
      };
      signal?.addEventListener('abort', onQueuedAbort, { once: true });
      queue.push(job);
      pump();
    });
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    drainQueue(`${CANCELLED_MESSAGE}: pool is stopped`);
    for (const slot of slots) {
      slot.interrupt?.(`${CANCELLED_MESSAGE}: pool is stopped`);
      if (slot.state !== 'retired') retire(slot);
    }
    await Promise.all(slots.map((slot) => slot.terminated));
  }

  for (let index = 0; index < size; index++) startSlot(index);

  return {
    size,
    get busy() {
      return busy;
    },
    run,
    stop,
  };
}

/** Checks that are cheap on the host and spare a worker round trip; the worker re-checks. */
function findTaskProblem(module: ModuleRef, task: TaskSpec): string | null {
  if (typeof module?.digest !== 'string' || module.digest === '') return 'module digest must be a non-empty string';
  if (!(module.bytes instanceof Uint8Array)) return 'module bytes must be a Uint8Array';
  const parsed = parseTaskSpec(task);
  if (!parsed.ok) return parsed.error;
  try {
    planGuestFiles(task.files);
  } catch (thrown) {
    return thrown instanceof RangeError ? thrown.message : describeThrown(thrown);
  }
  return null;
}
