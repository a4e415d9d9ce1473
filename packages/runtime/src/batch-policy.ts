import { MAX_BATCH_TASKS } from './limits';
import { Lru } from './lru';

/**
 * Expected guest time one batch may carry: longer, and a worker's results would wait too long.
 * Every message between host and worker costs thread wake-ups and syscalls (~0.2 ms of the host's
 * CPU per round on this kind of VM); ten ~5 ms tasks to a message cost measurably less than four
 * (docs/runtime.md, "Batches between the pool and its workers").
 */
export const BATCH_BUDGET_MS = 50;
/**
 * Tasks expected to take longer are never sent to a busy worker: one queued behind such a task
 * could wait that long while another worker frees up, and a host round trip is small beside it.
 */
export const PREFETCH_MAX_MS = 100;
const EWMA_WEIGHT = 0.25;
const DIGESTS_TRACKED = 256;

/**
 * How long tasks of each module have been taking (an EWMA of `durationMs`), and so how many of
 * them one message to a worker should carry. A module not yet seen, or a slow one, goes one task
 * at a time, exactly as without batching.
 */
export class DurationEstimates {
  readonly #ms = new Lru<string, number>(DIGESTS_TRACKED);

  observe(digest: string, durationMs: number): void {
    const previous = this.#ms.get(digest);
    this.#ms.set(digest, previous === undefined ? durationMs : previous + EWMA_WEIGHT * (durationMs - previous));
  }

  /** Whether a busy worker may be sent tasks of `digest` to start when its current ones end. */
  prefetchable(digest: string): boolean {
    const ms = this.#ms.get(digest);
    return ms !== undefined && ms <= PREFETCH_MAX_MS;
  }

  /** Tasks of `digest` to send one worker when `waiting` of them are queued and `idleWorkers` could take some. */
  batchSize(digest: string, waiting: number, idleWorkers: number): number {
    const ms = this.#ms.get(digest);
    if (ms === undefined) return 1;
    const withinBudget = Math.floor(BATCH_BUDGET_MS / Math.max(ms, 0.001));
    // An even share, so one worker does not take the whole queue while others idle; the budget
    // bounds what a worker that takes all while the others are busy can hold up.
    return Math.max(1, Math.min(MAX_BATCH_TASKS, withinBudget, Math.ceil(waiting / Math.max(idleWorkers, 1))));
  }
}
