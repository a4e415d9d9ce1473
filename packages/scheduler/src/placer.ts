import type { Backlog } from './backlog';
import { LeaseHeap } from './lease-heap';
import type { NodeIndex } from './node-index';
import { pickNode, type PlacementWeights } from './placement';
import type { Attempt, ConstraintClass, NodeState, UnitState } from './state';
import type { StragglerWatch } from './stragglers';
import type { Assignment } from './types';

/** Blocked units retried per class per round: bounds the cost of work that cannot move. */
const BLOCKED_RETRIES = 8;
const COPY_SUFFIX = '~spec';

/**
 * Puts waiting units and straggler copies on free nodes, and keeps the attempts that run there:
 * on their node, in the lease heap, and (copies) by the id their node knows.
 */
export class Placer {
  /** Live speculative copies by the id their node knows (primaries are found through `units`). */
  private readonly copies = new Map<string, Attempt>();
  private readonly leases = new LeaseHeap();
  private runningTotal = 0;
  private speculativeLive = 0;
  private globalMeanDuration: number | undefined;

  constructor(
    private readonly nodes: NodeIndex,
    /** The scheduler's live units by id. */
    private readonly units: ReadonlyMap<string, UnitState>,
    private readonly backlog: Backlog,
    private readonly stragglers: StragglerWatch,
    private readonly weights: PlacementWeights,
    private readonly random: () => number,
  ) {}

  get running(): number {
    return this.runningTotal;
  }

  get speculative(): number {
    return this.speculativeLive;
  }

  /** Oldest first across constraint classes. */
  placeQueued(now: number, limit: number, placed: Assignment[]): void {
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
        this.backlog.taken(state);
        this.assign(state, node, now, false, placed);
      } else {
        state.blocked = true;
        best.blocked.pushBack(state);
        best.blockedCount++;
      }
    }
  }

  /** Long-running units of nearly finished jobs get a speculative copy on a spare slot. */
  placeStragglers(now: number, limit: number, placed: Assignment[]): void {
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

  /** The live attempt a node knows by `id`: a unit's primary attempt or a speculative copy. */
  attemptOf(id: string): Attempt | undefined {
    const state = this.units.get(id);
    if (state === undefined) return this.copies.get(id);
    for (const attempt of state.attempts) if (!attempt.speculative) return attempt;
    return undefined;
  }

  /** The live speculative copy a node knows by `id`. */
  speculativeCopy(id: string): Attempt | undefined {
    return this.copies.get(id);
  }

  /** Takes the attempt off its node, its lease and its unit. */
  release(attempt: Attempt): void {
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

  /** The attempt's result arrived: its node is credited for its speed against the job's (or all jobs') mean. */
  succeeded(attempt: Attempt, now: number): void {
    const duration = Math.max(1, now - attempt.startedAt);
    const job = attempt.unit.job;
    const reference = job?.meanDuration ?? this.globalMeanDuration;
    attempt.node.rank.succeeded(reference === undefined ? undefined : reference / duration);
    job?.recordDuration(duration);
    this.globalMeanDuration = this.globalMeanDuration === undefined ? duration : this.globalMeanDuration + 0.01 * (duration - this.globalMeanDuration);
  }

  /** Extends the leases of what the node runs to at least `deadline`. */
  renew(node: NodeState, deadline: number): void {
    for (const attempt of node.running) {
      if (attempt.deadline >= deadline) continue;
      attempt.deadline = deadline;
      this.leases.later(attempt);
    }
  }

  /** The attempt with the earliest lease, if that lease has run out by `now`. */
  firstExpired(now: number): Attempt | undefined {
    const top = this.leases.peek();
    return top !== undefined && top.deadline <= now ? top : undefined;
  }

  /** The earliest lease deadline; Infinity if nothing runs. */
  nextDeadline(): number {
    return this.leases.peek()?.deadline ?? Infinity;
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
      this.backlog.taken(state);
      this.assign(state, node, now, false, placed);
      if (cls.free.size === 0) return;
    }
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
}
