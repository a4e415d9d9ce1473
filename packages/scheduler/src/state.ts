/** The scheduler's internal records. Nothing here is exported from the package. */
import type { RankRecord } from './ranking';
import { Deque } from './structures';
import type { WorkUnit } from './types';

export interface NodeState {
  id: string;
  slots: number;
  workers: number;
  region: string;
  memoryMb: number;
  features: ReadonlySet<string>;
  modules: Set<string>;
  /** Attempts in flight; each knows its position (swap-remove). */
  running: Attempt[];
  /** Position in each class's free set by class id; -1 or missing when absent. */
  freePos: number[];
  /** Constraint classes this node satisfies. */
  classes: ConstraintClass[];
  /** Whether it is in its classes' free sets (online with a slot to spare). */
  listedFree: boolean;
  online: boolean;
  rank: RankRecord;
}

export type UnitStatus = 'queued' | 'backoff' | 'running' | 'done';

export interface UnitState {
  unit: WorkUnit;
  /** Submission order; retries keep theirs and so go before later work. */
  seq: number;
  status: UnitStatus;
  cls: ConstraintClass;
  /** Shared by replicas of one task submitted together: nodes that hold or produced one of them. */
  siblings: Set<string> | undefined;
  job: JobState | undefined;
  attempts: Attempt[];
  /** Distinct nodes that died, timed out or refused under it (soft-avoided, then quarantine). */
  failedOn: Set<string> | undefined;
  failures: number;
  notBefore: number;
  copies: number;
  /** The last placement round found a free node only among those holding its siblings. */
  blocked: boolean;
  /** Links in the job's list of running units, oldest start first (`runStart`); see JobState. */
  runPrev: UnitState | undefined;
  runNext: UnitState | undefined;
  runStart: number;
  inRunList: boolean;
}

export interface Attempt {
  /** The id the node knows: the unit's id, or a derived one for a speculative copy. */
  id: string;
  unit: UnitState;
  node: NodeState;
  startedAt: number;
  deadline: number;
  /** Position in the lease heap; -1 once out of it. */
  heapIndex: number;
  /** Position in its node's `running`. */
  nodePos: number;
  live: boolean;
  speculative: boolean;
}

/**
 * Units with the same constraints share a FIFO queue and an index of the nodes that could take
 * them right now, so a placement decision never looks at nodes or units that cannot match.
 */
export class ConstraintClass {
  readonly queue = new Deque<UnitState>();
  /** Online nodes satisfying the constraints with a free slot. */
  readonly free: NodeFreeSet;
  /** Online nodes satisfying the constraints, free or not. */
  nodeCount = 0;
  /** Units of this class in the queue (the deque may also hold finished ones, skipped lazily). */
  queuedCount = 0;
  /** Queued units that found only nodes holding their siblings; retried a few per round. */
  readonly blocked = new Deque<UnitState>();
  blockedCount = 0;
  /** Bumped whenever a node becomes free here; blocked units are retried only after a change. */
  freeEpoch = 0;
  blockedTriedAt = -1;
  /** Set during one `place()` round once the queue has nothing placeable left. */
  exhausted = false;

  constructor(
    readonly id: number,
    readonly key: string,
    readonly region: string | undefined,
    readonly minMemoryMb: number,
    readonly features: readonly string[],
  ) {
    this.free = new NodeFreeSet(id);
  }

  static keyOf(unit: WorkUnit): { key: string; minMemoryMb: number; features: string[] } {
    const minMemoryMb = memoryTier(unit.minMemoryMb ?? 0);
    const features = unit.features ? [...new Set(unit.features)].sort() : [];
    return { key: `${unit.region ?? '*'}|${minMemoryMb}|${features.join(',')}`, minMemoryMb, features };
  }

  admits(node: NodeState): boolean {
    if (this.region !== undefined && node.region !== this.region) return false;
    if (node.memoryMb < this.minMemoryMb) return false;
    for (const feature of this.features) if (!node.features.has(feature)) return false;
    return true;
  }

