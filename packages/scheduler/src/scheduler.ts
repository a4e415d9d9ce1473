import { pickNode, type PlacementWeights } from './placement';
import { Ranking } from './ranking';
import { queueSummary, rankView, reasonFor, waitingUnits } from './reports';
import { ConstraintClass, JobState, type Attempt, type NodeState, type UnitState } from './state';
import { LeaseHeap } from './lease-heap';
import { NodeIndex } from './node-index';
import { StragglerWatch } from './stragglers';
import { MinHeap, seededRandom } from './structures';
import type {
  Assignment,
  Cancellation,
  Completion,
  JobProgress,
  NodeFailureOutcome,
  NodeRank,
  NodeRankSnapshot,
  NodeSpec,
  QuarantinedUnit,
  QueuedUnit,
  QueueReason,
  SchedulerOptions,
  SchedulerStats,
  WorkUnit,
} from './types';

/** Blocked units retried per class per round: bounds the cost of work that cannot move. */
const BLOCKED_RETRIES = 8;
const COPY_SUFFIX = '~spec';

/**
 * Pure placement and lease bookkeeping. No I/O and no timers: the caller drives it with
 * `place()` and `expireLeases()` and reports completions and node departures.
 *
 * Costs: `place()` is O(classes + decisions), each decision O(1) in nodes and queue length;
 * `complete` O(copies), `removeNode` O(units on the node), `expireLeases` O(expired · log leases).
 */
export class Scheduler {
  private readonly nodes = new NodeIndex();
  /** Live logical units (queued, backing off or running). */
  private readonly units = new Map<string, UnitState>();
  /** Live speculative copies by the id their node knows (primaries are found through `units`). */
  private readonly copies = new Map<string, Attempt>();
  private runningTotal = 0;
  private readonly jobs = new Map<string, JobState>();
  private readonly stragglers: StragglerWatch;
  private readonly backoff = new MinHeap<UnitState>((u) => u.notBefore);
  private readonly leases = new LeaseHeap();
  private readonly quarantine = new Map<string, QuarantinedUnit>();
  private readonly ranking: Ranking;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly maxNodeFailures: number;
  private readonly maxAttempts: number;
  private readonly retryBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly weights: PlacementWeights;
  private seq = 0;
  private queuedTotal = 0;
  /** Queued units per module digest, so the caller can size node pipelines to what waits. */
  private readonly queuedModules = new Map<string, number>();
  private backingOff = 0;
  private speculativeLive = 0;
  private globalMeanDuration: number | undefined;

  constructor(options: SchedulerOptions) {
    this.now = options.now;
    this.random = options.random ?? seededRandom(0x7ab6);
    this.maxNodeFailures = options.maxNodeFailures ?? 3;
    this.maxAttempts = options.maxAttempts ?? 3 * this.maxNodeFailures;
    this.retryBackoffMs = options.retryBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.weights = { rank: 1, load: 1, locality: 0.5, ...options.placement };
    this.stragglers = new StragglerWatch(options.stragglers);
    this.ranking = new Ranking(options.ranking);
  }

  // ---- nodes ----------------------------------------------------------------------------------

  /** A node joins, or re-registers with new capabilities (what it runs is kept). */
  addNode(spec: NodeSpec): void {
    const existing = this.nodes.get(spec.id);
    if (existing) return this.nodes.update(existing, spec);
    const rank = this.ranking.of(spec.id);
    this.ranking.touch(rank);
    rank.online(this.now());
    this.nodes.add(spec, rank);
  }

  /** A node's capacity changes (its pipeline deepens or shrinks); running units stay where they are. */
  setNodeSlots(nodeId: string, slots: number): void {
    const node = this.nodes.get(nodeId);
    if (node) this.nodes.setSlots(node, slots);
  }

  hasNode(nodeId: string): boolean {
    return this.nodes.get(nodeId) !== undefined;
  }

  /** The node is gone (disconnect, missed heartbeats): its units are re-queued at once (or quarantined). */
  removeNode(nodeId: string): NodeFailureOutcome[] {
    const node = this.nodes.get(nodeId);
    if (!node) return [];
    const now = this.now();
    this.nodes.remove(node);
    node.rank.offline(now);
    const outcomes: NodeFailureOutcome[] = [];
    for (const attempt of node.running.slice()) outcomes.push(this.failAttempt(attempt, now));
    return outcomes;
  }

  /** The node now caches the module (it fetched it, or reported its cache). */
  addNodeModule(nodeId: string, digest: string): void {
    const node = this.nodes.get(nodeId);
    if (node) this.nodes.addModule(node, digest);
  }

