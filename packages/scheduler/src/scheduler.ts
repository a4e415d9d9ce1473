import type {
  Assignment,
  NodeFailureOutcome,
  NodeSpec,
  QueuedUnit,
  QueueReason,
  SchedulerOptions,
  WorkUnit,
} from './types';

interface NodeState {
  spec: NodeSpec;
  running: Set<string>;
}

interface UnitState {
  unit: WorkUnit;
  /** Nodes this unit (or a sibling replica of its task) must not be placed on. */
  avoid: Set<string>;
  nodeFailures: number;
  notBefore: number;
  lease: { nodeId: string; deadline: number } | undefined;
}

/**
 * Pure placement and lease bookkeeping. No I/O and no timers: the caller drives it with
 * `place()` and `expireLeases()` and reports completions and node departures.
 */
export class Scheduler {
  private readonly nodes = new Map<string, NodeState>();
  private readonly units = new Map<string, UnitState>();
  /** Unplaced unit ids in submission order. */
  private readonly queue: string[] = [];
  private readonly now: () => number;
  private readonly maxNodeFailures: number;
  private readonly retryBackoffMs: number;

  constructor(options: SchedulerOptions) {
    this.now = options.now;
    this.maxNodeFailures = options.maxNodeFailures ?? 3;
    this.retryBackoffMs = options.retryBackoffMs ?? 250;
  }

  addNode(spec: NodeSpec): void {
    const existing = this.nodes.get(spec.id);
    this.nodes.set(spec.id, { spec, running: existing?.running ?? new Set() });
  }

  hasNode(nodeId: string): boolean {
    return this.nodes.has(nodeId);
  }

  /** The node is gone: every unit it held goes back to the queue (or to quarantine). */
  removeNode(nodeId: string): NodeFailureOutcome[] {
    const node = this.nodes.get(nodeId);
    if (!node) return [];
    this.nodes.delete(nodeId);
    return [...node.running].map((unitId) => this.failUnit(unitId, nodeId));
  }

  /** Queues units in order; units sharing a `taskId` are replicas and never share a node. */
  submit(units: readonly WorkUnit[]): void {
    const siblingsByTask = new Map<string, Set<string>>();
    for (const unit of units) {
      if (this.units.has(unit.unitId)) throw new Error(`unit ${unit.unitId} already submitted`);
      let avoid = siblingsByTask.get(unit.taskId);
      if (!avoid) siblingsByTask.set(unit.taskId, (avoid = new Set()));
      this.units.set(unit.unitId, { unit, avoid, nodeFailures: 0, notBefore: 0, lease: undefined });
      this.queue.push(unit.unitId);
    }
  }

  /** Removes a unit wherever it is (cancel, or a result that arrived). Returns the node that held it. */
  complete(unitId: string): string | undefined {
    const state = this.units.get(unitId);
    if (!state) return undefined;
    this.units.delete(unitId);
    const idx = this.queue.indexOf(unitId);
    if (idx >= 0) this.queue.splice(idx, 1);
    if (!state.lease) return undefined;
    this.nodes.get(state.lease.nodeId)?.running.delete(unitId);
    return state.lease.nodeId;
  }

  /** Extends the leases of everything a live node runs (heartbeat). */
  renewLeases(nodeId: string, extendMs: number): void {
    const node = this.nodes.get(nodeId);
    if (!node) return;
    const now = this.now();
    for (const unitId of node.running) {
      const lease = this.units.get(unitId)?.lease;
      if (lease) lease.deadline = Math.max(lease.deadline, now + extendMs);
    }
  }

  /** Units whose lease ran out are taken from their node and re-queued as a node failure. */
  expireLeases(): NodeFailureOutcome[] {
    const now = this.now();
    const expired: NodeFailureOutcome[] = [];
    for (const [unitId, state] of this.units) {
      if (state.lease && state.lease.deadline <= now) {
        const nodeId = state.lease.nodeId;
        this.nodes.get(nodeId)?.running.delete(unitId);
        expired.push(this.failUnit(unitId, nodeId));
      }
    }
    return expired;
  }

