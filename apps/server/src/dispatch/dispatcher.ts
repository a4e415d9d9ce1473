import {
  base64ToUtf8,
  LIMITS,
  TabgridError,
  type InvokeResult,
  type ServerToNode,
  type TaskOutcomeWire,
} from '@tabgrid/protocol';
import type { NodeFailureOutcome, NodeSpec, Scheduler } from '@tabgrid/scheduler';
import { PipelineDepth, type PipelineDepthOptions } from './pipeline-depth';
import type { Assignment } from './task-builder';
import { decide, isDecided, type ReplicaOutcome } from './verify';

export interface TaskRequest {
  assignment: Assignment;
  replicas: number;
  region: string | undefined;
}

export interface DispatcherOptions {
  scheduler: Scheduler;
  send: (nodeId: string, message: ServerToNode) => boolean;
  now: () => number;
  /** An interactive task that no node picks up within this long fails with no_capacity. */
  queueTimeoutMs: number;
  /** Added to a task's own timeout to form its lease: transfer time and slack. */
  leaseGraceMs: number;
  newId: () => string;
  /** Tasks leased per node worker; by default always 2. */
  pipeline?: PipelineDepthOptions;
}

/** A node as the dispatcher learns of it: its slot count follows the pipeline depth. */
export type NodeJoin = Omit<NodeSpec, 'slots'> & { workers: number };

/** A result as a node reports it (protocol `results`). */
export interface ReportedResult {
  /** The id the node was told: a unit id, or a speculative copy's id when a straggler was duplicated. */
  taskId: string;
  outcome: TaskOutcomeWire;
}

export type Settlement = InvokeResult | TabgridError;

export interface TaskCallbacks {
  settled(result: Settlement): void;
  /** The first replica was handed to a node. */
  started?(): void;
}

interface TaskRecord {
  id: string;
  request: TaskRequest;
  unitIds: string[];
  results: ReplicaOutcome[];
  /** Units currently leased to a node. */
  inFlight: number;
  started: boolean;
  /** Only interactive tasks have one; batch tasks wait as long as it takes. */
  queueDeadline: number | undefined;
  callbacks: TaskCallbacks;
}

/**
 * Turns requests into scheduler units, sends assignments to nodes, collects replica results and
 * settles each task once its verdict is decided. Owns no timers: the server calls `tick()`.
 */
export class Dispatcher {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly taskOfUnit = new Map<string, string>();
  /** Interactive tasks, the only ones with a queue deadline. */
  private readonly deadlines = new Set<TaskRecord>();
  private readonly workersOf = new Map<string, number>();
  private readonly depth: PipelineDepth;
  private pumping = false;

  constructor(private readonly options: DispatcherOptions) {
    this.depth = new PipelineDepth(options.pipeline ?? { minDepth: 2, maxDepth: 2, queueMs: 0 });
  }

  get pendingTasks(): number {
    return this.tasks.size;
  }

  /** An interactive task: settles within the queue timeout plus its own timeout. */
  run(request: TaskRequest, signal?: AbortSignal, id = this.options.newId()): Promise<InvokeResult> {
    return new Promise((resolve, reject) => {
      const onAbort = () => this.cancel([id], 'the client went away');
      signal?.addEventListener('abort', onAbort, { once: true });
      this.submitMany([{ id, request }], () => ({
        settled: (result) => {
          signal?.removeEventListener('abort', onAbort);
          if (result instanceof TabgridError) reject(result);
          else resolve(result);
        },
      }), this.options.queueTimeoutMs);
    });
  }

