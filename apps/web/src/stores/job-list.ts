import { isJobFinished, type JobInfo } from '@tabgrid/protocol';

/** Pure helpers for the dashboard's list of recent jobs. */

export const MAX_LISTED_JOBS = 50;

/**
 * The later of two snapshots of one job. The list request and the event stream race, so an older
 * snapshot can arrive second; finished tasks only ever grow and a finished job stays finished,
 * which orders them. On a tie the incoming one wins (its running/queued split is newer or equal).
 */
export function laterSnapshot(current: JobInfo, incoming: JobInfo): JobInfo {
  if (isJobFinished(current) !== isJobFinished(incoming)) return isJobFinished(current) ? current : incoming;
  return current.done + current.failed > incoming.done + incoming.failed ? current : incoming;
}

/** Merges snapshots into the list: newest job first, at most MAX_LISTED_JOBS. */
export function mergeJobs(list: readonly JobInfo[], incoming: readonly JobInfo[]): JobInfo[] {
  const byId = new Map(list.map((job) => [job.id, job]));
  for (const job of incoming) {
    const current = byId.get(job.id);
    byId.set(job.id, current === undefined ? job : laterSnapshot(current, job));
  }
  return [...byId.values()]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, MAX_LISTED_JOBS);
}
