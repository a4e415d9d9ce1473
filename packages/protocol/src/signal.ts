import type { ErrorCode } from './errors';

/**
 * WebSocket /v1/signal, JSON text frames: SDP and ICE only, plus the switch to relay mode.
 * After `relay` is acknowledged, binary frames on the same socket carry node envelopes (see framing).
 */

export type SignalData =
  | { type: 'offer' | 'answer'; sdp: string }
  | { type: 'candidate'; candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } };

export type SignalClientToServer =
  | { type: 'join'; protocolVersion: number; nodeId: string }
  | { type: 'signal'; data: SignalData }
  | { type: 'relay'; reason: string };

export type SignalServerToClient =
  | { type: 'joined'; iceServers: { urls: string | string[] }[]; iceTimeoutMs: number }
  | { type: 'signal'; data: SignalData }
  | { type: 'relay_ok' }
  | { type: 'refused'; code: ErrorCode; message: string };
