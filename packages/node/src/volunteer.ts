import type { NodeCapabilities } from '@tabgrid/protocol';
import type { WorkerPool } from '@tabgrid/runtime';
import { AgentSession, type AgentEvent, type AgentTimers } from './agent';
import type { Connection } from './connect';
import { RefusedError } from './errors';
import type { ModuleCache } from './module-cache';

export type VolunteerPhase = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'refused' | 'stopped';

export interface RecentTask {
  taskId: string;
  functionName: string;
  status: string;
  durationMs: number;
  at: number;
}

export interface VolunteerSnapshot {
  phase: VolunteerPhase;
  transport: 'webrtc' | 'relay' | null;
  nodeId: string;
  region: string;
  cores: number;
  running: number;
  completed: number;
  failed: number;
  /** Refusal reason or last connection error. */
  message: string | null;
  /** Newest first. */
  recent: RecentTask[];
}

export interface VolunteerDeps {
  nodeId: string;
  capabilities: NodeCapabilities;
  createPool: () => WorkerPool;
  modules: ModuleCache;
  connect: () => Promise<Connection>;
  timers: AgentTimers & {
    setTimeout(callback: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
  };
  onChange(snapshot: VolunteerSnapshot): void;
}

const MAX_RECENT = 20;
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 15_000;

/**
 * A volunteer node's lifecycle: connect, serve tasks, and on any loss reconnect with backoff,
 * keeping the same node id. A refusal (e.g. protocol mismatch) stops it for good.
 */
export class Volunteer {
  private state: VolunteerSnapshot;
  private pool: WorkerPool | undefined;
  private session: AgentSession | undefined;
  private connection: Connection | undefined;
  private retryTimer: unknown;
  private backoffMs = BACKOFF_START_MS;
  private active = false;

  constructor(private readonly deps: VolunteerDeps) {
    this.state = {
      phase: 'idle',
      transport: null,
      nodeId: deps.nodeId,
      region: deps.capabilities.region,
      cores: deps.capabilities.cores,
      running: 0,
      completed: 0,
      failed: 0,
      message: null,
      recent: [],
    };
  }

  snapshot(): VolunteerSnapshot {
    return this.state;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.pool ??= this.deps.createPool();
    this.update({ phase: 'connecting', message: null });
    void this.connectOnce();
  }

  stop(): void {
    this.active = false;
    if (this.retryTimer !== undefined) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.session?.end();
    this.connection?.link.close('volunteer stopped');
    this.session = undefined;
    this.connection = undefined;
    void this.pool?.stop();
    this.pool = undefined;
    this.update({ phase: 'stopped', transport: null, running: 0 });
  }

  private async connectOnce(): Promise<void> {
    let connection: Connection;
    try {
      connection = await this.deps.connect();
    } catch (error) {
      if (error instanceof RefusedError) return this.refused(error.message);
      return this.retryLater(error instanceof Error ? error.message : 'connection failed');
    }
    if (!this.active || !this.pool) {
      connection.link.close('volunteer stopped');
      return;
    }
    this.connection = connection;
    const session = new AgentSession(connection.link, {
      nodeId: this.deps.nodeId,
      capabilities: this.deps.capabilities,
      pool: this.pool,
      modules: this.deps.modules,
      timers: this.deps.timers,
      onEvent: (event) => this.onAgentEvent(event),
    });
    this.session = session;
    connection.link.setHandlers({
      onMessage: (message) => session.handle(message),
      onClose: (reason) => {
        session.end();
        if (this.session !== session) return;
        this.session = undefined;
        this.connection = undefined;
        if (this.state.phase !== 'refused') this.retryLater(reason);
      },
    });
    session.start();
  }

  private onAgentEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'welcome':
        this.backoffMs = BACKOFF_START_MS;
        this.update({ phase: 'connected', transport: event.transport, message: null });
        return;
      case 'refused':
        this.refused(event.message);
        return;
      case 'task_started':
      case 'task_cancelled':
        this.update({ running: this.session?.runningCount ?? 0 });
        return;
      case 'task_finished':
        this.update({
          running: this.session?.runningCount ?? 0,
          completed: this.state.completed + 1,
          recent: this.remember(event.taskId, event.functionName, event.status, event.durationMs),
        });
        return;
      case 'task_failed':
        this.update({
          running: this.session?.runningCount ?? 0,
          failed: this.state.failed + 1,
          recent: this.remember(event.taskId, event.functionName, 'rejected', 0),
          message: event.reason,
        });
        return;
    }
  }

  private remember(taskId: string, functionName: string, status: string, durationMs: number): RecentTask[] {
    const entry = { taskId, functionName, status, durationMs, at: this.deps.timers.now() };
    return [entry, ...this.state.recent].slice(0, MAX_RECENT);
  }

  private refused(message: string): void {
    this.active = false;
    void this.pool?.stop();
    this.pool = undefined;
    this.update({ phase: 'refused', transport: null, running: 0, message });
  }

  private retryLater(reason: string): void {
    if (!this.active) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.update({ phase: 'reconnecting', transport: null, running: 0, message: reason });
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.active) void this.connectOnce();
    }, delay);
  }

  private update(patch: Partial<VolunteerSnapshot>): void {
    this.state = { ...this.state, ...patch };
    this.deps.onChange(this.state);
  }
}