  /**
   * Queues tasks (ids must be unique and at most 60 characters of [A-Za-z0-9_]). Batch tasks have
   * no queue deadline: they wait, visibly queued, until a suitable node comes.
   */
  submitMany(
    tasks: readonly { id: string; request: TaskRequest }[],
    callbacksFor: (id: string) => TaskCallbacks,
    queueTimeoutMs?: number,
    /** Tasks of one batch job: near its end, stragglers get speculative copies on idle nodes. */
    jobId?: string,
  ): void {
    const units = [];
    for (const { id, request } of tasks) {
      const unitIds = Array.from({ length: request.replicas }, (_, r) => `${id}-${r}`);
      const record: TaskRecord = {
        id,
        request,
        unitIds,
        results: [],
        inFlight: 0,
        started: false,
        queueDeadline: queueTimeoutMs === undefined ? undefined : this.options.now() + queueTimeoutMs,
        callbacks: callbacksFor(id),
      };
      this.tasks.set(id, record);
      if (record.queueDeadline !== undefined) this.deadlines.add(record);
      const leaseMs = request.assignment.timeoutMs + this.options.leaseGraceMs;
      for (const unitId of unitIds) {
        this.taskOfUnit.set(unitId, id);
        units.push({
          unitId,
          taskId: id,
          region: request.region,
          leaseMs,
          moduleDigest: request.assignment.moduleDigest,
          ...(jobId === undefined ? {} : { jobId }),
        });
      }
    }
    this.options.scheduler.submit(units);
    this.pump();
  }

  /** Stops tasks wherever they are; their holders are told to drop them. */
  cancel(ids: readonly string[], reason: string): void {
    for (const id of ids) {
      const record = this.tasks.get(id);
      if (record) this.finish(record, new TabgridError('cancelled', reason));
    }
    this.pump();
  }

  nodeJoined({ workers, ...spec }: NodeJoin): void {
    this.workersOf.set(spec.id, workers);
    this.options.scheduler.addNode({ ...spec, workers, slots: workers * this.depth.current });
    this.pump();
  }

  nodeLeft(nodeId: string): void {
    this.workersOf.delete(nodeId);
    this.handleFailures(this.options.scheduler.removeNode(nodeId));
    this.pump();
  }

  /** One message's results: all recorded, then the freed slots refilled in one assign. */
  results(nodeId: string, results: readonly ReportedResult[]): void {
    for (const { taskId, outcome } of results) this.record(nodeId, taskId, outcome);
    this.pump();
  }

  private record(nodeId: string, attemptId: string, outcome: TaskOutcomeWire): void {
    if (this.options.scheduler.leaseOf(attemptId)?.nodeId !== nodeId) return; // late or foreign: ignore
    const done = this.options.scheduler.completeUnit(attemptId);
    if (!done) return;
    // First valid result wins; the unit's other copies are withdrawn from their nodes.
    for (const other of done.cancel) this.withdraw(other.nodeId, other.unitId);
    const record = this.recordOf(done.unitId);
    if (!record) return;
    record.inFlight -= 1 + done.cancel.length;
    const digest = record.request.assignment.moduleDigest;
    // Having run it, the node holds the module: later tasks of this function prefer it.
    this.options.scheduler.addNodeModule(nodeId, digest);
    this.depth.observe(digest, outcome.durationMs);
    record.results.push({ nodeId, outcome });
    if (isDecided(record.request.replicas, record.results)) this.finish(record, this.verdict(record));
  }

  rejected(nodeId: string, attemptId: string): void {
    if (this.options.scheduler.leaseOf(attemptId)?.nodeId !== nodeId) return;
    const failure = this.options.scheduler.nodeFailed(attemptId);
    if (failure) this.handleFailures([failure]);
    this.pump();
  }

  /** Lease expiry, queue deadlines of interactive tasks, backoffs ending. */
  tick(): void {
    this.handleFailures(this.options.scheduler.expireLeases());
    const now = this.options.now();
    for (const record of [...this.deadlines]) {
      const waitingUnits = record.unitIds.length - record.inFlight - record.results.length;
      if (record.queueDeadline === undefined || now < record.queueDeadline || waitingUnits === 0) continue;
      if (record.results.length > 0) {
        this.finish(record, this.verdict(record));
      } else {
        const reason = record.unitIds.map((u) => this.options.scheduler.queuedReason(u)).find((r) => r !== undefined) ?? 'waiting_for_slot';
        const why = reason === 'no_node_in_region' ? `no node in region "${record.request.region}" is online` : 'no volunteer node was free';
        this.finish(record, new TabgridError('no_capacity', `${why} within ${this.options.queueTimeoutMs} ms`));
      }
    }
    this.pump();
  }