  removeNodeModule(nodeId: string, digest: string): void {
    const node = this.nodes.get(nodeId);
    if (node) this.nodes.removeModule(node, digest);
  }

  nodeHasModule(nodeId: string, digest: string): boolean {
    return this.nodes.get(nodeId)?.modules.has(digest) ?? false;
  }

  runningOn(nodeId: string): number {
    return this.nodes.get(nodeId)?.running.length ?? 0;
  }

  // ---- ranking --------------------------------------------------------------------------------

  /** Verification's verdict on one of the node's results (issue 5 feeds this). */
  recordAgreement(nodeId: string, agreed: boolean): void {
    this.ranking.of(nodeId).agreed(agreed);
  }

  nodeRank(nodeId: string): NodeRank | undefined {
    const record = this.ranking.get(nodeId);
    return record && rankView(this.nodes, record, this.now());
  }

  /** Ranks of the online nodes, for `GET /v1/nodes`. */
  nodeRanks(): NodeRank[] {
    const now = this.now();
    return [...this.nodes.values()].map((node) => rankView(this.nodes, node.rank, now));
  }

  /** Puts back a rank saved before a restart; call before or after the node re-registers. */
  restoreRank(snapshot: NodeRankSnapshot): void {
    this.ranking.of(snapshot.nodeId).restore(snapshot);
  }

  // ---- units ----------------------------------------------------------------------------------

  /** Queues units in order; units sharing a `taskId` in one call are replicas and never share a node. */
  submit(units: readonly WorkUnit[]): void {
    for (const unit of units) {
      if (this.units.has(unit.unitId) || this.copies.has(unit.unitId)) throw new Error(`unit ${unit.unitId} already submitted`);
    }
    const firstOfTask = new Map<string, UnitState>();
    for (const unit of units) {
      // A duplicate within the batch is a caller bug; the units before it stay submitted.
      if (this.units.has(unit.unitId)) throw new Error(`unit ${unit.unitId} submitted twice in one batch`);
      const job = unit.jobId === undefined ? undefined : this.jobOf(unit.jobId);
      const state: UnitState = {
        unit,
        seq: this.seq++,
        status: 'queued',
        cls: this.nodes.classFor(unit),
        siblings: undefined,
        job,
        attempts: [],
        failedOn: undefined,
        failures: 0,
        notBefore: 0,
        copies: 0,
        blocked: false,
        runPrev: undefined,
        runNext: undefined,
        runStart: 0,
        inRunList: false,
      };
      const first = firstOfTask.get(unit.taskId);
      if (first) state.siblings = first.siblings ??= new Set();
      else firstOfTask.set(unit.taskId, state);
      this.quarantine.delete(unit.unitId);
      this.units.set(unit.unitId, state);
      state.cls.queue.pushBack(state);
      this.countQueued(state, 1);
      if (job) {
        job.units.add(state);
        job.total++;
        job.queued++;
        this.stragglers.jobChanged(job);
      }
    }
  }

  /** Removes a unit wherever it is (cancel, or a result that arrived). Returns the node that held it. */
  complete(unitId: string): string | undefined {
    return this.completeUnit(unitId)?.nodeId;
  }

  /**
   * A result arrived for `unitId` (a unit or a speculative copy's id), or the caller cancels the
   * unit: it is done. The other running attempts of the same unit are listed to be cancelled.
   */
  completeUnit(unitId: string): Completion | undefined {
    const attempt = this.attemptOf(unitId);
    const state = attempt ? attempt.unit : this.units.get(unitId);
    if (!state) {
      this.quarantine.delete(unitId);
      return undefined;
    }
    const now = this.now();
    if (attempt) this.recordSuccess(attempt, now);
    const cancel: Cancellation[] = [];
    while (state.attempts.length > 0) {
      const other = state.attempts[state.attempts.length - 1]!;
      if (other !== attempt) cancel.push({ unitId: other.id, nodeId: other.node.id });
      this.release(other);
    }
    this.finishUnit(state);
    return { unitId: state.unit.unitId, taskId: state.unit.taskId, nodeId: attempt?.node.id, cancel };
  }

  /**
   * The caller gives up on a unit (its task was decided by other replicas, or cancelled): it is
   * removed wherever it is, without counting as a result of its nodes. Returns the attempts to stop.
   */
  cancel(unitId: string): Cancellation[] {
    const state = this.units.get(unitId) ?? this.copies.get(unitId)?.unit;
    if (!state) {
      this.quarantine.delete(unitId);
      return [];
    }
    const cancel = state.attempts.map((a) => ({ unitId: a.id, nodeId: a.node.id }));
    for (const attempt of [...state.attempts]) this.release(attempt);
    this.finishUnit(state);
    return cancel;
  }

