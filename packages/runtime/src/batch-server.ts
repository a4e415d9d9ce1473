import type { ExecuteCaps, PreparedModule } from './execute';
import { describeThrown, failedOutcome } from './outcome';
import { markStarted } from './progress-cell';
import { parseTaskSpec } from './task-parse';
import type { TaskOutcome, TaskSpec } from './types';
import { parseHostToWorker, type BatchResult, type WorkerToHost } from './worker-messages';

/**
 * With a progress cell, finished results wait at most this long for company before they are sent:
 * as long as a batch's budget, so a batch's results usually go back in one message.
 */
export const FLUSH_MS = 50;
/** Smaller output buffers are copied: moving one costs more than copying a few KiB. */
const TRANSFER_MIN_BYTES = 16 * 1024;

export type ModuleLookup = { type: 'ready'; prepared: PreparedModule } | { type: 'missing' } | { type: 'invalid'; error: string; durationMs: number };

/** The worker's side of a batch: compiled modules by digest, and one task at a time. */
export interface BatchRunner {
  /** The module if this worker holds it compiled: a warm task starts without waiting a turn. */
  cached(digest: string): PreparedModule | undefined;
  moduleFor(digest: string, bytes: Uint8Array | null): Promise<ModuleLookup>;
  execute(prepared: PreparedModule, task: TaskSpec, caps: ExecuteCaps): Promise<TaskOutcome>;
  /** Housekeeping a task left behind (zeroing memories for reuse), done once its result is sent. */
  tidy(): void;
}

/** The port's surface the server uses: a MessagePort in a Web Worker and in a worker thread alike. */
export interface BatchPort {
  postMessage(message: WorkerToHost, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

/**
 * Runs batches from `port` one after another, each task in order. Results go back when the batch
 * ends or `flushMs` after the last send, whichever is first; without a progress cell after every
 * task, because then results are the host's only way to know which task is running.
 */
export function serveBatches(runner: BatchRunner, port: BatchPort, progress: BigInt64Array | null, flushMs = FLUSH_MS): void {
  const waiting: unknown[] = [];
  let serving = false;
  // An idle worker starts a batch in the message's own turn, not a promise hop later.
  const serveWaiting = async (): Promise<void> => {
    serving = true;
    try {
      while (waiting.length > 0) {
        await serveBatch(runner, port, progress, flushMs, waiting.shift());
        runner.tidy();
      }
    } finally {
      serving = false;
    }
  };
  port.addEventListener('message', (event) => {
    waiting.push(event.data);
    if (!serving) void serveWaiting();
  });
  port.start?.();
}

async function serveBatch(runner: BatchRunner, port: BatchPort, progress: BigInt64Array | null, flushMs: number, raw: unknown): Promise<void> {
  const parsed = parseHostToWorker(raw);
  if (!parsed.ok) {
    const batch = typeof (raw as { batch?: unknown })?.batch === 'number' ? (raw as { batch: number }).batch : 0;
    port.postMessage({ type: 'refused', batch, error: parsed.error }, []);
    return;
  }
  const { batch, digest, bytes, tasks, stdioCapBytes, outputFilesCapBytes } = parsed.value;
  let pending: BatchResult[] = [];
  let moduleCached = true;
  let answered = 0;
  let lastSent = performance.now();
  const send = (): void => {
    if (pending.length === 0) return;
    const results = pending;
    pending = [];
    lastSent = performance.now();
    port.postMessage({ type: 'results', batch, results, moduleCached }, transferables(results));
  };

  try {
    const cached = runner.cached(digest);
    const lookup: ModuleLookup = cached === undefined ? await runner.moduleFor(digest, bytes) : { type: 'ready', prepared: cached };
    if (lookup.type === 'missing') {
      port.postMessage({ type: 'module_missing', batch }, []);
      return;
    }
    for (const { seq, task: rawTask } of tasks) {
      if (progress !== null) markStarted(progress, seq);
      const task = parseTaskSpec(rawTask);
      let outcome: TaskOutcome;
      if (lookup.type === 'invalid') {
        moduleCached = false;
        outcome = failedOutcome(`invalid module ${digest}: ${lookup.error}`, lookup.durationMs);
      } else if (!task.ok) {
        outcome = failedOutcome(`bad run request: ${task.error}`, 0);
      } else {
        outcome = await runner.execute(lookup.prepared, task.value, { stdioCapBytes, outputFilesCapBytes });
      }
      pending.push({ seq, outcome });
      answered += 1;
      if (progress === null || performance.now() - lastSent >= flushMs) send();
    }
  } catch (thrown) {
    // Our bug, not the guest's: the tasks not yet answered fail, the worker carries on.
    moduleCached = false;
    for (const { seq } of tasks.slice(answered)) pending.push({ seq, outcome: failedOutcome(`runtime worker failure: ${describeThrown(thrown)}`, 0) });
  }
  send();
}

function transferables(results: BatchResult[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { outcome } of results) {
    for (const bytes of [outcome.stdout, outcome.stderr, ...Object.values(outcome.files ?? {})]) {
      // Output buffers are fresh per run, so they can move instead of being copied; a Set because
      // a buffer listed twice makes postMessage throw.
      if (bytes.byteLength >= TRANSFER_MIN_BYTES && bytes.buffer instanceof ArrayBuffer) buffers.add(bytes.buffer);
    }
  }
  return [...buffers];
}
