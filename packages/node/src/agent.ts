import {
  base64ToBytes,
  bytesToBase64,
  PROTOCOL_VERSION,
  type Link,
  type NodeCapabilities,
  type NodeToServer,
  type ServerToNode,
  type TaskAssignment,
  type TaskResult,
} from '@tabgrid/protocol';
import { Cancellation, type TaskOutcome, type WorkerPool } from '@tabgrid/runtime';
import type { ModuleCache } from './module-cache';

export interface AgentTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

/**
 * A busy node holds finished results at most this long to send them together. Each data-channel
 * message costs both ends ~0.5 ms of CPU (usrsctp, DTLS and UDP run in the send call), which at
 * ~5 ms tasks is CPU the tasks themselves lack; a batch job does not miss 50 ms.
 */
const RESULT_BATCH_MS = 50;
const RESULT_BATCH_MAX = 256;

export type AgentEvent =
  | { type: 'welcome'; nodeId: string; transport: 'webrtc' | 'relay' }
  | { type: 'refused'; code: string; message: string }
  | { type: 'task_started'; taskId: string; functionName: string }
  | { type: 'task_finished'; taskId: string; functionName: string; status: string; durationMs: number }
  | { type: 'task_failed'; taskId: string; functionName: string; reason: string }
  | { type: 'task_cancelled'; taskId: string };

export interface AgentSessionDeps {
  nodeId: string;
  capabilities: NodeCapabilities;
  pool: WorkerPool;
  modules: ModuleCache;
  timers: AgentTimers;
  onEvent(event: AgentEvent): void;
}

/**
 * One connected session of a volunteer node: introduces itself, runs what it is assigned on the
 * worker pool, reports results, heartbeats. Transport-agnostic: it only sees a typed link.
 */
export class AgentSession {
  private readonly running = new Map<string, Cancellation>();
  private pendingResults: TaskResult[] = [];
  private resultTimer: unknown;
  private heartbeat: unknown;
  private nodeToken: string | undefined;
  private ended = false;

  constructor(
    private readonly link: Link<NodeToServer>,
    private readonly deps: AgentSessionDeps,
  ) {}

