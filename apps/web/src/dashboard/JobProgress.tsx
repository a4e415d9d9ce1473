import type { JobInfo } from '@tabgrid/protocol';

export function JobStatusBadge({ job }: { job: JobInfo }) {
  return <span className={`badge job-${job.status}`}>{job.status}</span>;
}

/** Finished-ok, failed, running and queued as shares of the total, in that order. */
export function JobProgress({ job }: { job: JobInfo }) {
  const total = Math.max(job.total, 1);
  const parts = [
    ['done', job.done],
    ['failed', job.failed],
    ['running', job.running],
    ['queued', job.queued],
  ] as const;
  const label = `${job.done} done, ${job.failed} failed, ${job.running} running, ${job.queued} queued of ${job.total}`;
  return (
    <div className="job-progress" data-testid="job-progress" title={label}>
      <div className="progress-bar" role="img" aria-label={label}>
        {parts.map(([kind, count]) =>
          count > 0 ? <span key={kind} className={`progress-${kind}`} style={{ width: `${(100 * count) / total}%` }} /> : null,
        )}
      </div>
      <span className="progress-count mono">
        {job.done + job.failed}/{job.total}
      </span>
    </div>
  );
}

/** Enough of an id to tell recent jobs apart; the full one is in the title. */
export function shortId(id: string): string {
  return id.length <= 10 ? id : `${id.slice(0, 8)}…`;
}
