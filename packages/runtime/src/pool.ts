import { DurationEstimates } from './batch-policy';
import type { CancelSignal } from './cancellation';
import { DEFAULT_OUTPUT_FILES_CAP_BYTES, DEFAULT_STDIO_CAP_BYTES, MAX_BATCH_TASKS } from './limits';
import { CANCELLED_MESSAGE, describeThrown, failedOutcome, hostFailedOutcome, timeoutOutcome } from './outcome';
import { findTaskProblem } from './task-problem';
import type { ModuleRef, PoolOptions, PoolTimers, TaskOutcome, TaskSpec, WorkerPool } from './types';
import { WORKER_PROTOCOL_VERSION, parseWorkerToHost, type WorkerToHost } from './worker-messages';
import { WorkerSlot, type Batch, type Job, type WorkerHandle } from './worker-slot';

export type { WorkerHandle } from './worker-slot';

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

/**
 * The worker pool shared by the browser and Node: queueing, warm-module affinity, batching of
 * short tasks, and deadlines enforced from the host (a call into a stuck or terminated worker
 * never settles).
 */
export function createWorkerPool(spawn: SpawnWorker, options: PoolOptions): WorkerPool {
  const { size, stdioCapBytes = DEFAULT_STDIO_CAP_BYTES, outputFilesCapBytes = DEFAULT_OUTPUT_FILES_CAP_BYTES, timers = realTimers } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  if (!Number.isInteger(stdioCapBytes) || stdioCapBytes < 0) throw new RangeError('stdioCapBytes must be a non-negative integer');
  if (!Number.isInteger(outputFilesCapBytes) || outputFilesCapBytes < 0) throw new RangeError('outputFilesCapBytes must be a non-negative integer');

  const slots: WorkerSlot[] = [];
  const queue: Job[] = [];
  const estimates = new DurationEstimates();
  let stopped = false;
  let startFailures = 0;
  let brokenReason: string | null = null;
  let nextSeq = 1;
  let nextBatch = 1;
  let pumpQueued = false;

  function startSlot(index: number): void {
    const slot = new WorkerSlot(spawn(), timers, checkDeadline);
    slots[index] = slot;
    slot.handle.onFailure((reason) => workerFailed(index, slot, reason));
    slot.handle.onMessage((raw) => workerSaid(index, slot, raw));
    slot.handle
      .ping()
      .then(async (version) => {
        if (slot.state !== 'starting') return;
        if (version !== WORKER_PROTOCOL_VERSION) {
          startFailed(index, slot, `worker speaks protocol ${String(version)}, host ${WORKER_PROTOCOL_VERSION}`);
          return;
        }
        await slot.handle.open();
        if (slot.state !== 'starting') return;
        startFailures = 0;
        slot.state = 'idle';
        pump();
      })
      .catch((thrown: unknown) => startFailed(index, slot, describeThrown(thrown)));
  }

  function startFailed(index: number, slot: WorkerSlot, reason: string): void {
    if (slot.state !== 'starting') return;
    startFailures += 1;
    if (startFailures >= MAX_START_FAILURES) brokenReason = `runtime workers failed to start: ${reason}`;
    slot.retire();
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

  function workerFailed(index: number, slot: WorkerSlot, reason: string): void {
    if (slot.state === 'starting') startFailed(index, slot, reason);
    else if (slot.state === 'busy') failRunning(index, slot, (elapsed) => hostFailedOutcome(`runtime worker died: ${reason}`, elapsed));
    else replaceSlot(index, slot);
  }

  function replaceSlot(index: number, slot: WorkerSlot): void {
    if (slot.state === 'retired') return;
    slot.retire();
    if (!stopped) startSlot(index);
  }

  function drainQueue(message: string): void {
    for (const job of queue.splice(0)) settle(job, hostFailedOutcome(message, 0));
  }

  function settle(job: Job, outcome: TaskOutcome): void {
    if (job.state === 'done') return;
    job.state = 'done';
    job.slot = null;
    job.signal?.removeEventListener('abort', job.onAbort);
    job.resolve(outcome);
  }

  function pump(): void {
    while (queue.length > 0 && !stopped) {
      const digest = queue[0]?.module.digest ?? '';
      const idle = slots.filter((slot) => slot.state === 'idle');
      const index = slots.indexOf(idle.find((candidate) => candidate.knownDigests.has(digest)) ?? (idle[0] as WorkerSlot));
      if (index < 0) break;
      dispatch(slots[index] as WorkerSlot, queue.splice(0, estimates.batchSize(digest, sameModuleWaiting(digest), idle.length)));
    }
    if (queue.length > 0 && !stopped) prefetch();
  }

  /**
   * Every worker is busy: one whose running batch is all it holds gets the next tasks too, so it
   * starts them the moment it is done instead of a host round trip later. Only between modules
   * whose tasks are known to be short, so nothing waits long behind a task another worker could
   * have taken.
   */
  function prefetch(): void {
    while (queue.length > 0) {
      const digest = queue[0]?.module.digest ?? '';
      if (!estimates.prefetchable(digest)) return;
      const takers = slots.filter(
        (slot) => slot.state === 'busy' && slot.batches.length === 1 && slot.knownDigests.has(digest) && estimates.prefetchable(slot.batches[0]?.module.digest ?? ''),
      );
      const taker = takers[0];
      if (taker === undefined) return;
      dispatch(taker, queue.splice(0, estimates.batchSize(digest, sameModuleWaiting(digest), takers.length)));
    }
  }

  function sameModuleWaiting(digest: string): number {
    let waiting = 0;
    while (waiting < queue.length && waiting < MAX_BATCH_TASKS * size && queue[waiting]?.module.digest === digest) waiting++;
    return waiting;
  }

  function dispatch(slot: WorkerSlot, jobs: Job[]): void {
    const module = (jobs[0] as Job).module;
    for (const job of jobs) {
      job.state = 'sent';
      job.slot = slot;
      job.seq = nextSeq++;
    }
    const batch = slot.addBatch(nextBatch++, module, jobs);
    send(slot, batch, !slot.knownDigests.has(module.digest));
    if (slot.state === 'busy') return;
    slot.state = 'busy';
    slot.armDeadline();
  }

  function send(slot: WorkerSlot, batch: Batch, withBytes: boolean): void {
    batch.sentBytes = withBytes;
    slot.handle.send({
      type: 'run',
      batch: batch.id,
      digest: batch.module.digest,
      bytes: withBytes ? batch.module.bytes : null,
      stdioCapBytes,
      outputFilesCapBytes,
      tasks: batch.pending.map((job) => ({ seq: job.seq, task: job.task })),
    });
  }

  function checkDeadline(slot: WorkerSlot): void {
    if (slot.state !== 'busy') return;
    const { job, since } = slot.running();
    const elapsed = timers.now() - since;
    if (elapsed < job.task.timeoutMs) {
      slot.armDeadline();
      return;
    }
    // The guest cannot be interrupted: the worker goes, and whatever it had not answered runs again.
    failRunning(slots.indexOf(slot), slot, () => timeoutOutcome(job.task.timeoutMs, elapsed));
  }

  /** Ends the running job with `outcome`, replaces the worker and requeues the rest of what it held in front. */
  function failRunning(index: number, slot: WorkerSlot, outcome: (elapsedMs: number) => TaskOutcome): void {
    if (slot.state !== 'busy') return;
    const { job: failed, since } = slot.running();
    const rest = slot.heldJobs().filter((job) => job !== failed && job.state === 'sent');
    replaceSlot(index, slot);
    settle(failed, outcome(timers.now() - since));
    for (const job of rest) {
      job.state = 'queued';
      job.slot = null;
    }
    queue.unshift(...rest);
    pump();
  }

  function workerSaid(index: number, slot: WorkerSlot, raw: unknown): void {
    if (slot.state === 'retired') return;
    const parsed = parseWorkerToHost(raw);
    const batch = parsed.ok ? slot.batches.find((candidate) => candidate.id === parsed.value.batch) : undefined;
    if (!parsed.ok || batch === undefined) {
      const problem = parsed.ok ? 'it names no batch in flight' : parsed.error;
      if (slot.state !== 'busy') replaceSlot(index, slot);
      else failRunning(index, slot, (elapsed) => hostFailedOutcome(`runtime worker failure: malformed worker reply: ${problem}`, elapsed));
      return;
    }
    heard(index, slot, batch, parsed.value);
  }

  function heard(index: number, slot: WorkerSlot, batch: Batch, message: WorkerToHost): void {
    const { digest } = batch.module;
    switch (message.type) {
      case 'module_missing':
        slot.knownDigests.delete(digest);
        if (batch.sentBytes) failRunning(index, slot, (elapsed) => hostFailedOutcome('runtime worker failure: worker refused the module bytes', elapsed));
        else sendAgainLast(slot, batch);
        return;
      case 'refused':
        for (const job of batch.pending) settle(job, hostFailedOutcome(`runtime worker refused the batch: ${message.error}`, 0));
        batchDone(slot, batch);
        return;
      case 'results': {
        const answered = batch.pending.slice(0, message.results.length);
        if (message.results.some((result, at) => answered[at]?.seq !== result.seq)) {
          failRunning(index, slot, (elapsed) => hostFailedOutcome('runtime worker failure: malformed worker reply: results out of order', elapsed));
          return;
        }
        batch.pending.splice(0, answered.length);
        if (message.moduleCached) slot.knownDigests.set(digest, true);
        else slot.knownDigests.delete(digest);
        message.results.forEach(({ outcome }, at) => {
          estimates.observe(digest, outcome.durationMs);
          settle(answered[at] as Job, outcome);
        });
        if (batch.pending.length === 0) {
          batchDone(slot, batch);
          return;
        }
        if (batch === slot.batches[0]) batch.headSince = timers.now();
        slot.armDeadline();
        return;
      }
      default:
        return exhaustive(message);
    }
  }

  function batchDone(slot: WorkerSlot, batch: Batch): void {
    slot.removeBatch(batch);
    if (slot.batches.length > 0) {
      slot.armDeadline();
    } else {
      slot.deadline.disarm();
      slot.state = 'idle';
    }
    pump();
  }

  function sendAgainLast(slot: WorkerSlot, batch: Batch): void {
    slot.moveBatchLast(batch);
    send(slot, batch, true);
    slot.armDeadline();
  }

  function abortSent(job: Job): void {
    const slot = job.slot;
    if (slot === null || slot.state !== 'busy') return;
    // Only a running guest costs its worker; one still waiting in the worker is answered now and its result ignored.
    if (slot.running().job === job) failRunning(slots.indexOf(slot), slot, (elapsed) => hostFailedOutcome(CANCELLED_MESSAGE, elapsed));
    else settle(job, hostFailedOutcome(CANCELLED_MESSAGE, 0));
  }

  function run(module: ModuleRef, task: TaskSpec, signal?: CancelSignal): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      if (stopped) return resolve(hostFailedOutcome(`${CANCELLED_MESSAGE}: pool is stopped`, 0));
      if (brokenReason !== null) return resolve(hostFailedOutcome(brokenReason, 0));
      const problem = findTaskProblem(module, task);
      if (problem !== null) return resolve(failedOutcome(problem, 0));
      if (signal?.aborted) return resolve(hostFailedOutcome(CANCELLED_MESSAGE, 0));

      const job: Job = {
        module,
        task,
        signal,
        resolve,
        state: 'queued',
        seq: 0,
        slot: null,
        onAbort() {
          if (job.state === 'sent') return abortSent(job);
          const at = queue.indexOf(job);
          if (at >= 0) queue.splice(at, 1);
          settle(job, hostFailedOutcome(CANCELLED_MESSAGE, 0));
        },
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      queue.push(job);
      // Callers often submit several tasks in one turn (a node agent gets them in batches): wait
      // for the rest, so the first message to a worker carries them too.
      if (!pumpQueued) {
        pumpQueued = true;
        queueMicrotask(() => {
          pumpQueued = false;
          pump();
        });
      }
    });
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    drainQueue(`${CANCELLED_MESSAGE}: pool is stopped`);
    for (const slot of slots) {
      for (const job of slot.heldJobs()) settle(job, hostFailedOutcome(`${CANCELLED_MESSAGE}: pool is stopped`, 0));
      if (slot.state !== 'retired') slot.retire();
    }
    await Promise.all(slots.map((slot) => slot.terminated));
  }

  for (let index = 0; index < size; index++) startSlot(index);

  return {
    size,
    get busy() {
      return slots.filter((slot) => slot.state === 'busy').length;
    },
    run,
    stop,
  };
}

function exhaustive(value: never): never {
  throw new Error(`unhandled worker message ${JSON.stringify(value)}`);
}