  /** The next live queued unit, dropping finished ones from the front. */
  head(): UnitState | undefined {
    for (;;) {
      const unit = this.queue.peekFront();
      if (unit === undefined || unit.status === 'queued') return unit;
      this.queue.shift();
    }
  }

  addFree(node: NodeState): void {
    this.free.add(node);
    this.freeEpoch++;
  }
}

/**
 * The free nodes of one class: a dense array for O(1) random picks, each node keeping its
 * position per class id, so entering and leaving costs no hashing on the hot path.
 */
export class NodeFreeSet {
  private readonly items: NodeState[] = [];

  constructor(private readonly classId: number) {}

  get size(): number {
    return this.items.length;
  }

  at(position: number): NodeState | undefined {
    return this.items[position];
  }

  add(node: NodeState): void {
    const at = node.freePos[this.classId];
    if (at !== undefined && at >= 0) return;
    node.freePos[this.classId] = this.items.length;
    this.items.push(node);
  }

  delete(node: NodeState): void {
    const at = node.freePos[this.classId];
    if (at === undefined || at < 0) return;
    node.freePos[this.classId] = -1;
    const last = this.items.pop()!;
    if (last === node) return;
    this.items[at] = last;
    last.freePos[this.classId] = at;
  }
}

/**
 * Memory requirements are rounded up to a power of two MiB so that arbitrary values do not
 * multiply classes; nodes report memory in such steps (navigator.deviceMemory) anyway.
 */
function memoryTier(mb: number): number {
  if (mb <= 0) return 0;
  return 2 ** Math.ceil(Math.log2(mb));
}

const DURATION_SAMPLES = 64;
const MEDIAN_EVERY = 8;

export class JobState {
  readonly units = new Set<UnitState>();
  /** Units not yet placed (queued or backing off). */
  queued = 0;
  quarantined = 0;
  total = 0;
  /** Running units not yet given a copy, by the start of their primary attempt, oldest first. */
  runHead: UnitState | undefined;
  private runTail: UnitState | undefined;
  runningCount = 0;
  /** The most recent completed durations, for the median. */
  private readonly durations = new Float64Array(DURATION_SAMPLES);
  completedCount = 0;
  private medianCache: number | undefined;
  private medianAt = 0;
  /** Exponentially weighted mean duration: the yardstick for node throughput. */
  meanDuration: number | undefined;

  constructor(readonly id: string) {}

  runAppend(state: UnitState, now: number): void {
    if (state.inRunList) this.runRemove(state);
    state.inRunList = true;
    state.runStart = now;
    state.runPrev = this.runTail;
    state.runNext = undefined;
    if (this.runTail) this.runTail.runNext = state;
    else this.runHead = state;
    this.runTail = state;
    this.runningCount++;
  }

  runRemove(state: UnitState): void {
    if (!state.inRunList) return;
    state.inRunList = false;
    if (state.runPrev) state.runPrev.runNext = state.runNext;
    else this.runHead = state.runNext;
    if (state.runNext) state.runNext.runPrev = state.runPrev;
    else this.runTail = state.runPrev;
    state.runPrev = state.runNext = undefined;
    this.runningCount--;
  }

  recordDuration(ms: number): void {
    this.durations[this.completedCount % DURATION_SAMPLES] = ms;
    this.completedCount++;
    if (this.completedCount <= MEDIAN_EVERY) this.medianCache = undefined;
    this.meanDuration = this.meanDuration === undefined ? ms : this.meanDuration + 0.1 * (ms - this.meanDuration);
  }

  /** Median of the recent durations; re-sorted only every few completions, since it is read on every `place()`. */
  median(): number {
    if (this.medianCache === undefined || this.completedCount - this.medianAt >= MEDIAN_EVERY) {
      this.medianAt = this.completedCount;
      const n = Math.min(this.completedCount, DURATION_SAMPLES);
      const sorted = this.durations.slice(0, n).sort();
      this.medianCache = n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    }
    return this.medianCache;
  }
}
