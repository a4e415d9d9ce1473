import type { TaskOutcome, TaskSpec, TaskStatus } from './types';

/** Bumped whenever HostToWorker or WorkerToHost changes shape. */
export const WORKER_PROTOCOL_VERSION = 1;

/** A run request, host to worker. */
export interface RunRequest {
  digest: string;
  /** null when the host believes the worker has this digest compiled already. */
  bytes: Uint8Array | null;
  task: TaskSpec;
  stdioCapBytes: number;
}

/** A run reply, worker to host. */
export type RunReply =
  | { type: 'outcome'; outcome: TaskOutcome; /** the worker now holds the module compiled */ moduleCached: boolean }
  | { type: 'module_missing' };

/** What a runtime worker exposes over comlink. Every method resolves; none throws across the boundary. */
export interface RuntimeWorkerApi {
  ping(): Promise<number>;
  run(request: RunRequest): Promise<RunReply>;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const STATUSES: ReadonlySet<string> = new Set<TaskStatus>(['ok', 'error', 'timeout', 'out_of_fuel']);

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function isStringArray(raw: unknown): raw is string[] {
  return Array.isArray(raw) && raw.every((item) => typeof item === 'string');
}

function isRecordOf<T>(raw: unknown, guard: (value: unknown) => value is T): raw is Record<string, T> {
  return isRecord(raw) && Object.values(raw).every(guard);
}

const isString = (raw: unknown): raw is string => typeof raw === 'string';
const isBytes = (raw: unknown): raw is Uint8Array => raw instanceof Uint8Array;
const isCount = (raw: unknown): raw is number => typeof raw === 'number' && Number.isFinite(raw) && raw >= 0;

export function parseTaskSpec(raw: unknown): Parsed<TaskSpec> {
  if (!isRecord(raw)) return { ok: false, error: 'task must be an object' };
  const { args, programName, env, stdin, files, timeoutMs } = raw;
  if (!isStringArray(args)) return { ok: false, error: 'task.args must be an array of strings' };
  if (!isString(programName)) return { ok: false, error: 'task.programName must be a string' };
  if (!isRecordOf(env, isString)) return { ok: false, error: 'task.env must map strings to strings' };
  if (!isBytes(stdin)) return { ok: false, error: 'task.stdin must be a Uint8Array' };
  if (!isRecordOf(files, isBytes)) return { ok: false, error: 'task.files must map paths to Uint8Arrays' };
  if (!isCount(timeoutMs) || timeoutMs === 0) return { ok: false, error: 'task.timeoutMs must be a positive number' };
  return { ok: true, value: { args, programName, env, stdin, files, timeoutMs } };
}

export function parseRunRequest(raw: unknown): Parsed<RunRequest> {
  if (!isRecord(raw)) return { ok: false, error: 'run request must be an object' };
  const { digest, bytes, stdioCapBytes } = raw;
  if (!isString(digest) || digest === '') return { ok: false, error: 'module digest must be a non-empty string' };
  if (bytes !== null && !isBytes(bytes)) return { ok: false, error: 'module bytes must be a Uint8Array or null' };
  if (!isCount(stdioCapBytes)) return { ok: false, error: 'stdioCapBytes must be a non-negative number' };
  const task = parseTaskSpec(raw['task']);
  if (!task.ok) return task;
  return { ok: true, value: { digest, bytes, task: task.value, stdioCapBytes } };
}

export function parseTaskOutcome(raw: unknown): Parsed<TaskOutcome> {
  if (!isRecord(raw)) return { ok: false, error: 'outcome must be an object' };
  const { status, exitCode, stdout, stderr, truncated, durationMs, fuelUsed } = raw;
  if (!isString(status) || !STATUSES.has(status)) return { ok: false, error: 'outcome.status is not a task status' };
  if (exitCode !== null && !(typeof exitCode === 'number' && Number.isInteger(exitCode))) {
    return { ok: false, error: 'outcome.exitCode must be an integer or null' };
  }
  if (!isBytes(stdout) || !isBytes(stderr)) return { ok: false, error: 'outcome stdout/stderr must be Uint8Arrays' };
  if (typeof truncated !== 'boolean') return { ok: false, error: 'outcome.truncated must be a boolean' };
  if (!isCount(durationMs) || !isCount(fuelUsed)) return { ok: false, error: 'outcome durationMs/fuelUsed must be numbers' };
  return {
    ok: true,
    value: { status: status as TaskStatus, exitCode, stdout, stderr, truncated, durationMs, fuelUsed },
  };
}

export function parseRunReply(raw: unknown): Parsed<RunReply> {
  if (!isRecord(raw)) return { ok: false, error: 'worker reply must be an object' };
  switch (raw['type']) {
    case 'module_missing':
      return { ok: true, value: { type: 'module_missing' } };
    case 'outcome': {
      const outcome = parseTaskOutcome(raw['outcome']);
      if (!outcome.ok) return outcome;
      return { ok: true, value: { type: 'outcome', outcome: outcome.value, moduleCached: raw['moduleCached'] === true } };
    }
    default:
      return { ok: false, error: `unknown worker reply type ${JSON.stringify(raw['type'])}` };
  }
}
