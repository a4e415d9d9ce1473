import type { CancelSignal } from './cancellation';
import { DeadlineTimer } from './deadline-timer';
import { MODULE_CACHE_ENTRIES } from './limits';
import { Lru } from './lru';
import type { ModuleRef, PoolTimers, TaskOutcome, TaskSpec } from './types';
import type { HostToWorker } from './worker-messages';

/** One live worker, whatever it runs on. */
export interface WorkerHandle {
  ping(): Promise<number>;
  /** After a ping that matched: the worker starts serving batches sent with `send`. */
  open(): Promise<void>;
  send(message: HostToWorker): void;
  /** Every message the worker sends, unparsed. */
  onMessage(listener: (raw: unknown) => void): void;
  /**
   * The task the worker started last and how long ago, read without a message; null when the
   * platform cannot share memory (then the worker answers each task at once) or before any task.
   */
  progress(): { seq: number; startedAgoMs: number } | null;
  /** Must return promptly; the pool does not wait for the thread to actually stop. */
  terminate(): Promise<void>;
  /** Called if the worker dies on its own (load error, uncaught exception, exit). */
  onFailure(listener: (reason: string) => void): void;
}

/** A task the pool holds, from `run` until it is settled. */
export interface Job {
  module: ModuleRef;
  task: TaskSpec;
  signal: CancelSignal | undefined;
  resolve(outcome: TaskOutcome): void;
  onAbort(): void;
  state: 'queued' | 'sent' | 'done';
  /** Names the job to the worker it was last sent to; new on every dispatch. */
  seq: number;
  slot: WorkerSlot | null;
}

export interface Batch {
  id: number;
  module: ModuleRef;
  /** Sent and not yet answered, in order. A job cancelled while waiting stays until its result is ignored. */
  pending: Job[];
  sentBytes: boolean;
  /**
   * When the host sent the batch, last heard about it, or heard the last of the batch the worker
   * held before it: the head cannot have started earlier. Infinity while that batch is unanswered.
   */
  headSince: number;
}

/**
 * What the pool knows of one worker: the batches it holds, which job it is running and since when,
 * and the timer for that job's deadline.
 */
export class WorkerSlot {
  state: 'starting' | 'idle' | 'busy' | 'retired' = 'starting';
  /** Set once the slot is retired. */
  terminated: Promise<void> | null = null;
  /** Digests this worker was sent; a stale entry only costs one `module_missing` round trip. */
  readonly knownDigests = new Lru<string, true>(MODULE_CACHE_ENTRIES);
  /** Sent and not wholly answered, in the order the worker runs them: the running one, then at most one prefetched. */
  batches: Batch[] = [];
  /** Wakes the pool at or before the deadline of the task the worker is running. */
  readonly deadline: DeadlineTimer;

  constructor(
    readonly handle: WorkerHandle,
    private readonly timers: PoolTimers,
    onDeadline: (slot: WorkerSlot) => void,
  ) {
    this.deadline = new DeadlineTimer(timers, () => onDeadline(this));
  }

  /** A batch of `jobs`, after those the worker holds; the caller sends it. */
  addBatch(id: number, module: ModuleRef, jobs: Job[]): Batch {
    const batch: Batch = { id, module, pending: jobs, sentBytes: false, headSince: this.batches.length === 0 ? this.timers.now() : Infinity };
    this.batches.push(batch);
    return batch;
  }

  removeBatch(batch: Batch): void {
    const at = this.batches.indexOf(batch);
    this.batches.splice(at, 1);
    const head = this.batches[0];
    if (at === 0 && head !== undefined) head.headSince = this.timers.now();
  }

  /** The worker answers batches in the order they arrive, so one sent again runs after those it already holds. */
  moveBatchLast(batch: Batch): void {
    this.removeBatch(batch);
    if (this.batches.length > 0) batch.headSince = Infinity;
    this.batches.push(batch);
  }

  /** Sent and not yet answered, in the order the worker runs them; cancelled ones included, already settled. */
  heldJobs(): Job[] {
    return this.batches.flatMap((batch) => batch.pending);
  }

  /** The job a busy worker is running, and the earliest it can have started. */
  running(): { job: Job; since: number } {
    const progress = this.handle.progress();
    for (const batch of progress === null ? [] : this.batches) {
      const at = batch.pending.findIndex((job) => job.seq === progress?.seq);
      if (at < 0) continue;
      const started = this.timers.now() - (progress?.startedAgoMs ?? 0);
      // The head's deadline also covers the wait for its batch to arrive and its module to compile.
      return { job: batch.pending[at] as Job, since: at === 0 ? Math.min(started, batch.headSince) : started };
    }
    const head = this.batches[0] as Batch;
    return { job: head.pending[0] as Job, since: head.headSince };
  }

  armDeadline(): void {
    const { job, since } = this.running();
    this.deadline.arm(since + job.task.timeoutMs);
  }

  retire(): void {
    this.deadline.disarm();
    this.batches = [];
    this.state = 'retired';
    this.terminated = this.handle.terminate().catch(() => {});
  }
}
