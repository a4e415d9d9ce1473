import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { tasksFromLines } from '@tabgrid/client';
import { functionsStore, jobsStore } from '../app-stores';
import { formatClock, formatDateTime } from '../format';
import { EMPTY_JOB_DRAFT, type JobDraft } from '../stores/job-request';
import { JobProgress, JobStatusBadge, shortId } from './JobProgress';
import { JobResults } from './JobResults';

export function JobsPanel() {
  const watch = useStore(jobsStore, (s) => s.watch);
  useEffect(() => watch(), [watch]);

  return (
    <section className="card" aria-labelledby="jobs-title" data-testid="jobs-panel">
      <div className="card-head">
        <h2 id="jobs-title">Jobs</h2>
        <StreamStatus />
      </div>
      <div className="jobs-grid">
        <JobForm />
        <JobsTable />
      </div>
      <JobResults />
    </section>
  );
}

function StreamStatus() {
  const stream = useStore(jobsStore, (s) => s.stream);
  const retryAt = useStore(jobsStore, (s) => s.retryAt);
  switch (stream) {
    case 'live':
      return <span className="badge phase-connected">live</span>;
    case 'connecting':
      return <span className="badge phase-connecting">connecting…</span>;
    case 'retrying':
      return <span className="badge phase-reconnecting">reconnecting{retryAt !== null && ` at ${formatClock(retryAt)}`}</span>;
    case 'off':
      return <span className="badge">not following</span>;
  }
}

function JobForm() {
  const functions = useStore(functionsStore, (s) => s.functions);
  const submit = useStore(jobsStore, (s) => s.submit);
  const submitJob = useStore(jobsStore, (s) => s.submitJob);
  const [draft, setDraft] = useState<JobDraft>(EMPTY_JOB_DRAFT);

  const refs = functions.map((f) => `${f.name}@${f.version}`);
  // Follow the list until the user picks, as the Invoke form does.
  const selected = refs.includes(draft.functionRef) ? draft.functionRef : (refs[0] ?? '');
  const edit = (patch: Partial<JobDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const taskCount = tasksFromLines(draft.linesText).length;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submitJob({ ...draft, functionRef: selected });
  };

  return (
    <form className="invoke-form" onSubmit={onSubmit}>
      <label className="field">
        <span>Function</span>
        <select data-testid="job-submit-function" value={selected} onChange={(e) => edit({ functionRef: e.target.value })}>
          {refs.length === 0 && <option value="">No functions uploaded</option>}
          {refs.map((ref) => (
            <option key={ref} value={ref}>
              {ref}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>
          Inputs <small>one task per line; the line is its stdin</small>
        </span>
        <textarea
          data-testid="job-submit-lines"
          className="mono"
          rows={6}
          value={draft.linesText}
          onChange={(e) => edit({ linesText: e.target.value })}
          spellCheck={false}
        />
      </label>
      <label className="field">
        <span>
          Arguments <small>one per line, the same for every task</small>
        </span>
        <textarea
          data-testid="job-submit-args"
          className="mono"
          rows={2}
          value={draft.argsText}
          onChange={(e) => edit({ argsText: e.target.value })}
          spellCheck={false}
        />
      </label>
      <div className="field-pair">
        <label className="field">
          <span>Replicas</span>
          <input
            data-testid="job-submit-replicas"
            inputMode="numeric"
            value={draft.replicasText}
            onChange={(e) => edit({ replicasText: e.target.value })}
            placeholder="1"
          />
        </label>
        <label className="field">
          <span>
            Timeout <small>ms per task</small>
          </span>
          <input
            data-testid="job-submit-timeout"
            inputMode="numeric"
            value={draft.timeoutText}
            onChange={(e) => edit({ timeoutText: e.target.value })}
            placeholder="30000"
          />
        </label>
      </div>
      <div className="actions">
        <button
          data-testid="job-submit"
          className="button primary"
          type="submit"
          disabled={selected === '' || taskCount === 0 || submit.phase === 'submitting'}
        >
          {submit.phase === 'submitting' ? 'Submitting…' : `Submit ${taskCount} ${taskCount === 1 ? 'task' : 'tasks'}`}
        </button>
      </div>
      {submit.message !== null && (
        <p className={`notice ${submit.phase === 'error' ? 'error' : 'success'}`} data-testid="job-submit-message" role="status">
          {submit.message}
        </p>
      )}
    </form>
  );
}

function JobsTable() {
  const jobs = useStore(jobsStore, (s) => s.jobs);
  const stream = useStore(jobsStore, (s) => s.stream);
  const error = useStore(jobsStore, (s) => s.error);
  const selectedId = useStore(jobsStore, (s) => s.selected?.jobId ?? null);
  const select = useStore(jobsStore, (s) => s.select);

  return (
    <div className="jobs-list">
      {error !== null && <p className="notice error">{error}</p>}
      <div className="table-wrap">
        <table data-testid="jobs-table" className="table jobs-table">
          <thead>
            <tr>
              <th>Job</th>
              <th>Function</th>
              <th>Status</th>
              <th className="progress-col">Progress</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr
                key={job.id}
                data-testid="job-row"
                data-job-id={job.id}
                data-status={job.status}
                aria-selected={job.id === selectedId}
                className={job.id === selectedId ? 'selected' : undefined}
                onClick={() => select(job.id === selectedId ? null : job.id)}
              >
                <td className="mono">
                  <button type="button" className="link-button" title={job.id} onClick={(e) => {
                    e.stopPropagation();
                    select(job.id === selectedId ? null : job.id);
                  }}>
                    {shortId(job.id)}
                  </button>
                </td>
                <td className="mono">{job.function}</td>
                <td>
                  <JobStatusBadge job={job} />
                </td>
                <td className="progress-col">
                  <JobProgress job={job} />
                </td>
                <td className="muted">{formatDateTime(job.createdAt)}</td>
              </tr>
            ))}
            {jobs.length === 0 && (
              <tr className="empty-row">
                <td colSpan={5}>{stream === 'connecting' ? 'Loading…' : 'No jobs yet. Submit a batch on the left.'}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
