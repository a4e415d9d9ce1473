import type { UnitState } from './state';
import { MinHeap } from './structures';
import type { QuarantinedUnit, SchedulerOptions } from './types';

/**
 * The units waiting to run: the counts over the constraint classes' queues, the retries backing
 * off after a lost attempt, and the units given up on after losing too many nodes. A job's
 * `queued` counts its units from submission or requeue until they are placed or finished,
 * whether they wait in a queue or back off.
 */
export class Backlog {
  private readonly maxNodeFailures: number;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private readonly maxBackoffMs: number;
  /** Units backing off by `notBefore`; ones that left meanwhile are dropped lazily from the top. */
  private readonly backoff = new MinHeap<UnitState>((u) => u.notBefore);
  private readonly quarantine = new Map<string, QuarantinedUnit>();
  private queuedTotal = 0;
  private backingOffTotal = 0;
  /** Queued units per module digest, so the caller can size node pipelines to what waits. */
  private readonly queuedModules = new Map<string, number>();

  constructor(options: SchedulerOptions) {
    this.maxNodeFailures = options.maxNodeFailures ?? 3;
    this.maxAttempts = options.maxAttempts ?? 3 * this.maxNodeFailures;
    this.retryBackoffMs = options.retryBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  get queued(): number {
    return this.queuedTotal;
  }

  get backingOff(): number {
    return this.backingOffTotal;
  }

  get quarantinedCount(): number {
    return this.quarantine.size;
  }

  /** Units backing off, and some that no longer do (their status says which). */
  get retrying(): Iterable<UnitState> {
    return this.backoff;
  }

  /** A submitted unit joins the back of its queue; resubmitting a quarantined unit ends its quarantine. */
  add(state: UnitState): void {
    this.quarantine.delete(state.unit.unitId);
    state.cls.queue.pushBack(state);
    this.count(state, 1);
    if (state.job) state.job.queued++;
  }

  /** A queued unit leaves its queue to run. */
  taken(state: UnitState): void {
    this.count(state, -1);
    if (state.job) state.job.queued--;
  }

  /** A queued or backing-off unit is done without running again (completed or cancelled). */
  withdraw(state: UnitState): void {
    if (state.status === 'queued') {
      this.taken(state);
      if (state.blocked) state.cls.blockedCount--;
    } else {
      this.backingOffTotal--;
      if (state.job) state.job.queued--;
    }
  }

  /**
   * The unit lost its last attempt, the loss already counted in `failures` and `failedOn`. After
   * too many nodes or attempts it is quarantined; otherwise it waits out a backoff that doubles per
   * failure, then goes before later work of its class.
   */
  retryOrQuarantine(state: UnitState, now: number): 'requeued' | 'quarantined' {
    const failedOn = state.failedOn!;
    if (failedOn.size >= this.maxNodeFailures || state.failures >= this.maxAttempts) {
      const { unitId, taskId, jobId } = state.unit;
      this.quarantine.set(unitId, { unitId, taskId, jobId, nodes: [...failedOn] });
      if (state.job) state.job.quarantined++;
      return 'quarantined';
    }
    state.notBefore = now + Math.min(this.maxBackoffMs, this.retryBackoffMs * 2 ** (state.failures - 1));
    if (state.job) state.job.queued++;
    if (state.notBefore > now) {
      state.status = 'backoff';
      this.backingOffTotal++;
      this.backoff.push(state);
    } else {
      this.enqueueFront(state);
    }
    return 'requeued';
  }

  /** Units whose backoff is over go back to their queues. */
  releaseDue(now: number): void {
    for (let top = this.backoff.peek(); top !== undefined; top = this.backoff.peek()) {
      if (top.status === 'backoff') {
        if (top.notBefore > now) return;
        this.backingOffTotal--;
        this.enqueueFront(top);
      }
      this.backoff.pop();
    }
  }

  /** When the earliest backoff ends; Infinity if nothing backs off. */
  nextRetryAt(): number {
    for (let top = this.backoff.peek(); top !== undefined; top = this.backoff.peek()) {
      if (top.status === 'backoff') return top.notBefore;
      this.backoff.pop();
    }
    return Infinity;
  }

  /** Module digests of the queued units. */
  digests(): IterableIterator<string> {
    return this.queuedModules.keys();
  }

  quarantined(): QuarantinedUnit[] {
    return [...this.quarantine.values()];
  }

  /** The caller acknowledged a quarantined unit (completed or cancelled it). */
  forget(unitId: string): void {
    this.quarantine.delete(unitId);
  }

  /** Retries go before later work of their class. */
  private enqueueFront(state: UnitState): void {
    state.status = 'queued';
    state.blocked = false;
    state.cls.queue.pushFront(state);
    this.count(state, 1);
  }

  private count(state: UnitState, delta: 1 | -1): void {
    state.cls.queuedCount += delta;
    this.queuedTotal += delta;
    const digest = state.unit.moduleDigest;
    if (digest === undefined) return;
    const count = (this.queuedModules.get(digest) ?? 0) + delta;
    if (count > 0) this.queuedModules.set(digest, count);
    else this.queuedModules.delete(digest);
  }
}
