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
  /** Instruction budget for a metered module; null = the runtime's default (effectively unlimited). */
  fuel: number | null;
  /** Cap for the guest's linear memory, in 64 KiB pages. */
  memoryLimitPages: number;
  /** Seeds the guest's random_get stream: the same task always sees the same "randomness". */
  seed: string;
}

/** One or more tasks leased to this node, at most as many as it has free slots. */
export interface AssignMessage {
  type: 'assign';
  tasks: TaskAssignment[];
}

export interface CancelMessage {
  type: 'cancel';
  taskId: string;
}

export type ServerToNode = WelcomeMessage | RefusedMessage | AssignMessage | CancelMessage;
