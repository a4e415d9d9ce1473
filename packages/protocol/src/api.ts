import { TabgridError } from './errors';
import {
  asObject,
  base64,
  base64DecodedLength,
  fail,
  optInt,
  optStr,
  str,
  strArray,
  strRecord,
  type Obj,
} from './guards';
import { FUNCTION_NAME, FUNCTION_VERSION, LIMITS } from './limits';

/** HTTP API v1 bodies (DESIGN.md "HTTP API contract"). */

export interface FunctionInfo {
  name: string;
  version: string;
  digest: string;
  size: number;
  createdAt: string;
}

export type UploadedFunction = Omit<FunctionInfo, 'createdAt'>;

export type ResultStatus = 'ok' | 'error' | 'timeout' | 'out_of_fuel';
export const RESULT_STATUSES: readonly ResultStatus[] = ['ok', 'error', 'timeout', 'out_of_fuel'];

export interface TaskInput {
  stdin?: string;
  args?: string[];
  env?: Record<string, string>;
  /** guest path → base64 contents */
  files?: Record<string, string>;
}

export interface TaskOptions {
  replicas?: number;
  timeoutMs?: number;
  fuel?: number;
  memoryMb?: number;
  region?: string;
}

export interface InvokeRequest extends TaskInput, TaskOptions {
  function: string;
}

export interface JobRequest extends TaskOptions {
  function: string;
  tasks: TaskInput[];
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** `done` counts tasks that finished with status ok, `failed` every other finish. */
export interface JobInfo {
  id: string;
  function: string;
  status: JobStatus;
  total: number;
  done: number;
  failed: number;
  running: number;
  queued: number;
  createdAt: string;
  finishedAt: string | null;
}

/** A finished job never changes again: done, failed or cancelled. */
export function isJobFinished(job: Pick<JobInfo, 'status'>): boolean {
  return job.status === 'done' || job.status === 'failed' || job.status === 'cancelled';
}

export interface JobResult extends InvokeResult {
  index: number;
  /** Why a task has no function result (quarantined after losing several nodes). */
  error?: { code: string; message: string };
}

export interface InvokeResult {
  status: ResultStatus;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  fuelUsed: number;
  durationMs: number;
  nodes: string[];
  verified: boolean;
  /** stdout, stderr or output files hit their cap and were cut. */
  truncated: boolean;
  /** What the guest wrote under /output/: guest path → base64. */
  files: Record<string, string>;
}

export type NodeState = 'connecting' | 'idle' | 'busy' | 'offline';
export type NodeTransport = 'webrtc' | 'relay';

export interface NodeInfo {
  id: string;
  region: string;
  cores: number;
  state: NodeState;
  score: number;
  running: number;
  completed: number;
  failed: number;
  transport: NodeTransport;
  userAgent: string;
  connectedAt: string;
}

export interface FunctionRef {
  name: string;
  /** undefined = newest version */
  version: string | undefined;
}

export function parseFunctionRef(ref: string): FunctionRef {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? undefined : ref.slice(at + 1);
  if (!FUNCTION_NAME.test(name)) fail(`function name "${name}" is invalid (letters, digits, . _ -; at most 64)`);
  if (version !== undefined && !FUNCTION_VERSION.test(version)) fail(`function version "${version}" is invalid`);
  return { name, version };
}

function tooLarge(message: string): never {
  throw new TabgridError('payload_too_large', message);
}

function parseTaskInput(o: Obj, what: string): TaskInput {
  const input: TaskInput = {};
  if (o.stdin !== undefined) {
    const stdin = str(o, 'stdin', what, Number.MAX_SAFE_INTEGER);
    if (stdin.length > LIMITS.maxStdinBytes) tooLarge(`${what}.stdin is larger than ${LIMITS.maxStdinBytes} bytes`);
    input.stdin = stdin;
  }
  if (o.args !== undefined) input.args = strArray(o, 'args', what, LIMITS.maxArgs, LIMITS.maxArgLength);
  if (o.env !== undefined) {
    input.env = strRecord(o, 'env', what, {
      maxEntries: LIMITS.maxEnvEntries,
      maxKeyLen: LIMITS.maxEnvKeyLength,
      maxValueLen: LIMITS.maxEnvValueLength,
    });
    for (const key of Object.keys(input.env)) {
      if (key.includes('=') || key.includes('\0')) fail(`${what}.env key "${key}" may not contain "=" or NUL`);
    }
  }
  if (o.files !== undefined) {
    const files = asObject(o.files, `${what}.files`);
    const entries = Object.entries(files);
    if (entries.length > LIMITS.maxFiles) tooLarge(`${what}.files has more than ${LIMITS.maxFiles} files`);
    let total = 0;
    const out: Record<string, string> = {};
    for (const [path] of entries) {
      if (path.length === 0 || path.length > LIMITS.maxPathLength) fail(`${what}.files has a path of invalid length`);
      const b64 = base64(files, path, `${what}.files`, Number.MAX_SAFE_INTEGER);
      total += base64DecodedLength(b64);
      if (total > LIMITS.maxFilesBytes) tooLarge(`${what}.files are larger than ${LIMITS.maxFilesBytes} bytes in total`);
      out[path] = b64;
    }
    input.files = out;
  }
  return input;
}

function parseTaskOptions(o: Obj, what: string): TaskOptions {
  const options: TaskOptions = {};
  const replicas = optInt(o, 'replicas', what, 1, LIMITS.maxReplicas);
  if (replicas !== undefined) options.replicas = replicas;
  const timeoutMs = optInt(o, 'timeoutMs', what, 1, LIMITS.maxTimeoutMs);
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const fuel = optInt(o, 'fuel', what, 1, LIMITS.maxFuel);
  if (fuel !== undefined) options.fuel = fuel;
  const memoryMb = optInt(o, 'memoryMb', what, 1, LIMITS.maxMemoryMb);
  if (memoryMb !== undefined) options.memoryMb = memoryMb;
  const region = optStr(o, 'region', what, LIMITS.maxRegionLength);
  if (region !== undefined) options.region = region;
  return options;
}

export function parseJobRequest(raw: unknown): JobRequest {
  const o = asObject(raw, 'body');
  const fn = str(o, 'function', 'body', 200);
  parseFunctionRef(fn);
  if (!Array.isArray(o.tasks)) fail('body.tasks must be an array of task inputs');
  if (o.tasks.length === 0) fail('body.tasks is empty');
  if (o.tasks.length > LIMITS.maxJobTasks) tooLarge(`body.tasks has more than ${LIMITS.maxJobTasks} tasks`);
  let inputBytes = 0;
  const tasks = o.tasks.map((task: unknown, i: number) => {
    const input = parseTaskInput(asObject(task, `body.tasks[${i}]`), `body.tasks[${i}]`);
    inputBytes += (input.stdin?.length ?? 0) + Object.values(input.files ?? {}).reduce((n, b64) => n + base64DecodedLength(b64), 0);
    if (inputBytes > LIMITS.maxJobInputBytes) tooLarge(`the job's inputs are larger than ${LIMITS.maxJobInputBytes} bytes`);
    return input;
  });
  return { function: fn, tasks, ...parseTaskOptions(o, 'body') };
}

export function parseInvokeRequest(raw: unknown): InvokeRequest {
  const o = asObject(raw, 'body');
  const fn = str(o, 'function', 'body', 200);
  parseFunctionRef(fn);
  return { function: fn, ...parseTaskInput(o, 'body'), ...parseTaskOptions(o, 'body') };
}

export function parseErrorBody(raw: unknown): { code: string; message: string } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const error = (raw as Obj).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as Obj;
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
}