  /** Cancels every unit of a job; returns the running attempts to stop. */
  cancelJob(jobId: string): Cancellation[] {
    const job = this.jobs.get(jobId);
    if (!job) return [];
    const cancel: Cancellation[] = [];
    for (const state of [...job.units]) cancel.push(...this.cancel(state.unit.unitId));
    return cancel;
  }

  /** Extends the leases of everything a live node runs (heartbeat). */
  renewLeases(nodeId: string, extendMs: number): void {
    const node = this.nodes.get(nodeId);
    if (!node) return;
    const deadline = this.now() + extendMs;
    for (const attempt of node.running) {
      if (attempt.deadline >= deadline) continue;
      attempt.deadline = deadline;
      this.leases.later(attempt);
    }
  }

  /** Attempts whose lease ran out are taken from their node and treated as a node failure. */
  expireLeases(): NodeFailureOutcome[] {
    const now = this.now();
    const expired: NodeFailureOutcome[] = [];
    for (let top = this.leases.peek(); top !== undefined && top.deadline <= now; top = this.leases.peek()) {
      expired.push(this.failAttempt(top, now));
    }
    return expired;
  }

  /** The node refused or lost one attempt (module fetch failed, crash): retry elsewhere with backoff. */
  nodeFailed(unitId: string): NodeFailureOutcome | undefined {
    const attempt = this.attemptOf(unitId);
    return attempt && this.failAttempt(attempt, this.now());
  }

  leaseOf(unitId: string): { nodeId: string; deadline: number } | undefined {
    const attempt = this.attemptOf(unitId);
    return attempt && { nodeId: attempt.node.id, deadline: attempt.deadline };
  }

  // ---- placement ------------------------------------------------------------------------------

  /**
   * Places as many queued units as free slots allow, oldest first across constraint classes,
   * then gives long-running units of nearly finished jobs a speculative copy on spare slots.
   */
  place(limit = Infinity): Assignment[] {
    const now = this.now();
    this.releaseBackoffs(now);
    const placed: Assignment[] = [];
    if (this.queuedTotal > 0) this.placeQueued(now, limit, placed);
    if (this.stragglers.watching && placed.length < limit) this.placeStragglers(now, limit, placed);
    return placed;
  }

  /** The earliest time at which `place()` or `expireLeases()` has something to do on its own (may be ≤ now). */
  nextWakeAt(): number | undefined {
    let next = Infinity;
    for (let top = this.backoff.peek(); top !== undefined; top = this.backoff.peek()) {
      if (top.status === 'backoff') {
        next = top.notBefore;
        break;
      }
      this.backoff.pop();
    }
    const lease = this.leases.peek();
    if (lease) next = Math.min(next, lease.deadline);
    next = Math.min(next, this.stragglers.nextCheckAt);
    return next === Infinity ? undefined : next;
  }

  // ---- reporting ------------------------------------------------------------------------------

  /** Why each waiting unit waits, oldest first, for the API and the dashboard. O(queue). */
  queued(): QueuedUnit[] {
    return waitingUnits(this.nodes, this.backoff);
  }

  /** Module digests of the units waiting in the queue (units without a digest are not listed). */
  queuedDigests(): IterableIterator<string> {
    return this.queuedModules.keys();
  }

  /** Why one unit waits; undefined if it is running, done or unknown. O(1). */
  queuedReason(unitId: string): QueueReason | undefined {
    const state = this.units.get(unitId);
    return state && (state.status === 'queued' || state.status === 'backoff') ? reasonFor(this.nodes, state) : undefined;
  }

  /** Waiting units counted by reason. O(constraint classes). */
  queueSummary(): Record<QueueReason, number> {
    return queueSummary(this.nodes, this.backingOff);
  }

  /** Units given up on after losing too many nodes, until completed (acknowledged) or resubmitted. */
  quarantined(): QuarantinedUnit[] {
    return [...this.quarantine.values()];
  }

