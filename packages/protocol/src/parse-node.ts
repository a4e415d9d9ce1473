import { RESULT_STATUSES } from './api';
import { isErrorCode } from './errors';
import {
  asObject,
  base64,
  base64DecodedLength,
  bool,
  fail,
  int,
  num,
  oneOf,
  str,
  strArray,
  strRecord,
  type Obj,
} from './guards';
import { DIGEST, LIMITS } from './limits';
import type { NodeToServer, TaskOutcomeWire } from './node-to-server';
import type { ServerToNode, TaskAssignment } from './server-to-node';
import { receivedShared, shareFields, withShared } from './shared-fields';

/** Parsers for node envelopes; each throws TabgridError('bad_request') on anything malformed. */

const NODE_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Speculative copies of a straggling task carry a `~spec<n>` suffix. */
const TASK_ID = /^[A-Za-z0-9_~-]{1,80}$/;

function taskId(o: Obj, what: string): string {
  const id = str(o, 'taskId', what, 80);
  if (!TASK_ID.test(id)) fail(`${what}.taskId is malformed`);
  return id;
}

export function isNodeId(value: string): boolean {
  return NODE_ID.test(value);
}

/** path → base64, bounded in entries, path length and total decoded size. */
function base64Record(raw: unknown, what: string, maxTotalBytes: number): Record<string, string> {
  const o = asObject(raw, what);
  const out: Record<string, string> = {};
  let total = 0;
  const paths = Object.keys(o);
  if (paths.length > 1024) fail(`${what} has more than 1024 entries`);
  for (const path of paths) {
    if (path.length === 0 || path.length > LIMITS.maxPathLength) fail(`${what} has a path of invalid length`);
    const b64 = base64(o, path, what, maxTotalBytes);
    total += base64DecodedLength(b64);
    if (total > maxTotalBytes) fail(`${what} is larger than ${maxTotalBytes} bytes in total`);
    out[path] = b64;
  }
  return out;
}

function parseOutcome(raw: unknown): TaskOutcomeWire {
  const o = asObject(raw, 'result.outcome');
  const what = 'result.outcome';
  const exitCode = o.exitCode === null ? null : int(o, 'exitCode', what, -(2 ** 31), 2 ** 32 - 1);
  return {
    status: oneOf(o, 'status', what, RESULT_STATUSES),
    exitCode,
    stdout: base64(o, 'stdout', what, LIMITS.maxOutputBytes),
    stderr: base64(o, 'stderr', what, LIMITS.maxOutputBytes),
    truncated: bool(o, 'truncated', what),
    durationMs: num(o, 'durationMs', what, 0, 24 * 3600 * 1000),
    fuelUsed: int(o, 'fuelUsed', what, 0, Number.MAX_SAFE_INTEGER),
    files: base64Record(o.files, `${what}.files`, LIMITS.maxOutputBytes),
  };
}

export function parseNodeToServer(raw: unknown): NodeToServer {
  const o = asObject(raw, 'message');
  switch (o.type) {
    case 'hello': {
      const caps = asObject(o.capabilities, 'hello.capabilities');
      const nodeId = str(o, 'nodeId', 'hello', 64);
      if (!NODE_ID.test(nodeId)) fail('hello.nodeId must be 8-64 characters of [A-Za-z0-9_-]');
      return {
        type: 'hello',
        protocolVersion: int(o, 'protocolVersion', 'hello', 0, 1_000_000),
        nodeId,
        capabilities: {
          cores: int(caps, 'cores', 'hello.capabilities', 1, 1024),
          memoryMb: int(caps, 'memoryMb', 'hello.capabilities', 0, 16 * 1024 * 1024),
          userAgent: str(caps, 'userAgent', 'hello.capabilities', 512),
          region: str(caps, 'region', 'hello.capabilities', LIMITS.maxRegionLength),
          features: strArray(caps, 'features', 'hello.capabilities', 64, 64),
        },
      };
    }
    case 'heartbeat':
      return { type: 'heartbeat', running: int(o, 'running', 'heartbeat', 0, 1024) };
    case 'results': {
      if (!Array.isArray(o.results) || o.results.length === 0 || o.results.length > LIMITS.maxBatch) {
        fail(`results.results must be an array of 1 to ${LIMITS.maxBatch} results`);
      }
      const shared = receivedShared(o.shared, 'results.shared');
      return {
        type: 'results',
        results: o.results.map((raw: unknown, i: number) => {
          const r = asObject(raw, `results[${i}]`);
          return { taskId: taskId(r, `results[${i}]`), outcome: parseOutcome(withShared(shared, asObject(r.outcome, 'result.outcome'))) };
        }),
      };
    }
    case 'task_rejected':
      return { type: 'task_rejected', taskId: taskId(o, 'task_rejected'), reason: str(o, 'reason', 'task_rejected', 1024) };
    default:
      return fail(`unknown node message type ${JSON.stringify(o.type)}`);
  }
}