  /** The node refused or lost one unit (module fetch failed, crash): retry elsewhere with backoff. */
  nodeFailed(unitId: string): NodeFailureOutcome | undefined {
    const state = this.units.get(unitId);
    if (!state?.lease) return undefined;
    const nodeId = state.lease.nodeId;
    this.nodes.get(nodeId)?.running.delete(unitId);
    return this.failUnit(unitId, nodeId);
  }

  /** Places as many queued units as free slots allow: region filter, then least-loaded node. */
  place(): Assignment[] {
    const now = this.now();
    const placed: Assignment[] = [];
    let free = this.freeSlots();
    for (let i = 0; i < this.queue.length && free > 0; ) {
      const unitId = this.queue[i]!;
      const state = this.units.get(unitId);
      const node = state && state.notBefore <= now ? this.pickNode(state) : undefined;
      if (!state || !node) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      const deadline = now + state.unit.leaseMs;
      state.lease = { nodeId: node.spec.id, deadline };
      state.avoid.add(node.spec.id);
      node.running.add(unitId);
      free--;
      placed.push({ unitId, taskId: state.unit.taskId, nodeId: node.spec.id, leaseDeadline: deadline });
    }
    return placed;
  }

  /** Why each waiting unit waits, for the API and the dashboard. */
  queued(): QueuedUnit[] {
    const now = this.now();
    return this.queue.map((unitId) => {
      const state = this.units.get(unitId)!;
      return { unitId, taskId: state.unit.taskId, reason: this.reasonFor(state, now) };
    });
  }

  runningOn(nodeId: string): number {
    return this.nodes.get(nodeId)?.running.size ?? 0;
  }

  leaseOf(unitId: string): { nodeId: string; deadline: number } | undefined {
    const lease = this.units.get(unitId)?.lease;
    return lease ? { ...lease } : undefined;
  }

  /** The earliest time at which `place()` could do something new on its own (a backoff ending). */
  nextWakeAt(): number | undefined {
    let next: number | undefined;
    for (const unitId of this.queue) {
      const at = this.units.get(unitId)?.notBefore ?? 0;
      if (at > this.now() && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  private failUnit(unitId: string, nodeId: string): NodeFailureOutcome {
    const state = this.units.get(unitId)!;
    state.lease = undefined;
    state.nodeFailures++;
    if (state.nodeFailures >= this.maxNodeFailures) {
      this.units.delete(unitId);
      return { unitId, taskId: state.unit.taskId, action: 'quarantined' };
    }
    // A task may retry on a node that died under it only once no other node would take it.
    state.avoid.delete(nodeId);
    state.notBefore = this.now() + this.retryBackoffMs * 2 ** (state.nodeFailures - 1);
    this.queue.unshift(unitId);
    return { unitId, taskId: state.unit.taskId, action: 'requeued' };
  }

  private pickNode(state: UnitState): NodeState | undefined {
    let best: NodeState | undefined;
    let bestLoad = Infinity;
    for (const node of this.nodes.values()) {
      if (node.running.size >= node.spec.slots) continue;
      if (state.unit.region !== undefined && node.spec.region !== state.unit.region) continue;
      if (state.avoid.has(node.spec.id)) continue;
      const load = node.running.size / node.spec.slots;
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    return best;
  }

  private freeSlots(): number {
    let free = 0;
    for (const node of this.nodes.values()) free += Math.max(0, node.spec.slots - node.running.size);
    return free;
  }

  private reasonFor(state: UnitState, now: number): QueueReason {
    if (state.notBefore > now) return 'backing_off';
    const region = state.unit.region;
    if (region !== undefined && ![...this.nodes.values()].some((n) => n.spec.region === region)) {
      return 'no_node_in_region';
    }
    return 'waiting_for_slot';
  }
}