  jobProgress(jobId: string): JobProgress | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    return {
      total: job.total,
      remaining: job.units.size,
      queued: job.queued,
      running: job.units.size - job.queued,
      quarantined: job.quarantined,
    };
  }

  stats(): SchedulerStats {
    return {
      nodes: this.nodes.size,
      units: this.units.size,
      slots: this.nodes.totalSlots,
      running: this.runningTotal,
      queued: this.queuedTotal,
      backingOff: this.backingOff,
      quarantined: this.quarantine.size,
      speculative: this.speculativeLive,
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  private placeQueued(now: number, limit: number, placed: Assignment[]): void {
    const active: ConstraintClass[] = [];
    for (const cls of this.nodes.classList) {
      if (cls.queuedCount === 0 || cls.free.size === 0) continue;
      cls.exhausted = false;
      active.push(cls);
      if (cls.blockedCount > 0 && cls.blockedTriedAt !== cls.freeEpoch) this.retryBlocked(cls, now, limit, placed);
    }
    while (placed.length < limit) {
      let best: ConstraintClass | undefined;
      let bestSeq = Infinity;
      for (const cls of active) {
        if (cls.exhausted || cls.free.size === 0) continue;
        const head = cls.head();
        if (head === undefined) cls.exhausted = true;
        else if (head.seq < bestSeq) {
          best = cls;
          bestSeq = head.seq;
        }
      }
      if (!best) return;
      const state = best.queue.shift()!;
      const node = this.pick(state, best, now, false);
      if (node) {
        this.dequeued(state);
        this.assign(state, node, now, false, placed);
      } else {
        state.blocked = true;
        best.blocked.pushBack(state);
        best.blockedCount++;
      }
    }
  }

  /** Blocked units rotate through a separate queue so they neither starve nor stall the rest. */
  private retryBlocked(cls: ConstraintClass, now: number, limit: number, placed: Assignment[]): void {
    cls.blockedTriedAt = cls.freeEpoch;
    for (let tries = 0; tries < BLOCKED_RETRIES && cls.blocked.length > 0 && placed.length < limit; tries++) {
      const state = cls.blocked.shift()!;
      if (state.status !== 'queued' || !state.blocked) {
        tries--;
        continue;
      }
      const node = this.pick(state, cls, now, false);
      if (!node) {
        cls.blocked.pushBack(state);
        continue;
      }
      state.blocked = false;
      cls.blockedCount--;
      this.dequeued(state);
      this.assign(state, node, now, false, placed);
      if (cls.free.size === 0) return;
    }
  }

  private placeStragglers(now: number, limit: number, placed: Assignment[]): void {
    this.stragglers.scan(
      now,
      () => placed.length < limit,
      (state) => {
        const node = this.pick(state, state.cls, now, true);
        if (node) this.assign(state, node, now, true, placed);
        return node !== undefined;
      },
    );
  }

  private pick(state: UnitState, cls: ConstraintClass, now: number, speculative: boolean): NodeState | undefined {
    return pickNode(state, cls, this.nodes.holders(state.unit.moduleDigest), speculative, this.weights, this.random, now);
  }

  private assign(state: UnitState, node: NodeState, now: number, speculative: boolean, placed: Assignment[]): void {
    const unitId = state.unit.unitId;
    let id = unitId;
    if (speculative) {
      do id = `${unitId}${COPY_SUFFIX}${++state.copies}`;
      while (this.copies.has(id) || this.units.has(id));
      this.speculativeLive++;
    }
    const deadline = now + state.unit.leaseMs;
    const attempt: Attempt = { id, unit: state, node, startedAt: now, deadline, heapIndex: -1, nodePos: node.running.length, live: true, speculative };
    if (speculative) this.copies.set(id, attempt);
    this.runningTotal++;
    state.attempts.push(attempt);
    state.status = 'running';
    node.running.push(attempt);
    this.nodes.updateFree(node);
    state.siblings?.add(node.id);
    this.leases.push(attempt);
    const job = state.job;
    if (job && !speculative) {
      job.runAppend(state, now);
      this.stragglers.jobChanged(job);
    }
    placed.push(
      speculative
        ? { unitId: id, taskId: state.unit.taskId, nodeId: node.id, leaseDeadline: deadline, speculativeOf: unitId }
        : { unitId: id, taskId: state.unit.taskId, nodeId: node.id, leaseDeadline: deadline },
    );
  }

  /** The live attempt a node knows by `id`: a unit's primary attempt or a speculative copy. */
  private attemptOf(id: string): Attempt | undefined {
    const state = this.units.get(id);
    if (state === undefined) return this.copies.get(id);
    for (const attempt of state.attempts) if (!attempt.speculative) return attempt;
    return undefined;
  }

  /** Bookkeeping for a queued unit leaving the queue to run. */
  private dequeued(state: UnitState): void {
    this.countQueued(state, -1);
    if (state.job) state.job.queued--;
  }

  private countQueued(state: UnitState, delta: 1 | -1): void {
    state.cls.queuedCount += delta;
    this.queuedTotal += delta;
    const digest = state.unit.moduleDigest;
    if (digest === undefined) return;
    const count = (this.queuedModules.get(digest) ?? 0) + delta;
    if (count > 0) this.queuedModules.set(digest, count);
    else this.queuedModules.delete(digest);
  }

  private release(attempt: Attempt): void {
    attempt.live = false;
    this.leases.remove(attempt);
    if (attempt.speculative) this.copies.delete(attempt.id);
    this.runningTotal--;
    const node = attempt.node;
    const last = node.running.pop()!;
    if (last !== attempt) {
      node.running[attempt.nodePos] = last;
      last.nodePos = attempt.nodePos;
    }
    this.nodes.updateFree(node);
    const attempts = attempt.unit.attempts;
    attempts.splice(attempts.indexOf(attempt), 1);
    if (attempt.speculative) this.speculativeLive--;
  }

  private recordSuccess(attempt: Attempt, now: number): void {
    const duration = Math.max(1, now - attempt.startedAt);
    const job = attempt.unit.job;
    const reference = job?.meanDuration ?? this.globalMeanDuration;
    attempt.node.rank.succeeded(reference === undefined ? undefined : reference / duration);
    job?.recordDuration(duration);
    this.globalMeanDuration = this.globalMeanDuration === undefined ? duration : this.globalMeanDuration + 0.01 * (duration - this.globalMeanDuration);
  }

  /** One attempt was lost with its node: requeue the unit with backoff, or quarantine it. */
  private failAttempt(attempt: Attempt, now: number): NodeFailureOutcome {
    const state = attempt.unit;
    const node = attempt.node;
    this.release(attempt);
    node.rank.lost();
    state.failures++;
    (state.failedOn ??= new Set()).add(node.id);
    state.siblings?.delete(node.id);
    const outcome: NodeFailureOutcome = { unitId: state.unit.unitId, taskId: state.unit.taskId, action: 'requeued' };
    if (attempt.speculative) outcome.attemptId = attempt.id;
    if (state.attempts.length > 0) {
      outcome.action = 'still_running';
      return outcome;
    }
    state.job?.runRemove(state);
    if (state.failedOn.size >= this.maxNodeFailures || state.failures >= this.maxAttempts) {
      this.quarantine.set(state.unit.unitId, {
        unitId: state.unit.unitId,
        taskId: state.unit.taskId,
        jobId: state.unit.jobId,
        nodes: [...state.failedOn],
      });
      if (state.job) state.job.quarantined++;
      this.finishUnit(state);
      outcome.action = 'quarantined';
      return outcome;
    }
    state.notBefore = now + Math.min(this.maxBackoffMs, this.retryBackoffMs * 2 ** (state.failures - 1));
    if (state.job) state.job.queued++;
    if (state.notBefore > now) {
      state.status = 'backoff';
      this.backingOff++;
      this.backoff.push(state);
    } else {
      this.enqueueFront(state);
    }
    if (state.job) this.stragglers.jobChanged(state.job);
    return outcome;
  }

  /** Retries go before later work of their class. */
  private enqueueFront(state: UnitState): void {
    state.status = 'queued';
    state.blocked = false;
    state.cls.queue.pushFront(state);
    this.countQueued(state, 1);
  }

  private releaseBackoffs(now: number): void {
    for (let top = this.backoff.peek(); top !== undefined; top = this.backoff.peek()) {
      if (top.status === 'backoff') {
        if (top.notBefore > now) return;
        this.backingOff--;
        this.enqueueFront(top);
      }
      this.backoff.pop();
    }
  }

  /** Removes a unit that is done (completed, cancelled or quarantined) from every index. */
  private finishUnit(state: UnitState): void {
    switch (state.status) {
      case 'queued':
        this.dequeued(state);
        if (state.blocked) state.cls.blockedCount--;
        break;
      case 'backoff':
        this.backingOff--;
        if (state.job) state.job.queued--;
        break;
      case 'running':
        state.job?.runRemove(state);
        break;
      case 'done':
        return;
      default:
        throw new Error(`unexpected unit status ${String(state.status satisfies never)}`);
    }
    state.status = 'done';
    this.units.delete(state.unit.unitId);
    const job = state.job;
    if (job) {
      job.units.delete(state);
      if (job.units.size === 0) {
        this.jobs.delete(job.id);
        this.stragglers.jobEnded(job);
      } else this.stragglers.jobChanged(job);
    }
  }

  private jobOf(jobId: string): JobState {
    let job = this.jobs.get(jobId);
    if (!job) this.jobs.set(jobId, (job = new JobState(jobId)));
    return job;
  }
}
