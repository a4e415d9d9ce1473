// A worker's progress, shared with the host without a message: the seq of the task it started
// last and when. With it the host knows which task of a batch is running even while the worker
// holds finished results back to send several in one message.

const SEQ = 0;
const STARTED_US = 1;

/** null where memory cannot be shared (a browser page that is not cross-origin isolated). */
export function createProgressBuffer(): SharedArrayBuffer | null {
  if (typeof SharedArrayBuffer !== 'function' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return null;
  return new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT);
}

export function progressCells(buffer: SharedArrayBuffer): BigInt64Array {
  return new BigInt64Array(buffer);
}

/** Worker side, as a task starts. The time goes first, so whoever reads a seq reads its time or a later one. */
export function markStarted(cells: BigInt64Array, seq: number): void {
  Atomics.store(cells, STARTED_US, BigInt(Math.round(epochMs() * 1000)));
  Atomics.store(cells, SEQ, BigInt(seq));
}

/**
 * Host side: the task the worker started last and how long ago, or null before its first task.
 * The age is never more than the truth, so a deadline computed from it is never early.
 */
export function readProgress(cells: BigInt64Array): { seq: number; startedAgoMs: number } | null {
  const seq = Number(Atomics.load(cells, SEQ));
  if (seq === 0) return null;
  const started = Number(Atomics.load(cells, STARTED_US)) / 1000;
  return { seq, startedAgoMs: Math.max(0, epochMs() - started) };
}

// Epoch-based, so a worker and its host compare (Node gives all threads one time origin anyway).
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
