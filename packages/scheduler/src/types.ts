/** One placement of work: a replica of a task, identified by `unitId`. */
export interface WorkUnit {
  unitId: string;
  taskId: string;
  /** Only nodes of this region may run it. */
  region: string | undefined;
  /** Lease length once placed; a lease that is not completed by then is treated as a node failure. */
  leaseMs: number;
}

export interface NodeSpec {
  id: string;
  slots: number;
  region: string;
}

export interface Assignment {
  unitId: string;
  taskId: string;
  nodeId: string;
  leaseDeadline: number;
}

export type QueueReason = 'waiting_for_slot' | 'no_node_in_region' | 'backing_off';

export interface QueuedUnit {
  unitId: string;
  taskId: string;
  reason: QueueReason;
}

/** What happened to a unit whose node failed under it. */
export type NodeFailureOutcome = { unitId: string; taskId: string; action: 'requeued' | 'quarantined' };

export interface SchedulerOptions {
  now: () => number;
  /** Different nodes that may die under one task before it is quarantined. */
  maxNodeFailures?: number;
  /** First retry delay after a node failure; doubles per failure. */
  retryBackoffMs?: number;
}
