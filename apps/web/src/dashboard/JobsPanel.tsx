import { useEffect, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { tasksFromLines } from '@tabgrid/client';
import { functionsStore, jobsStore } from '../app-stores';
import { formatClock, formatDateTime } from '../format';
import { EMPTY_JOB_DRAFT, type JobDraft } from '../stores/job-request';
import { FunctionSelect, functionChoice, NumberField, TextAreaField } from './fields';
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

  const { refs, selected } = functionChoice(functions, draft.functionRef);
  const edit = (patch: Partial<JobDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const taskCount = tasksFromLines(draft.linesText).length;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submitJob({ ...draft, functionRef: selected });
  };

  return (
    <form className="invoke-form" onSubmit={onSubmit}>
      <FunctionSelect testId="job-submit-function" refs={refs} value={selected} onChange={(functionRef) => edit({ functionRef })} />
      <TextAreaField
        testId="job-submit-lines"
        label="Inputs"
        hint="one task per line; the line is its stdin"
        rows={6}
        value={draft.linesText}
        onChange={(linesText) => edit({ linesText })}
      />
      <TextAreaField
        testId="job-submit-args"
        label="Arguments"
        hint="one per line, the same for every task"
        rows={2}
        value={draft.argsText}
        onChange={(argsText) => edit({ argsText })}
      />
      <div className="field-pair">
        <NumberField testId="job-submit-replicas" label="Replicas" placeholder="1" value={draft.replicasText} onChange={(replicasText) => edit({ replicasText })} />
        <NumberField
          testId="job-submit-timeout"
          label="Timeout"
          hint="ms per task"
          placeholder="30000"
          value={draft.timeoutText}
          onChange={(timeoutText) => edit({ timeoutText })}
        />
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
