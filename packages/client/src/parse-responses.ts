import {
  RESULT_STATUSES,
  TabgridError,
  type FunctionInfo,
  type InvokeResult,
  type JobInfo,
  type JobResult,
  type JobStatus,
  type NodeInfo,
  type NodeState,
  type NodeTransport,
  type UploadedFunction,
} from '@tabgrid/protocol';
import type { NodeChange, ServerEvent } from '@tabgrid/protocol';

/**
 * Parsers for the orchestrator's response bodies. The client never casts what the server sends:
 * a body of the wrong shape is an 'internal' TabgridError naming the offending field.
 */
type Obj = Record<string, unknown>;

const NODE_STATES: readonly NodeState[] = ['connecting', 'idle', 'busy', 'offline'];
const NODE_TRANSPORTS: readonly NodeTransport[] = ['webrtc', 'relay'];

function bad(message: string): never {
  throw new TabgridError('internal', `unexpected response: ${message}`);
}

function obj(raw: unknown, what: string): Obj {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(`${what} must be an object`);
  return raw as Obj;
}

function arr(raw: unknown, what: string): unknown[] {
  if (!Array.isArray(raw)) bad(`${what} must be an array`);
  return raw;
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') bad(`${what}.${key} must be a string`);
  return v;
}

function num(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${what}.${key} must be a number`);
  return v;
}

function bool(o: Obj, key: string, what: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') bad(`${what}.${key} must be a boolean`);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, what: string, allowed: readonly T[]): T {
  const v = o[key];
  const found = allowed.find((a) => a === v);
  if (found === undefined) bad(`${what}.${key} must be one of ${allowed.join(', ')}`);
  return found;
}

export function parseHealth(raw: unknown): { ok: boolean } {
  return { ok: bool(obj(raw, 'body'), 'ok', 'body') };
}

export function parseUploadedFunction(raw: unknown, what = 'body'): UploadedFunction {
  const o = obj(raw, what);
  return {
    name: str(o, 'name', what),
    version: str(o, 'version', what),
    digest: str(o, 'digest', what),
    size: num(o, 'size', what),
  };
}

export function parseFunctionInfo(raw: unknown, what = 'body'): FunctionInfo {
  const o = obj(raw, what);
  return { ...parseUploadedFunction(o, what), createdAt: str(o, 'createdAt', what) };
}

export function parseFunctionList(raw: unknown): FunctionInfo[] {
  return arr(raw, 'body').map((item, i) => parseFunctionInfo(item, `body[${i}]`));
}

export function parseInvokeResult(raw: unknown, what = 'body'): InvokeResult {
  const o = obj(raw, what);
  const exitCode = o.exitCode === null ? null : num(o, 'exitCode', what);
  const nodes = arr(o.nodes, `${what}.nodes`).map((id, i) => {
    if (typeof id !== 'string') bad(`${what}.nodes[${i}] must be a string`);
    return id;
  });
  return {
    status: oneOf(o, 'status', what, RESULT_STATUSES),
    exitCode,
    stdout: str(o, 'stdout', what),
    stderr: str(o, 'stderr', what),
    fuelUsed: num(o, 'fuelUsed', what),
    durationMs: num(o, 'durationMs', what),
    nodes,
    verified: bool(o, 'verified', what),
    // Not in the DESIGN.md v1 table; absent means the server did not cut the output.
    truncated: o.truncated === undefined ? false : bool(o, 'truncated', what),
    files: o.files === undefined ? {} : stringRecord(o.files, `${what}.files`),
  };
}

function stringRecord(raw: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj(raw, what))) {
    if (typeof value !== 'string') bad(`${what}.${key} must be a string`);
    out[key] = value;
  }
  return out;
}

export function parseNodeInfo(raw: unknown, what = 'body'): NodeInfo {
  const o = obj(raw, what);
  return {
    id: str(o, 'id', what),
    region: str(o, 'region', what),
    cores: num(o, 'cores', what),
    state: oneOf(o, 'state', what, NODE_STATES),
    score: num(o, 'score', what),
    running: num(o, 'running', what),
    completed: num(o, 'completed', what),
    failed: num(o, 'failed', what),
    transport: oneOf(o, 'transport', what, NODE_TRANSPORTS),
    userAgent: str(o, 'userAgent', what),
    connectedAt: str(o, 'connectedAt', what),
  };
}

export function parseNodeList(raw: unknown): NodeInfo[] {
  return arr(raw, 'body').map((item, i) => parseNodeInfo(item, `body[${i}]`));
}

const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

export function parseJobInfo(raw: unknown, what = 'body'): JobInfo {
  const o = obj(raw, what);
  return {
    id: str(o, 'id', what),
    function: str(o, 'function', what),
    status: oneOf(o, 'status', what, JOB_STATUSES),
    total: num(o, 'total', what),
    done: num(o, 'done', what),
    failed: num(o, 'failed', what),
    running: num(o, 'running', what),
    queued: num(o, 'queued', what),
    createdAt: str(o, 'createdAt', what),
    finishedAt: o.finishedAt === null ? null : str(o, 'finishedAt', what),
  };
}

export function parseJobList(raw: unknown): JobInfo[] {
  return arr(raw, 'body').map((item, i) => parseJobInfo(item, `body[${i}]`));
}

export function parseJobResult(raw: unknown, what = 'body'): JobResult {
  const o = obj(raw, what);
  const result: JobResult = { index: num(o, 'index', what), ...parseInvokeResult(o, what) };
  if (o.error !== undefined) {
    const e = obj(o.error, `${what}.error`);
    result.error = { code: str(e, 'code', `${what}.error`), message: str(e, 'message', `${what}.error`) };
  }
  return result;
}

export function parseJobResults(raw: unknown): JobResult[] {
  return arr(raw, 'body').map((item, i) => parseJobResult(item, `body[${i}]`));
}

const NODE_CHANGES: readonly NodeChange[] = ['joined', 'left'];

/**
 * One SSE frame's data → a ServerEvent. `undefined` for an event name this client does not know,
 * so a newer server can add kinds without breaking older dashboards; a known kind with the wrong
 * shape is an error like any other bad body.
 */
export function parseServerEvent(event: string, raw: unknown): ServerEvent | undefined {
  if (event !== 'job' && event !== 'node') return undefined;
  const what = `${event} event`;
  const o = obj(raw, what);
  if (o.type !== event) bad(`${what}.type must be "${event}"`);
  if (event === 'job') return { type: 'job', job: parseJobInfo(o.job, `${what}.job`) };
  return { type: 'node', id: str(o, 'id', what), change: oneOf(o, 'change', what, NODE_CHANGES) };
}
