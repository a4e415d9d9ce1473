/** The scheduler's internal records. Nothing here is exported from the package. */
import type { RankRecord } from './ranking';
import { Deque, IndexedSet } from './structures';
import type { WorkUnit } from './types';

export interface NodeState {
  id: string;
  slots: number;
  region: string;
  memoryMb: number;
  features: ReadonlySet<string>;
  modules: Set<string>;
  running: Set<Attempt>;
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
}

export interface Attempt {
  /** The id the node knows: the unit's id, or a derived one for a speculative copy. */
  id: string;
  unit: UnitState;
  node: NodeState;
  startedAt: number;
  deadline: number;
  /** The deadline this attempt is filed under in the lease heap (deadline may since have grown). */
  heapKey: number;
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
  readonly free = new IndexedSet<NodeState>();
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
    readonly key: string,
    readonly region: string | undefined,
    readonly minMemoryMb: number,
    readonly features: readonly string[],
  ) {}

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
 * Memory requirements are rounded up to a power of two MiB so that arbitrary values do not
 * multiply classes; nodes report memory in such steps (navigator.deviceMemory) anyway.
 */
function memoryTier(mb: number): number {
  if (mb <= 0) return 0;
  return 2 ** Math.ceil(Math.log2(mb));
}

const DURATION_SAMPLES = 64;

export class JobState {
  readonly units = new Set<UnitState>();
  /** Units not yet placed (queued or backing off). */
  queued = 0;
  quarantined = 0;
  total = 0;
  /** Running units by the start of their current primary attempt, oldest first. */
  readonly running = new Map<UnitState, number>();
  /** The most recent completed durations, for the median. */
  private readonly durations = new Float64Array(DURATION_SAMPLES);
  completedCount = 0;
  private medianCache: number | undefined;
  /** Exponentially weighted mean duration: the yardstick for node throughput. */
  meanDuration: number | undefined;

  constructor(readonly id: string) {}

  recordDuration(ms: number): void {
    this.durations[this.completedCount % DURATION_SAMPLES] = ms;
    this.completedCount++;
    this.medianCache = undefined;
    this.meanDuration = this.meanDuration === undefined ? ms : this.meanDuration + 0.1 * (ms - this.meanDuration);
  }

  median(): number {
    if (this.medianCache === undefined) {
      const n = Math.min(this.completedCount, DURATION_SAMPLES);
      const sorted = this.durations.slice(0, n).sort();
      this.medianCache = n === 0 ? 0 : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    }
    return this.medianCache;
  }
}
