import { isErrorCode } from './errors';
import { asObject, fail, int, str, type Obj } from './guards';
import type { SignalClientToServer, SignalData, SignalServerToClient } from './signal';

const MAX_SDP = 64 * 1024;

function parseSignalData(raw: unknown): SignalData {
  const o = asObject(raw, 'signal.data');
  if (o.type === 'offer' || o.type === 'answer') {
    return { type: o.type, sdp: str(o, 'sdp', 'signal.data', MAX_SDP) };
  }
  if (o.type === 'candidate') {
    const c = asObject(o.candidate, 'signal.data.candidate');
    const sdpMid = c.sdpMid === null || c.sdpMid === undefined ? null : str(c, 'sdpMid', 'candidate', 64);
    const sdpMLineIndex =
      c.sdpMLineIndex === null || c.sdpMLineIndex === undefined ? null : int(c, 'sdpMLineIndex', 'candidate', 0, 64);
    return { type: 'candidate', candidate: { candidate: str(c, 'candidate', 'candidate', 2048), sdpMid, sdpMLineIndex } };
  }
  return fail(`unknown signal data type ${JSON.stringify(o.type)}`);
}

export function parseSignalClientToServer(raw: unknown): SignalClientToServer {
  const o = asObject(raw, 'signal message');
  switch (o.type) {
    case 'join':
      return {
        type: 'join',
        protocolVersion: int(o, 'protocolVersion', 'join', 0, 1_000_000),
        nodeId: str(o, 'nodeId', 'join', 64),
      };
    case 'signal':
      return { type: 'signal', data: parseSignalData(o.data) };
    case 'relay':
      return { type: 'relay', reason: str(o, 'reason', 'relay', 512) };
    default:
      return fail(`unknown signal message type ${JSON.stringify(o.type)}`);
  }
}

function parseIceServers(raw: unknown): { urls: string | string[] }[] {
  if (!Array.isArray(raw)) fail('joined.iceServers must be an array');
  return raw.map((entry: unknown) => {
    const o: Obj = asObject(entry, 'iceServer');
    const urls = o.urls;
    if (typeof urls === 'string') return { urls };
    if (Array.isArray(urls) && urls.every((u) => typeof u === 'string')) return { urls: urls as string[] };
    return fail('iceServer.urls must be a string or strings');
  });
}

export function parseSignalServerToClient(raw: unknown): SignalServerToClient {
  const o = asObject(raw, 'signal message');
  switch (o.type) {
    case 'joined':
      return {
        type: 'joined',
        iceServers: parseIceServers(o.iceServers),
        iceTimeoutMs: int(o, 'iceTimeoutMs', 'joined', 100, 600_000),
      };
    case 'signal':
      return { type: 'signal', data: parseSignalData(o.data) };
    case 'relay_ok':
      return { type: 'relay_ok' };
    case 'refused': {
      if (!isErrorCode(o.code)) fail('refused.code is not a known error code');
      return { type: 'refused', code: o.code, message: str(o, 'message', 'refused', 1024) };
    }
    default:
      return fail(`unknown signal message type ${JSON.stringify(o.type)}`);
  }
}

/** JSON.parse that reports malformed text as a typed error instead of a SyntaxError. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail('message is not valid JSON');
  }
}