  /** Fails every interactive task (server shutting down); batch tasks stay queued in the store. */
  abortInteractive(reason: string): void {
    for (const record of [...this.deadlines]) this.finish(record, new TabgridError('no_capacity', reason));
  }

  private pump(): void {
    // Callbacks below may submit or cancel tasks, which pump again: one pass at a time.
    if (this.pumping) return;
    this.pumping = true;
    try {
      this.resizeNodes();
      // One assign message per node per pass: a node with several free slots gets them in one go.
      const byNode = new Map<string, { unitId: string; record: TaskRecord }[]>();
      for (const placed of this.options.scheduler.place()) {
        const record = this.tasks.get(placed.taskId);
        if (!record) continue;
        record.inFlight++;
        const batch = byNode.get(placed.nodeId) ?? [];
        if (batch.length === 0) byNode.set(placed.nodeId, batch);
        batch.push({ unitId: placed.unitId, record });
      }
      for (const [nodeId, batch] of byNode) {
        for (let i = 0; i < batch.length; i += LIMITS.maxBatch) this.sendBatch(nodeId, batch.slice(i, i + LIMITS.maxBatch));
      }
    } finally {
      this.pumping = false;
    }
  }

  private resizeNodes(): void {
    const depth = this.depth.update(this.options.scheduler.queuedDigests());
    if (depth === undefined) return;
    for (const [nodeId, workers] of this.workersOf) this.options.scheduler.setNodeSlots(nodeId, workers * depth);
  }

  private withdraw(nodeId: string, attemptId: string): void {
    this.options.send(nodeId, { type: 'cancel', taskId: attemptId });
  }

  private sendBatch(nodeId: string, batch: { unitId: string; record: TaskRecord }[]): void {
    const sent = this.options.send(nodeId, {
      type: 'assign',
      tasks: batch.map(({ unitId, record }) => ({ taskId: unitId, ...record.request.assignment })),
    });
    for (const { unitId, record } of batch) {
      if (!sent) {
        this.handleFailures([this.options.scheduler.nodeFailed(unitId)].filter((f) => f !== undefined));
      } else if (!record.started) {
        record.started = true;
        record.callbacks.started?.();
      }
    }
  }

  private handleFailures(failures: readonly NodeFailureOutcome[]): void {
    for (const failure of failures) {
      const record = this.recordOf(failure.unitId);
      if (!record) continue;
      record.inFlight--;
      if (failure.action !== 'quarantined') continue;
      this.finish(
        record,
        new TabgridError('node_failure', 'the task was lost by several volunteer nodes in a row and is quarantined'),
      );
    }
  }

  private verdict(record: TaskRecord): InvokeResult {
    const v = decide(record.request.replicas, record.results);
    if (record.request.replicas > 1) {
      // Replicas that disagree with the accepted result cost their node rank (trust).
      const agreeing = new Set(v.nodes);
      for (const r of record.results) this.options.scheduler.recordAgreement(r.nodeId, agreeing.has(r.nodeId));
    }
    const o = v.outcome;
    return {
      status: o.status,
      exitCode: o.exitCode,
      stdout: base64ToUtf8(o.stdout),
      stderr: base64ToUtf8(o.stderr),
      fuelUsed: o.fuelUsed,
      durationMs: Math.round(o.durationMs * 1000) / 1000,
      nodes: v.nodes,
      verified: v.verified,
      truncated: o.truncated,
      files: o.files,
    };
  }

  private finish(record: TaskRecord, result: Settlement): void {
    if (!this.tasks.delete(record.id)) return;
    this.deadlines.delete(record);
    for (const unitId of record.unitIds) {
      this.taskOfUnit.delete(unitId);
      // Units still queued or running are withdrawn without crediting their node.
      for (const attempt of this.options.scheduler.cancel(unitId)) this.withdraw(attempt.nodeId, attempt.unitId);
    }
    record.callbacks.settled(result);
  }

  private recordOf(unitId: string): TaskRecord | undefined {
    const taskId = this.taskOfUnit.get(unitId);
    return taskId === undefined ? undefined : this.tasks.get(taskId);
  }
}
