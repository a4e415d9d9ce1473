import { MAX_MEMORY_PAGES } from './limits';
import type { GuestDir, GuestEntry, TaskOutcome, TaskSpec, TaskStatus } from './types';

// Guards for the task and outcome shapes every worker message carries.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const STATUSES: ReadonlySet<string> = new Set<TaskStatus>(['ok', 'error', 'timeout', 'out_of_fuel']);

export function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function isStringArray(raw: unknown): raw is string[] {
  return Array.isArray(raw) && raw.every((item) => typeof item === 'string');
}

function isRecordOf<T>(raw: unknown, guard: (value: unknown) => value is T): raw is Record<string, T> {
  return isRecord(raw) && Object.values(raw).every(guard);
}

export const isString = (raw: unknown): raw is string => typeof raw === 'string';
export const isBytes = (raw: unknown): raw is Uint8Array => raw instanceof Uint8Array;
export const isCount = (raw: unknown): raw is number => typeof raw === 'number' && Number.isFinite(raw) && raw >= 0;

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
