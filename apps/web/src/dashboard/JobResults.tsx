import { useStore } from 'zustand';
import { isJobFinished } from '@tabgrid/protocol';
import { jobsStore } from '../app-stores';
import { formatDuration } from '../format';
import { RESULT_ROWS } from '../stores/jobs-store';
import { JobProgress, JobStatusBadge } from './JobProgress';

const PREVIEW_CHARS = 120;

/** The selected job: counters, a Cancel button while it runs, and its first result rows. */
export function JobResults() {
  const selected = useStore(jobsStore, (s) => s.selected);
  const job = useStore(jobsStore, (s) => s.jobs.find((j) => j.id === s.selected?.jobId));
  const cancel = useStore(jobsStore, (s) => s.cancel);
  const select = useStore(jobsStore, (s) => s.select);
  if (selected === null) return null;

  const finished = job === undefined ? 0 : job.done + job.failed;
  return (
    <div className="job-results" data-testid="job-results" data-job-id={selected.jobId}>
      <div className="result-head">
        <h3 className="mono">{selected.jobId}</h3>
        {job !== undefined && <JobStatusBadge job={job} />}
        {job !== undefined && <span className="mono muted">{job.function}</span>}
        {job !== undefined && <JobProgress job={job} />}
        <span className="spacer" />
        {job !== undefined && !isJobFinished(job) && (
          <button type="button" className="button danger" data-testid="job-cancel" onClick={() => void cancel(job.id)}>
            Cancel job
          </button>
        )}
        <button type="button" className="button ghost" onClick={() => select(null)}>
          Close
        </button>
      </div>
      {selected.error !== null && <p className="notice error">{selected.error}</p>}
      <div className="table-wrap results-scroll">
        <table className="table">
          <thead>
            <tr>
              <th className="num">Task</th>
              <th>Status</th>
              <th className="num">Exit</th>
              <th className="num">Time</th>
              <th>Stdout</th>
            </tr>
          </thead>
          <tbody>
            {selected.rows.map((row) => (
              <tr key={row.index} data-testid="job-result-row" data-status={row.status}>
                <td className="num">{row.index}</td>
                <td>
                  <span className={`badge status-${row.error === undefined ? row.status : 'error'}`} title={row.error?.message}>
                    {row.error?.code ?? row.status}
                  </span>
                </td>
                <td className="num mono">{row.exitCode ?? '—'}</td>
                <td className="num">{formatDuration(row.durationMs)}</td>
                <td className="mono stdout-preview" title={row.stdout}>
                  {preview(row.stdout)}
                </td>
              </tr>
            ))}
            {selected.rows.length === 0 && (
              <tr className="empty-row">
                <td colSpan={5}>{selected.phase === 'loading' ? 'Loading…' : 'No task has finished yet.'}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {selected.rows.length > 0 && (
        <p className="hint">
          {finished > selected.rows.length
            ? `The first ${selected.rows.length} of ${finished} finished tasks, in task order.`
            : `${selected.rows.length} finished ${selected.rows.length === 1 ? 'task' : 'tasks'}, in task order.`}
          {selected.rows.length >= RESULT_ROWS && ' Use the CLI (tabgrid job results) for all of them.'}
        </p>
      )}
    </div>
  );
}

/** Output on one line: newlines shown as ⏎, cut short. */
function preview(stdout: string): string {
  const oneLine = stdout.replace(/\n$/, '').replaceAll('\n', ' ⏎ ');
  return oneLine.length > PREVIEW_CHARS ? `${oneLine.slice(0, PREVIEW_CHARS)}…` : oneLine;
}
