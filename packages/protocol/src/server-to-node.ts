import type { ErrorCode } from './errors';

/** Messages the orchestrator sends to a volunteer node over its data channel (or the relay). */

export interface WelcomeMessage {
  type: 'welcome';
  nodeId: string;
  /** Bearer token for volunteer-only endpoints such as module downloads. */
  nodeToken: string;
  heartbeatMs: number;
  transport: 'webrtc' | 'relay';
}

export interface RefusedMessage {
  type: 'refused';
  code: ErrorCode;
  message: string;
}

export interface TaskAssignment {
  taskId: string;
  functionName: string;
  moduleDigest: string;
  args: string[];
  env: Record<string, string>;
  /** base64 */
  stdin: string;
  /** guest path → base64 */
  files: Record<string, string>;
  timeoutMs: number;
}

export interface AssignMessage {
  type: 'assign';
  task: TaskAssignment;
}

export interface CancelMessage {
  type: 'cancel';
  taskId: string;
}

export type ServerToNode = WelcomeMessage | RefusedMessage | AssignMessage | CancelMessage;