function parseAssignment(raw: unknown): TaskAssignment {
  const o = asObject(raw, 'assign.task');
  const what = 'assign.task';
  const moduleDigest = str(o, 'moduleDigest', what, 80);
  if (!DIGEST.test(moduleDigest)) fail(`${what}.moduleDigest must be sha256:<64 hex>`);
  return {
    taskId: taskId(o, what),
    functionName: str(o, 'functionName', what, 64),
    moduleDigest,
    args: strArray(o, 'args', what, LIMITS.maxArgs, LIMITS.maxArgLength),
    env: strRecord(o, 'env', what, {
      maxEntries: LIMITS.maxEnvEntries,
      maxKeyLen: LIMITS.maxEnvKeyLength,
      maxValueLen: LIMITS.maxEnvValueLength,
    }),
    stdin: base64(o, 'stdin', what, LIMITS.maxStdinBytes),
    files: base64Record(o.files, `${what}.files`, LIMITS.maxFilesBytes),
    timeoutMs: int(o, 'timeoutMs', what, 1, LIMITS.maxTimeoutMs),
    fuel: o.fuel === null ? null : int(o, 'fuel', what, 1, LIMITS.maxFuel),
    memoryLimitPages: int(o, 'memoryLimitPages', what, 1, 65536),
    seed: str(o, 'seed', what, 128),
  };
}

export function parseServerToNode(raw: unknown): ServerToNode {
  const o = asObject(raw, 'message');
  switch (o.type) {
    case 'welcome':
      return {
        type: 'welcome',
        nodeId: str(o, 'nodeId', 'welcome', 64),
        nodeToken: str(o, 'nodeToken', 'welcome', 256),
        heartbeatMs: int(o, 'heartbeatMs', 'welcome', 100, 600_000),
        transport: oneOf(o, 'transport', 'welcome', ['webrtc', 'relay'] as const),
      };
    case 'refused': {
      const code = o.code;
      if (!isErrorCode(code)) fail('refused.code is not a known error code');
      return { type: 'refused', code, message: str(o, 'message', 'refused', 1024) };
    }
    case 'assign': {
      if (!Array.isArray(o.tasks) || o.tasks.length === 0 || o.tasks.length > LIMITS.maxBatch) {
        fail(`assign.tasks must be an array of 1 to ${LIMITS.maxBatch} tasks`);
      }
      const shared = receivedShared(o.shared, 'assign.shared');
      return { type: 'assign', tasks: o.tasks.map((raw: unknown) => parseAssignment(withShared(shared, asObject(raw, 'assign.task')))) };
    }
    case 'cancel':
      return { type: 'cancel', taskId: taskId(o, 'cancel') };
    default:
      return fail(`unknown server message type ${JSON.stringify(o.type)}`);
  }
}

/**
 * A node message as it goes on the wire: the outcomes of a `results` batch send the fields they
 * share once (protocol 3). `parseNodeToServer` restores them.
 */
export function encodeNodeToServer(message: NodeToServer): unknown {
  if (message.type !== 'results') return message;
  const { shared, own } = shareFields(message.results.map((r) => r.outcome));
  return { type: 'results', shared, results: message.results.map((r, i) => ({ taskId: r.taskId, outcome: own[i] })) };
}

/** A server message as it goes on the wire: the tasks of an `assign` send the fields they share once. */
export function encodeServerToNode(message: ServerToNode): unknown {
  if (message.type !== 'assign') return message;
  const { shared, own } = shareFields(message.tasks);
  return { type: 'assign', shared, tasks: own };
}
