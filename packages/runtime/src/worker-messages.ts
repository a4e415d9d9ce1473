import { MAX_MEMORY_PAGES } from './limits';
import type { GuestDir, GuestEntry, TaskOutcome, TaskSpec, TaskStatus } from './types';

/** Bumped whenever HostToWorker or WorkerToHost changes shape. */
export const WORKER_PROTOCOL_VERSION = 2;

/** A run request, host to worker. */
export interface RunRequest {
  digest: string;
  /** null when the host believes the worker has this digest compiled already. */
  bytes: Uint8Array | null;
  task: TaskSpec;
  stdioCapBytes: number;
  outputFilesCapBytes: number;
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
  const value: TaskSpec = { args, programName, env, stdin, files, timeoutMs };
  const { seed, fuel, memoryLimitPages, preopens, returnPreopens } = raw;
  if (seed !== undefined) {
    if (!isString(seed)) return { ok: false, error: 'task.seed must be a string' };
    value.seed = seed;
  }
  if (fuel !== undefined) {
    if (!isCount(fuel) || !Number.isInteger(fuel) || fuel > 2 ** 62) return { ok: false, error: 'task.fuel must be an integer from 0 to 2^62' };
    value.fuel = fuel;
  }
  if (memoryLimitPages !== undefined) {
    if (!isCount(memoryLimitPages) || !Number.isInteger(memoryLimitPages) || memoryLimitPages > MAX_MEMORY_PAGES) {
      return { ok: false, error: `task.memoryLimitPages must be an integer from 0 to ${MAX_MEMORY_PAGES}` };
    }
    value.memoryLimitPages = memoryLimitPages;
  }
  if (preopens !== undefined) {
    if (!isRecord(preopens)) return { ok: false, error: 'task.preopens must map names to directory trees' };
    for (const [name, tree] of Object.entries(preopens)) {
      const problem = findTreeProblem(tree, 0);
      if (name === '' || name.includes('\0')) return { ok: false, error: `task.preopens has an invalid name ${JSON.stringify(name)}` };
      if (problem !== null) return { ok: false, error: `task.preopens[${JSON.stringify(name)}]: ${problem}` };
    }
    value.preopens = preopens as Record<string, GuestDir>;
  }
  if (returnPreopens !== undefined) {
    if (typeof returnPreopens !== 'boolean') return { ok: false, error: 'task.returnPreopens must be a boolean' };
    value.returnPreopens = returnPreopens;
  }
  return { ok: true, value };
}

/** Directory trees nest at most this deep on the wire (a guest path is at most 4096 bytes anyway). */
const MAX_TREE_DEPTH = 256;

function findTreeProblem(raw: unknown, depth: number): string | null {
  if (depth > MAX_TREE_DEPTH) return `directory tree nests deeper than ${MAX_TREE_DEPTH}`;
  if (!isRecord(raw)) return 'a directory must be an object of entries';
  for (const [name, entry] of Object.entries(raw)) {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) return `invalid entry name ${JSON.stringify(name)}`;
    const problem = findEntryProblem(entry, depth);
    if (problem !== null) return `${name}: ${problem}`;
  }
  return null;
}

function findEntryProblem(raw: unknown, depth: number): string | null {
  if (!isRecord(raw)) return 'entry must be an object';
  const entry = raw as Partial<Record<keyof GuestEntry | 'data' | 'entries' | 'target', unknown>>;
  switch (entry.type) {
    case 'file':
      return isBytes(entry.data) ? null : 'file data must be a Uint8Array';
    case 'dir':
      return findTreeProblem(entry.entries, depth + 1);
    case 'symlink':
      return isString(entry.target) && !entry.target.includes('\0') ? null : 'symlink target must be a string without NUL';
    default:
      return 'entry type must be file, dir or symlink';
  }
}

export function parseRunRequest(raw: unknown): Parsed<RunRequest> {
  if (!isRecord(raw)) return { ok: false, error: 'run request must be an object' };
  const { digest, bytes, stdioCapBytes, outputFilesCapBytes } = raw;
  if (!isString(digest) || digest === '') return { ok: false, error: 'module digest must be a non-empty string' };
  if (bytes !== null && !isBytes(bytes)) return { ok: false, error: 'module bytes must be a Uint8Array or null' };
  if (!isCount(stdioCapBytes)) return { ok: false, error: 'stdioCapBytes must be a non-negative number' };
  if (!isCount(outputFilesCapBytes)) return { ok: false, error: 'outputFilesCapBytes must be a non-negative number' };
  const task = parseTaskSpec(raw['task']);
  if (!task.ok) return task;
  return { ok: true, value: { digest, bytes, task: task.value, stdioCapBytes, outputFilesCapBytes } };
}

export function parseTaskOutcome(raw: unknown): Parsed<TaskOutcome> {
  if (!isRecord(raw)) return { ok: false, error: 'outcome must be an object' };
  const { status, exitCode, stdout, stderr, truncated, durationMs, fuelUsed, files, preopens } = raw;
  if (!isString(status) || !STATUSES.has(status)) return { ok: false, error: 'outcome.status is not a task status' };
  if (exitCode !== null && !(typeof exitCode === 'number' && Number.isInteger(exitCode))) {
    return { ok: false, error: 'outcome.exitCode must be an integer or null' };
  }
  if (!isBytes(stdout) || !isBytes(stderr)) return { ok: false, error: 'outcome stdout/stderr must be Uint8Arrays' };
  if (typeof truncated !== 'boolean') return { ok: false, error: 'outcome.truncated must be a boolean' };
  if (!isCount(durationMs) || !isCount(fuelUsed)) return { ok: false, error: 'outcome durationMs/fuelUsed must be numbers' };
  if (files !== undefined && !isRecordOf(files, isBytes)) return { ok: false, error: 'outcome.files must map paths to Uint8Arrays' };
  const value: TaskOutcome = { status: status as TaskStatus, exitCode, stdout, stderr, truncated, durationMs, fuelUsed };
  if (files !== undefined) value.files = files;
  if (preopens !== undefined) {
    if (!isRecord(preopens)) return { ok: false, error: 'outcome.preopens must map names to directory trees' };
    for (const tree of Object.values(preopens)) {
      const problem = findTreeProblem(tree, 0);
      if (problem !== null) return { ok: false, error: `outcome.preopens: ${problem}` };
    }
    value.preopens = preopens as Record<string, GuestDir>;
  }
  return { ok: true, value };
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
