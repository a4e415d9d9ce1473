import { Backlog } from './backlog';
import { Placer } from './placer';
import { NodeIndex } from './node-index';
import { Ranking } from './ranking';
import { queueSummary, rankView, reasonFor, waitingUnits } from './reports';
import { JobState, type Attempt, type UnitState } from './state';
import { StragglerWatch } from './stragglers';
import { seededRandom } from './structures';
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
  private readonly jobs = new Map<string, JobState>();
  private readonly stragglers: StragglerWatch;
  private readonly ranking: Ranking;
  private readonly backlog: Backlog;
  private readonly placer: Placer;
  private readonly now: () => number;
  private seq = 0;

  constructor(options: SchedulerOptions) {
    this.now = options.now;
    this.stragglers = new StragglerWatch(options.stragglers);
    this.ranking = new Ranking(options.ranking);
    this.backlog = new Backlog(options);
    const weights = { rank: 1, load: 1, locality: 0.5, ...options.placement };
    const random = options.random ?? seededRandom(0x7ab6);
    this.placer = new Placer(this.nodes, this.units, this.backlog, this.stragglers, weights, random);
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
      if (this.units.has(unit.unitId) || this.placer.speculativeCopy(unit.unitId)) throw new Error(`unit ${unit.unitId} already submitted`);
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
      this.units.set(unit.unitId, state);
      this.backlog.add(state);
      if (job) {
        job.units.add(state);
        job.total++;
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
    const attempt = this.placer.attemptOf(unitId);
    const state = attempt ? attempt.unit : this.units.get(unitId);
    if (!state) {
      this.backlog.forget(unitId);
      return undefined;
    }
    const now = this.now();
    if (attempt) this.placer.succeeded(attempt, now);
    const cancel: Cancellation[] = [];
    while (state.attempts.length > 0) {
      const other = state.attempts[state.attempts.length - 1]!;
      if (other !== attempt) cancel.push({ unitId: other.id, nodeId: other.node.id });
      this.placer.release(other);
    }
    this.finishUnit(state);
    return { unitId: state.unit.unitId, taskId: state.unit.taskId, nodeId: attempt?.node.id, cancel };
  }

  /**
   * The caller gives up on a unit (its task was decided by other replicas, or cancelled): it is
   * removed wherever it is, without counting as a result of its nodes. Returns the attempts to stop.
   */
  cancel(unitId: string): Cancellation[] {
    const state = this.units.get(unitId) ?? this.placer.speculativeCopy(unitId)?.unit;
    if (!state) {
      this.backlog.forget(unitId);
      return [];
    }
    const cancel = state.attempts.map((a) => ({ unitId: a.id, nodeId: a.node.id }));
    for (const attempt of [...state.attempts]) this.placer.release(attempt);
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
    if (node) this.placer.renew(node, this.now() + extendMs);
  }

  /** Attempts whose lease ran out are taken from their node and treated as a node failure. */
  expireLeases(): NodeFailureOutcome[] {
    const now = this.now();
    const expired: NodeFailureOutcome[] = [];
    for (let top = this.placer.firstExpired(now); top !== undefined; top = this.placer.firstExpired(now)) {
      expired.push(this.failAttempt(top, now));
    }
    return expired;
  }

  /** The node refused or lost one attempt (module fetch failed, crash): retry elsewhere with backoff. */
  nodeFailed(unitId: string): NodeFailureOutcome | undefined {
    const attempt = this.placer.attemptOf(unitId);
    return attempt && this.failAttempt(attempt, this.now());
  }

  leaseOf(unitId: string): { nodeId: string; deadline: number } | undefined {
    const attempt = this.placer.attemptOf(unitId);
    return attempt && { nodeId: attempt.node.id, deadline: attempt.deadline };
  }

  // ---- placement ------------------------------------------------------------------------------

  /**
   * Places as many queued units as free slots allow, oldest first across constraint classes,
   * then gives long-running units of nearly finished jobs a speculative copy on spare slots.
   */
  place(limit = Infinity): Assignment[] {
    const now = this.now();
    this.backlog.releaseDue(now);
    const placed: Assignment[] = [];
    if (this.backlog.queued > 0) this.placer.placeQueued(now, limit, placed);
    if (this.stragglers.watching && placed.length < limit) this.placer.placeStragglers(now, limit, placed);
    return placed;
  }

  /** The earliest time at which `place()` or `expireLeases()` has something to do on its own (may be ≤ now). */
  nextWakeAt(): number | undefined {
    const next = Math.min(this.backlog.nextRetryAt(), this.placer.nextDeadline(), this.stragglers.nextCheckAt);
    return next === Infinity ? undefined : next;
  }

  // ---- reporting ------------------------------------------------------------------------------

  /** Why each waiting unit waits, oldest first, for the API and the dashboard. O(queue). */
  queued(): QueuedUnit[] {
    return waitingUnits(this.nodes, this.backlog.retrying);
  }

  /** Module digests of the units waiting in the queue (units without a digest are not listed). */
  queuedDigests(): IterableIterator<string> {
    return this.backlog.digests();
  }

  /** Why one unit waits; undefined if it is running, done or unknown. O(1). */
  queuedReason(unitId: string): QueueReason | undefined {
    const state = this.units.get(unitId);
    return state && (state.status === 'queued' || state.status === 'backoff') ? reasonFor(this.nodes, state) : undefined;
  }

  /** Waiting units counted by reason. O(constraint classes). */
  queueSummary(): Record<QueueReason, number> {
    return queueSummary(this.nodes, this.backlog.backingOff);
  }

  /** Units given up on after losing too many nodes, until completed (acknowledged) or resubmitted. */
  quarantined(): QuarantinedUnit[] {
    return this.backlog.quarantined();
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
      running: this.placer.running,
      queued: this.backlog.queued,
      backingOff: this.backlog.backingOff,
      quarantined: this.backlog.quarantinedCount,
      speculative: this.placer.speculative,
    };
  }

  // ---- internals ------------------------------------------------------------------------------

  /** One attempt was lost with its node: requeue the unit with backoff, or quarantine it. */
  private failAttempt(attempt: Attempt, now: number): NodeFailureOutcome {
    const state = attempt.unit;
    const node = attempt.node;
    this.placer.release(attempt);
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
    outcome.action = this.backlog.retryOrQuarantine(state, now);
    if (outcome.action === 'quarantined') this.finishUnit(state);
    else if (state.job) this.stragglers.jobChanged(state.job);
    return outcome;
  }

  /** Removes a unit that is done (completed, cancelled or quarantined) from every index. */
  private finishUnit(state: UnitState): void {
    switch (state.status) {
      case 'queued':
      case 'backoff':
        this.backlog.withdraw(state);
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
