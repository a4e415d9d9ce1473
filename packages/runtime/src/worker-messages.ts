import { MAX_BATCH_TASKS } from './limits';
import { isBytes, isCount, isRecord, isString, parseTaskOutcome, parseTaskSpec, type Parsed } from './task-parse';
import type { TaskOutcome, TaskSpec } from './types';

/** Bumped whenever the comlink API, HostToWorker or WorkerToHost changes shape. */
export const WORKER_PROTOCOL_VERSION = 3;

/** What a runtime worker exposes over comlink: the handshake. Task traffic then flows over the opened port. */
export interface RuntimeWorkerApi {
  ping(): Promise<number>;
  /**
   * Serves batches arriving on `port` from now on. `progress`, when the platform shares memory,
   * is where the worker marks which task it is running (see `progress-cell.ts`); without it the
   * worker reports every result at once.
   */
  open(port: MessagePort, progress: SharedArrayBuffer | null): Promise<void>;
}

/** A task in a batch; `seq` names it in results and in the progress cell, and is unique per pool. */
export interface BatchTask {
  seq: number;
  task: TaskSpec;
}

/** Host to worker: run these tasks of one module, in order. */
export interface HostToWorker {
  type: 'run';
  batch: number;
  digest: string;
  /** null when the host believes the worker has this digest compiled already. */
  bytes: Uint8Array | null;
  stdioCapBytes: number;
  outputFilesCapBytes: number;
  tasks: BatchTask[];
}

export interface BatchResult {
  seq: number;
  outcome: TaskOutcome;
}

/** Worker to host: results come in task order, in as many messages as the worker chose to flush. */
export type WorkerToHost =
  | { type: 'results'; batch: number; results: BatchResult[]; /** the worker now holds the module compiled */ moduleCached: boolean }
  /** Nothing of the batch ran: send it again with the bytes. */
  | { type: 'module_missing'; batch: number }
  /** The batch envelope itself did not parse (a host bug); nothing of it ran. */
  | { type: 'refused'; batch: number; error: string };

/** A single run, in-process (tests drive the worker this way). */
export interface RunRequest {
  digest: string;
  bytes: Uint8Array | null;
  task: TaskSpec;
  stdioCapBytes: number;
  outputFilesCapBytes: number;
}

export type RunReply =
  | { type: 'outcome'; outcome: TaskOutcome; moduleCached: boolean }
  | { type: 'module_missing' };

const isSeq = (raw: unknown): raw is number => isCount(raw) && Number.isInteger(raw);

/** The envelope only: each task is parsed on its own, so one bad task fails alone. */
export function parseHostToWorker(raw: unknown): Parsed<Omit<HostToWorker, 'tasks'> & { tasks: Array<{ seq: number; task: unknown }> }> {
  if (!isRecord(raw) || raw['type'] !== 'run') return { ok: false, error: 'message must be a run batch' };
  const { batch, digest, bytes, stdioCapBytes, outputFilesCapBytes, tasks } = raw;
  if (!isSeq(batch)) return { ok: false, error: 'batch must be a non-negative integer' };
  if (!isString(digest) || digest === '') return { ok: false, error: 'module digest must be a non-empty string' };
  if (bytes !== null && !isBytes(bytes)) return { ok: false, error: 'module bytes must be a Uint8Array or null' };
  if (!isCount(stdioCapBytes)) return { ok: false, error: 'stdioCapBytes must be a non-negative number' };
  if (!isCount(outputFilesCapBytes)) return { ok: false, error: 'outputFilesCapBytes must be a non-negative number' };
  if (!Array.isArray(tasks) || tasks.length === 0 || tasks.length > MAX_BATCH_TASKS) {
    return { ok: false, error: `tasks must be an array of 1 to ${MAX_BATCH_TASKS}` };
  }
  const entries: Array<{ seq: number; task: unknown }> = [];
  for (const entry of tasks as unknown[]) {
    if (!isRecord(entry) || !isSeq(entry['seq'])) return { ok: false, error: 'every batch task needs an integer seq' };
    entries.push({ seq: entry['seq'], task: entry['task'] });
  }
  return { ok: true, value: { type: 'run', batch, digest, bytes, stdioCapBytes, outputFilesCapBytes, tasks: entries } };
}

export function parseWorkerToHost(raw: unknown): Parsed<WorkerToHost> {
  if (!isRecord(raw)) return { ok: false, error: 'worker message must be an object' };
  const { type, batch } = raw;
  if (!isSeq(batch)) return { ok: false, error: 'worker message has no batch number' };
  switch (type) {
    case 'module_missing':
      return { ok: true, value: { type, batch } };
    case 'refused':
      return { ok: true, value: { type, batch, error: isString(raw['error']) ? raw['error'] : 'unknown' } };
    case 'results': {
      const list = raw['results'];
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH_TASKS) {
        return { ok: false, error: `results must be an array of 1 to ${MAX_BATCH_TASKS}` };
      }
      const results: BatchResult[] = [];
      for (const entry of list as unknown[]) {
        if (!isRecord(entry) || !isSeq(entry['seq'])) return { ok: false, error: 'every result needs an integer seq' };
        const outcome = parseTaskOutcome(entry['outcome']);
        if (!outcome.ok) return outcome;
        results.push({ seq: entry['seq'], outcome: outcome.value });
      }
      return { ok: true, value: { type, batch, results, moduleCached: raw['moduleCached'] === true } };
    }
    default:
      return { ok: false, error: `unknown worker message type ${JSON.stringify(type)}` };
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
