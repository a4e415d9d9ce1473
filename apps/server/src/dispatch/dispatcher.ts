import {
  base64ToUtf8,
  TabgridError,
  type InvokeResult,
  type ServerToNode,
  type TaskOutcomeWire,
} from '@tabgrid/protocol';
import type { NodeFailureOutcome, NodeSpec, Scheduler } from '@tabgrid/scheduler';
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
  /** An unplaced task gives up after this long. */
  queueTimeoutMs: number;
  /** Added to a task's own timeout to form its lease: transfer time and slack. */
  leaseGraceMs: number;
  newId: () => string;
}

interface TaskRecord {
  id: string;
  request: TaskRequest;
  unitIds: string[];
  results: ReplicaOutcome[];
  queueDeadline: number;
  settle: (result: InvokeResult | TabgridError) => void;
}

/**
 * Turns requests into scheduler units, sends assignments to nodes, collects replica results and
 * settles each task once its verdict is decided. Owns no timers: the server calls `tick()`.
 */
export class Dispatcher {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly taskOfUnit = new Map<string, string>();

  constructor(private readonly options: DispatcherOptions) {}

  get pendingTasks(): number {
    return this.tasks.size;
  }

  run(request: TaskRequest, signal?: AbortSignal): Promise<InvokeResult> {
    return new Promise((resolve, reject) => {
      const id = this.options.newId();
      const unitIds = Array.from({ length: request.replicas }, (_, r) => `${id}-${r}`);
      const record: TaskRecord = {
        id,
        request,
        unitIds,
        results: [],
        queueDeadline: this.options.now() + this.options.queueTimeoutMs,
        settle: (result) => {
          signal?.removeEventListener('abort', onAbort);
          if (result instanceof TabgridError) reject(result);
          else resolve(result);
        },
      };
      const onAbort = () => this.finish(record, new TabgridError('bad_request', 'the client went away'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.tasks.set(id, record);
      for (const unitId of unitIds) this.taskOfUnit.set(unitId, id);
      const leaseMs = request.assignment.timeoutMs + this.options.leaseGraceMs;
      this.options.scheduler.submit(unitIds.map((unitId) => ({ unitId, taskId: id, region: request.region, leaseMs })));
      this.pump();
    });
  }

  nodeJoined(spec: NodeSpec): void {
    this.options.scheduler.addNode(spec);
    this.pump();
  }

  nodeLeft(nodeId: string): void {
    this.handleFailures(this.options.scheduler.removeNode(nodeId));
    this.pump();
  }

  result(nodeId: string, unitId: string, outcome: TaskOutcomeWire): void {
    if (this.options.scheduler.leaseOf(unitId)?.nodeId !== nodeId) return; // late or foreign: ignore
    this.options.scheduler.complete(unitId);
    const record = this.recordOf(unitId);
    if (record) {
      record.results.push({ nodeId, outcome });
      if (isDecided(record.request.replicas, record.results)) this.finish(record, this.verdict(record));
    }
    this.pump();
  }

  rejected(nodeId: string, unitId: string): void {
    if (this.options.scheduler.leaseOf(unitId)?.nodeId !== nodeId) return;
    const failure = this.options.scheduler.nodeFailed(unitId);
    if (failure) this.handleFailures([failure]);
    this.pump();
  }

  /** Lease expiry, queue deadlines, backoffs ending. */
  tick(): void {
    this.handleFailures(this.options.scheduler.expireLeases());
    const now = this.options.now();
    const waiting = new Set(this.options.scheduler.queued().map((q) => q.taskId));
    for (const record of [...this.tasks.values()]) {
      if (now < record.queueDeadline || !waiting.has(record.id)) continue;
      if (record.results.length > 0) {
        this.finish(record, this.verdict(record));
      } else {
        const reason = this.options.scheduler.queued().find((q) => q.taskId === record.id)?.reason ?? 'waiting_for_slot';
        const why = reason === 'no_node_in_region' ? `no node in region "${record.request.region}" is online` : 'no volunteer node was free';
        this.finish(record, new TabgridError('no_capacity', `${why} within ${this.options.queueTimeoutMs} ms`));
      }
    }
    this.pump();
  }

  /** Fails every pending task (server shutting down). */
  abortAll(reason: string): void {
    for (const record of [...this.tasks.values()]) this.finish(record, new TabgridError('no_capacity', reason));
  }

  private pump(): void {
    for (const placed of this.options.scheduler.place()) {
      const record = this.tasks.get(placed.taskId);
      if (!record) continue;
      const sent = this.options.send(placed.nodeId, {
        type: 'assign',
        task: { taskId: placed.unitId, ...record.request.assignment },
      });
      if (!sent) this.handleFailures([this.options.scheduler.nodeFailed(placed.unitId)].filter((f) => f !== undefined));
    }
  }

  private handleFailures(failures: readonly NodeFailureOutcome[]): void {
    for (const failure of failures) {
      if (failure.action !== 'quarantined') continue;
      const record = this.recordOf(failure.unitId);
      if (!record) continue;
      this.finish(
        record,
        new TabgridError('node_failure', 'the task was lost by several volunteer nodes in a row and is quarantined'),
      );
    }
  }

  private verdict(record: TaskRecord): InvokeResult {
    const v = decide(record.request.replicas, record.results);
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

  private finish(record: TaskRecord, result: InvokeResult | TabgridError): void {
    if (!this.tasks.delete(record.id)) return;
    for (const unitId of record.unitIds) {
      this.taskOfUnit.delete(unitId);
      const holder = this.options.scheduler.complete(unitId);
      if (holder) this.options.send(holder, { type: 'cancel', taskId: unitId });
    }
    record.settle(result);
  }

  private recordOf(unitId: string): TaskRecord | undefined {
    const taskId = this.taskOfUnit.get(unitId);
    return taskId === undefined ? undefined : this.tasks.get(taskId);
  }
}
