/** One placement of work: a replica of a task, identified by `unitId`. */
export interface WorkUnit {
  unitId: string;
  taskId: string;
  /** Only nodes of this region may run it. */
  region: string | undefined;
  /** Lease length once placed; a lease that is not completed by then is treated as a node failure. */
  leaseMs: number;
  /** Units of one job are siblings: their durations define what a straggler is. */
  jobId?: string;
  /** Content address of the module; nodes that cache it are preferred. */
  moduleDigest?: string;
  /** Only nodes advertising at least this much memory may run it. */
  minMemoryMb?: number;
  /** Wasm features the node must support (e.g. "simd", "threads"). */
  features?: readonly string[];
}

export interface NodeSpec {
  id: string;
  /** The most units in flight on the node at once (its workers, times its pipeline depth). */
  slots: number;
  /** Units the node runs in parallel; load is measured per worker. Defaults to `slots`. */
  workers?: number;
  region: string;
  /** Unknown memory satisfies no memory constraint. */
  memoryMb?: number;
  features?: readonly string[];
  /** Module digests the node already caches. */
  modules?: Iterable<string>;
}

export interface Assignment {
  /** The id the node is told to run; for a speculative copy it differs from the logical unit's id. */
  unitId: string;
  taskId: string;
  nodeId: string;
  leaseDeadline: number;
  /** Set on speculative copies only: the logical unit this copy races. */
  speculativeOf?: string;
}

export type QueueReason =
  | 'waiting_for_slot'
  | 'no_node_in_region'
  /** Nodes exist in the region but none has the memory or features the unit needs. */
  | 'no_node_with_capability'
  /** Every free node already holds a replica of the same task. */
  | 'waiting_for_distinct_node'
  | 'backing_off';

export interface QueuedUnit {
  unitId: string;
  taskId: string;
  reason: QueueReason;
}

/** What happened to a unit whose node failed under it. `unitId` is always the logical unit. */
export interface NodeFailureOutcome {
  unitId: string;
  taskId: string;
  /** `still_running`: a speculative copy was lost (or the original, while its copy runs on). */
  action: 'requeued' | 'quarantined' | 'still_running';
  /** Set when the lost attempt was a speculative copy: the id its node knew it by. */
  attemptId?: string;
}

/** A running attempt the caller should tell its node to stop. */
export interface Cancellation {
  unitId: string;
  nodeId: string;
}

export interface Completion {
  /** The logical unit that is now done. */
  unitId: string;
  taskId: string;
  /** The node whose attempt completed it; undefined when the unit was cancelled before running there. */
  nodeId: string | undefined;
  /** Other attempts of the same unit (speculative copies or the original) to cancel. */
  cancel: Cancellation[];
}

export interface QuarantinedUnit {
  unitId: string;
  taskId: string;
  jobId: string | undefined;
  /** Distinct nodes that died, timed out or refused under it. */
  nodes: string[];
}

export interface NodeRank {
  nodeId: string;
  online: boolean;
  region: string | undefined;
  slots: number;
  running: number;
  /** 0..1, the weighted blend of the components below; used in placement. */
  score: number;
  successRate: number;
  /** 0..1; 0.5 is as fast as the average node on the same jobs. */
  throughput: number;
  uptime: number;
  agreement: number;
  completed: number;
  failed: number;
}

/** A rank to restore (e.g. from a store after a restart). */
export type NodeRankSnapshot = Pick<
  NodeRank,
  'nodeId' | 'successRate' | 'throughput' | 'uptime' | 'agreement' | 'completed' | 'failed'
>;

export interface JobProgress {
  total: number;
  remaining: number;
  queued: number;
  running: number;
  quarantined: number;
}

export interface SchedulerStats {
  nodes: number;
  /** Logical units not yet done: queued, backing off or running. */
  units: number;
  slots: number;
  running: number;
  queued: number;
  backingOff: number;
  quarantined: number;
  speculative: number;
}

export interface RankingOptions {
  /** Weight of the newest observation in each exponentially weighted average. */
  alpha?: number;
  /** A session this long counts as full uptime. */
  uptimeTargetMs?: number;
  weights?: { success: number; throughput: number; uptime: number; agreement: number };
  /** Records kept for nodes, online or not; the longest-absent offline ones go first. */
  maxRecords?: number;
}

export interface SchedulerOptions {
  now: () => number;
  /** Seeded randomness for power-of-two-choices sampling; defaults to a fixed seed. */
  random?: () => number;
  /** Different nodes that may die under one unit before it is quarantined. */
  maxNodeFailures?: number;
  /** Failed attempts of one unit, on any nodes, before it is quarantined anyway. */
  maxAttempts?: number;
  /** First retry delay after a node failure; doubles per failure. */
  retryBackoffMs?: number;
  maxBackoffMs?: number;
  /** Placement score weights. */
  placement?: { rank?: number; load?: number; locality?: number };
  stragglers?: {
    enabled?: boolean;
    /** A job is near its end when nothing of it is queued and at most this fraction remains. */
    tailFraction?: number;
    /** A unit running longer than this multiple of its siblings' median gets a copy. */
    factor?: number;
    /** ... and longer than this. */
    minRunningMs?: number;
    /** Completed siblings needed before a median means anything. */
    minSamples?: number;
  };
  ranking?: RankingOptions;
}
