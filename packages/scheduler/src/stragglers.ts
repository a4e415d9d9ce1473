import type { JobState, UnitState } from './state';
import type { SchedulerOptions } from './types';

/**
 * Which jobs are near their end, and which of their running units take so much longer than their
 * siblings that a speculative copy on a spare slot is worth its cost.
 */
export class StragglerWatch {
  private readonly enabled: boolean;
  private readonly tailFraction: number;
  private readonly factor: number;
  private readonly minRunningMs: number;
  private readonly minSamples: number;
  /** Jobs near their end, whose long runners may get speculative copies. */
  private readonly tailJobs = new Set<JobState>();
  private nextAt = Infinity;

  constructor(options: SchedulerOptions['stragglers'] = {}) {
    this.enabled = options.enabled ?? true;
    this.tailFraction = options.tailFraction ?? 0.1;
    this.factor = options.factor ?? 3;
    this.minRunningMs = options.minRunningMs ?? 1_000;
    this.minSamples = options.minSamples ?? 5;
  }

  get watching(): boolean {
    return this.tailJobs.size > 0;
  }

  /** When the oldest runner not yet copied becomes a straggler, as of the last scan; Infinity if none will. */
  get nextCheckAt(): number {
    return this.tailJobs.size > 0 ? this.nextAt : Infinity;
  }

  /** The job's counts changed: it enters or leaves its tail. */
  jobChanged(job: JobState): void {
    const tail =
      this.enabled &&
      job.queued === 0 &&
      job.runningCount > 0 &&
      job.completedCount >= this.minSamples &&
      job.units.size <= Math.max(1, Math.ceil(this.tailFraction * job.total));
    if (tail) this.tailJobs.add(job);
    else this.tailJobs.delete(job);
  }

  jobEnded(job: JobState): void {
    this.tailJobs.delete(job);
  }

  /**
   * Offers each straggler, oldest first per job, to `copy`, which places a speculative copy or
   * returns false when no node can take one. A unit is copied once: it then leaves the scan.
   */
  scan(now: number, hasRoom: () => boolean, copy: (state: UnitState) => boolean): void {
    this.nextAt = Infinity;
    for (const job of this.tailJobs) {
      const threshold = Math.max(this.minRunningMs, this.factor * job.median());
      for (let state = job.runHead; state !== undefined; state = job.runHead) {
        if (!hasRoom()) return;
        if (now - state.runStart < threshold) {
          this.nextAt = Math.min(this.nextAt, state.runStart + threshold);
          break;
        }
        if (!copy(state)) break;
        job.runRemove(state);
      }
    }
  }
}
