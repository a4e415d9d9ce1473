import { randomBytes } from 'node:crypto';
import {
  PROTOCOL_VERSION,
  type NodeCapabilities,
  type NodeInfo,
  type NodeToServer,
  type ServerToNode,
  type TaskOutcomeWire,
} from '@tabgrid/protocol';
import type { NodeLink } from './node-link';

export interface NodeSession {
  id: string;
  token: string;
  link: NodeLink;
  capabilities: NodeCapabilities;
  connectedAt: Date;
  lastSeen: number;
  completed: number;
  /** Tasks the node lost or refused (not the function's own errors). */
  failed: number;
}

export interface NodeHubEvents {
  onJoin(session: NodeSession): void;
  onLeave(nodeId: string, reason: string): void;
  /** One message's results, in the order the node sent them (`taskId` is the attempt id it was told). */
  onResults(nodeId: string, results: readonly { taskId: string; outcome: TaskOutcomeWire }[]): void;
  onRejected(nodeId: string, unitId: string, reason: string): void;
}

export interface NodeHubOptions {
  heartbeatMs: number;
  now: () => number;
  /** How many tasks a node is running right now (the scheduler knows). */
  runningOn: (nodeId: string) => number;
  /** The node's rank (0..1) as the scheduler sees it: success, throughput, uptime, agreement. */
  scoreOf: (nodeId: string) => number;
  events: NodeHubEvents;
}

const HELLO_DEADLINE_MS = 10_000;
/** A node that stays silent this many heartbeat periods is gone. */
const MISSED_HEARTBEATS = 3;

/** Registration, liveness and message routing for connected volunteer nodes. */
export class NodeHub {
  private readonly sessions = new Map<string, NodeSession>();
  private readonly byToken = new Map<string, string>();
  private readonly pendingHello = new Map<NodeLink, number>();

  constructor(private readonly options: NodeHubOptions) {}

  /** A new link: it has HELLO_DEADLINE_MS to introduce itself. */
  accept(link: NodeLink): void {
    this.pendingHello.set(link, this.options.now());
    let session: NodeSession | undefined;
    link.setHandlers({
      onClose: (reason) => {
        this.pendingHello.delete(link);
        if (session && this.sessions.get(session.id) === session) this.drop(session, reason);
      },
      onMessage: (message) => {
        if (!session) {
          session = this.handleHello(link, message);
          return;
        }
        session.lastSeen = this.options.now();
        this.handle(session, message);
      },
    });
  }

  send(nodeId: string, message: ServerToNode): boolean {
    const session = this.sessions.get(nodeId);
    if (!session) return false;
    session.link.send(message);
    return true;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(nodeId: string): NodeSession | undefined {
    return this.sessions.get(nodeId);
  }

  nodeForToken(token: string): string | undefined {
    return this.byToken.get(token);
  }

  /** Closes links that missed their hello or their heartbeats. Called on every tick. */
  sweep(): void {
    const now = this.options.now();
    for (const [link, since] of this.pendingHello) {
      if (now - since > HELLO_DEADLINE_MS) link.close('no hello in time');
    }
    const silentFor = this.options.heartbeatMs * MISSED_HEARTBEATS;
    for (const session of [...this.sessions.values()]) {
      if (now - session.lastSeen > silentFor) session.link.close('heartbeats missed');
    }
  }

  list(): NodeInfo[] {
    return [...this.sessions.values()].map((s) => {
      const running = this.options.runningOn(s.id);
      return {
        id: s.id,
        region: s.capabilities.region,
        cores: s.capabilities.cores,
        state: running > 0 ? 'busy' : 'idle',
        score: Math.round(this.options.scoreOf(s.id) * 1000) / 1000,
        running,
        completed: s.completed,
        failed: s.failed,
        transport: s.link.transport,
        userAgent: s.capabilities.userAgent,
        connectedAt: s.connectedAt.toISOString(),
      };
    });
  }

  closeAll(reason: string): void {
    for (const session of [...this.sessions.values()]) session.link.close(reason);
    for (const link of [...this.pendingHello.keys()]) link.close(reason);
  }

  private handleHello(link: NodeLink, message: NodeToServer): NodeSession | undefined {
    if (message.type !== 'hello') {
      link.close(`expected hello, got ${message.type}`);
      return undefined;
    }
    this.pendingHello.delete(link);
    if (message.protocolVersion !== PROTOCOL_VERSION) {
      link.send({
        type: 'refused',
        code: 'protocol_mismatch',
        message: `this page speaks protocol ${message.protocolVersion}, the server ${PROTOCOL_VERSION}: reload the page`,
      });
      link.close('protocol mismatch');
      return undefined;
    }
    const previous = this.sessions.get(message.nodeId);
    if (previous) previous.link.close('replaced by a new connection from the same node');
    const session: NodeSession = {
      id: message.nodeId,
      token: randomBytes(24).toString('base64url'),
      link,
      capabilities: message.capabilities,
      connectedAt: new Date(this.options.now()),
      lastSeen: this.options.now(),
      completed: previous?.completed ?? 0,
      failed: previous?.failed ?? 0,
    };
    this.sessions.set(session.id, session);
    this.byToken.set(session.token, session.id);
    link.send({
      type: 'welcome',
      nodeId: session.id,
      nodeToken: session.token,
      heartbeatMs: this.options.heartbeatMs,
      transport: link.transport,
    });
    this.options.events.onJoin(session);
    return session;
  }

  private handle(session: NodeSession, message: NodeToServer): void {
    switch (message.type) {
      case 'hello':
        session.link.close('hello sent twice');
        return;
      case 'heartbeat':
        return;
      case 'results':
        session.completed += message.results.length;
        this.options.events.onResults(session.id, message.results);
        return;
      case 'task_rejected':
        session.failed++;
        this.options.events.onRejected(session.id, message.taskId, message.reason);
        return;
    }
  }

  private drop(session: NodeSession, reason: string): void {
    this.sessions.delete(session.id);
    this.byToken.delete(session.token);
    this.options.events.onLeave(session.id, reason);
  }
}