  start(): void {
    this.link.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      nodeId: this.deps.nodeId,
      capabilities: this.deps.capabilities,
    });
  }

  /** The link is gone: abandon running tasks (the orchestrator re-queues them). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.heartbeat !== undefined) this.deps.timers.clearInterval(this.heartbeat);
    if (this.resultTimer !== undefined) this.deps.timers.clearTimeout(this.resultTimer);
    this.pendingResults = [];
    for (const cancel of this.running.values()) cancel.abort();
    this.running.clear();
  }

  get runningCount(): number {
    return this.running.size;
  }

  handle(message: ServerToNode): void {
    if (this.ended) return;
    switch (message.type) {
      case 'welcome':
        this.nodeToken = message.nodeToken;
        this.heartbeat = this.deps.timers.setInterval(
          () => this.link.send({ type: 'heartbeat', running: this.running.size }),
          message.heartbeatMs,
        );
        this.deps.onEvent({ type: 'welcome', nodeId: message.nodeId, transport: message.transport });
        return;
      case 'refused':
        this.deps.onEvent({ type: 'refused', code: message.code, message: message.message });
        this.link.close(`refused: ${message.message}`);
        return;
      case 'assign':
        this.startTasks(message.tasks);
        return;
      case 'cancel': {
        const cancel = this.running.get(message.taskId);
        if (cancel === undefined) return;
        cancel.abort();
        this.running.delete(message.taskId);
        this.deps.onEvent({ type: 'task_cancelled', taskId: message.taskId });
        return;
      }
    }
  }

  private startTasks(tasks: readonly TaskAssignment[]): void {
    const token = this.nodeToken;
    if (token === undefined) return;
    // The tasks of one message usually share a module: it is looked up once.
    const modules = new Map<string, Promise<Uint8Array>>();
    for (const task of tasks) {
      if (this.running.has(task.taskId)) continue;
      const cancel = new Cancellation();
      this.running.set(task.taskId, cancel);
      this.deps.onEvent({ type: 'task_started', taskId: task.taskId, functionName: task.functionName });
      let module = modules.get(task.moduleDigest);
      if (module === undefined) modules.set(task.moduleDigest, (module = this.deps.modules.get(task.moduleDigest, token)));
      void this.runTask(task, cancel, module);
    }
  }

  private async runTask(task: TaskAssignment, cancel: Cancellation, module: Promise<Uint8Array>): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = await module;
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'module unavailable';
      this.finishRejected(task, cancel, reason);
      return;
    }
    if (cancel.aborted) return;
    const files: Record<string, Uint8Array> = {};
    for (const [path, b64] of Object.entries(task.files)) files[path] = base64ToBytes(b64);
    const outcome = await this.deps.pool.run(
      { digest: task.moduleDigest, bytes },
      {
        programName: task.functionName,
        args: task.args,
        env: task.env,
        stdin: base64ToBytes(task.stdin),
        files,
        timeoutMs: task.timeoutMs,
        memoryLimitPages: task.memoryLimitPages,
        seed: task.seed,
        ...(task.fuel === null ? {} : { fuel: task.fuel }),
      },
      cancel,
    );
    if (this.running.get(task.taskId) !== cancel || cancel.aborted) return;
    if (outcome.hostFailure !== undefined) {
      // Not the function's doing (our worker could not start or died): let another node try.
      this.finishRejected(task, cancel, outcome.hostFailure);
      return;
    }
    this.running.delete(task.taskId);
    this.queueResult({ taskId: task.taskId, outcome: toWire(outcome) });
    this.deps.onEvent({
      type: 'task_finished',
      taskId: task.taskId,
      functionName: task.functionName,
      status: outcome.status,
      durationMs: outcome.durationMs,
    });
  }

  /**
   * An idle node answers at once (latency); a busy one batches results for a moment, so under
   * load one message carries many (throughput). Once as many are done as still run, they go at
   * once: the orchestrator refills the freed half of the lease before the node runs dry.
   */
  private queueResult(result: TaskResult): void {
    this.pendingResults.push(result);
    const pending = this.pendingResults.length;
    if (pending >= this.running.size || pending >= RESULT_BATCH_MAX) {
      this.flushResults();
    } else if (this.resultTimer === undefined) {
      this.resultTimer = this.deps.timers.setTimeout(() => this.flushResults(), RESULT_BATCH_MS);
    }
  }

  private flushResults(): void {
    if (this.resultTimer !== undefined) this.deps.timers.clearTimeout(this.resultTimer);
    this.resultTimer = undefined;
    if (this.pendingResults.length === 0 || this.ended) return;
    const results = this.pendingResults;
    this.pendingResults = [];
    this.link.send({ type: 'results', results });
  }

  private finishRejected(task: TaskAssignment, cancel: Cancellation, reason: string): void {
    if (this.running.get(task.taskId) !== cancel) return;
    this.running.delete(task.taskId);
    this.link.send({ type: 'task_rejected', taskId: task.taskId, reason: reason.slice(0, 1000) });
    this.deps.onEvent({ type: 'task_failed', taskId: task.taskId, functionName: task.functionName, reason });
  }
}

function toWire(o: TaskOutcome) {
  return {
    status: o.status,
    exitCode: o.exitCode,
    stdout: bytesToBase64(o.stdout),
    stderr: bytesToBase64(o.stderr),
    truncated: o.truncated,
    durationMs: o.durationMs,
    fuelUsed: o.fuelUsed,
    files: Object.fromEntries(Object.entries(o.files ?? {}).map(([path, bytes]) => [path, bytesToBase64(bytes)])),
  };
}
