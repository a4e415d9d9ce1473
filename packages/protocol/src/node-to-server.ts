import type { ResultStatus } from './api';

/** Messages a volunteer node sends to the orchestrator over its data channel (or the relay). */

export interface NodeCapabilities {
  cores: number;
  memoryMb: number;
  userAgent: string;
  region: string;
  features: string[];
}

export interface HelloMessage {
  type: 'hello';
  protocolVersion: number;
  nodeId: string;
  capabilities: NodeCapabilities;
}

export interface HeartbeatMessage {
  type: 'heartbeat';
  running: number;
}

/** stdout/stderr are base64 so binary output survives. */
export interface TaskOutcomeWire {
  status: ResultStatus;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  fuelUsed: number;
  /** Files written under /output/: guest path → base64. */
  files: Record<string, string>;
}

export interface TaskResult {
  taskId: string;
  outcome: TaskOutcomeWire;
}

/** One or more finished tasks: a busy node batches them, an idle one sends each at once. */
export interface ResultsMessage {
  type: 'results';
  results: TaskResult[];
}

/** The node could not run the task at all (module fetch failed, digest mismatch): not the function's fault. */
export interface TaskRejectedMessage {
  type: 'task_rejected';
  taskId: string;
  reason: string;
}

export type NodeToServer = HelloMessage | HeartbeatMessage | ResultsMessage | TaskRejectedMessage;
