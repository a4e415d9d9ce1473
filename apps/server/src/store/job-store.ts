import type { InvokeResult } from '@tabgrid/protocol';
import type { Assignment } from '../dispatch/task-builder';
import type { Db } from './database';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type TaskState = 'queued' | 'done' | 'failed' | 'cancelled';

export interface JobOptions {
  replicas: number;
  region: string | undefined;
}

export interface JobRecord {
  id: string;
  functionRef: string;
  options: JobOptions;
  status: JobStatus;
  total: number;
  /** Tasks finished with status ok. */
  succeeded: number;
  /** Tasks finished otherwise: a non-zero exit, trap, timeout, out of fuel, or quarantined. */
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  /** A one-task job created by POST /v1/invoke. */
  interactive: boolean;
}

export interface TaskResultRow extends InvokeResult {
  index: number;
  /** Set when no node could produce a result (quarantined, cancelled). */
  error?: { code: string; message: string };
}

export interface PendingTask {
  jobId: string;
  index: number;
  assignment: Assignment;
}

export interface FinishedTask {
  jobId: string;
  index: number;
  state: Exclude<TaskState, 'queued'>;
  result: TaskResultRow;
}

export interface NewJob {
  job: JobRecord;
  assignments: readonly Assignment[];
}

/** Jobs, their tasks and results. Written in batches: callers buffer and flush. */
export interface JobStore {
  createJob(job: JobRecord, assignments: readonly Assignment[]): void;
  /** Creates jobs and then records finished tasks (of those jobs or older ones), in one transaction. */
  write(created: readonly NewJob[], finished: readonly FinishedTask[], now: string): void;
  getJob(id: string): JobRecord | undefined;
  /** Newest first; interactive invokes are not listed. */
  recentJobs(limit: number): JobRecord[];
  /** Records finished tasks once each (a task already finished is left alone) and updates counters. */
  finishTasks(tasks: readonly FinishedTask[], now: string): void;
  cancelJob(id: string, now: string): number;
  /** Results in task order, `limit` at a time from `fromIndex`. Unfinished tasks are absent. */
  results(jobId: string, fromIndex: number, limit: number): TaskResultRow[];
  /** Everything not finished, for re-queuing after a restart. */
  unfinishedTasks(): PendingTask[];
  unfinishedJobs(): JobRecord[];
  queuedTaskCount(): number;
}

interface JobRow {
  id: string;
  function_ref: string;
  options: string;
  status: JobStatus;
  total: number;
  succeeded: number;
  failed: number;
  created_at: string;
  finished_at: string | null;
  interactive: number;
}

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    functionRef: row.function_ref,
    options: JSON.parse(row.options) as JobOptions,
    status: row.status,
    total: row.total,
    succeeded: row.succeeded,
    failed: row.failed,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    interactive: row.interactive === 1,
  };
}

export function createSqliteJobStore(db: Db): JobStore {
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, function_ref, options, status, total, succeeded, failed, created_at, finished_at, interactive)
     VALUES (@id, @functionRef, @options, @status, @total, 0, 0, @createdAt, NULL, @interactive)`,
  );
  const insertTask = db.prepare(`INSERT INTO tasks (job_id, idx, state, assignment) VALUES (?, ?, 'queued', ?)`);
  const selectJob = db.prepare(`SELECT * FROM jobs WHERE id = ?`);
  const selectRecent = db.prepare(`SELECT * FROM jobs WHERE interactive = 0 ORDER BY created_at DESC, rowid DESC LIMIT ?`);
  const finishTask = db.prepare(
    `UPDATE tasks SET state = @state, result = @result WHERE job_id = @jobId AND idx = @index AND state = 'queued'`,
  );
  const bumpJob = db.prepare(
    `UPDATE jobs SET succeeded = succeeded + @succeeded, failed = failed + @failed,
       status = CASE WHEN status IN ('cancelled') THEN status
                     WHEN succeeded + @succeeded + failed + @failed >= total
                       THEN CASE WHEN failed + @failed > 0 THEN 'failed' ELSE 'done' END
                     ELSE 'running' END,
       finished_at = CASE WHEN status != 'cancelled' AND succeeded + @succeeded + failed + @failed >= total
                          THEN @now ELSE finished_at END
     WHERE id = @jobId`,
  );
  const cancelTasks = db.prepare(`UPDATE tasks SET state = 'cancelled' WHERE job_id = ? AND state = 'queued'`);
  const cancelJob = db.prepare(
    `UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('queued', 'running')`,
  );
  const selectResults = db.prepare(
    `SELECT idx, result FROM tasks WHERE job_id = ? AND idx >= ? AND result IS NOT NULL ORDER BY idx LIMIT ?`,
  );
  const selectUnfinished = db.prepare(
    `SELECT t.job_id, t.idx, t.assignment FROM tasks t JOIN jobs j ON j.id = t.job_id
     WHERE t.state = 'queued' AND j.status IN ('queued', 'running') ORDER BY j.created_at, t.idx`,
  );
  const selectUnfinishedJobs = db.prepare(`SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at`);
  const countQueued = db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state = 'queued'`);

  const insertJobRows = (job: JobRecord, assignments: readonly Assignment[]) => {
    insertJob.run({
      id: job.id,
      functionRef: job.functionRef,
      options: JSON.stringify(job.options),
      status: job.status,
      total: job.total,
      createdAt: job.createdAt,
      interactive: job.interactive ? 1 : 0,
    });
    assignments.forEach((a, index) => insertTask.run(job.id, index, JSON.stringify(a)));
  };

  const finishTaskRows = (tasks: readonly FinishedTask[], now: string) => {
    const perJob = new Map<string, { succeeded: number; failed: number }>();
    for (const task of tasks) {
      const changed = finishTask.run({
        jobId: task.jobId,
        index: task.index,
        state: task.state,
        result: JSON.stringify(task.result),
      }).changes;
      if (changed === 0 || task.state === 'cancelled') continue;
      const counts = perJob.get(task.jobId) ?? { succeeded: 0, failed: 0 };
      if (task.state === 'done' && task.result.status === 'ok') counts.succeeded++;
      else counts.failed++;
      perJob.set(task.jobId, counts);
    }
    for (const [jobId, counts] of perJob) bumpJob.run({ jobId, ...counts, now });
  };

  const createJob = db.transaction(insertJobRows);
  const finishTasks = db.transaction(finishTaskRows);
  const write = db.transaction((created: readonly NewJob[], finished: readonly FinishedTask[], now: string) => {
    for (const { job, assignments } of created) insertJobRows(job, assignments);
    finishTaskRows(finished, now);
  });

  return {
    createJob: (job, assignments) => createJob(job, assignments),
    write: (created, finished, now) => write(created, finished, now),
    getJob: (id) => {
      const row = selectJob.get(id) as JobRow | undefined;
      return row ? toJob(row) : undefined;
    },
    recentJobs: (limit) => (selectRecent.all(limit) as JobRow[]).map(toJob),
    finishTasks: (tasks, now) => finishTasks(tasks, now),
    cancelJob: (id, now) =>
      db.transaction(() => {
        const cancelled = cancelTasks.run(id).changes;
        cancelJob.run(now, id);
        return cancelled;
      })(),
    results: (jobId, fromIndex, limit) =>
      (selectResults.all(jobId, fromIndex, limit) as { idx: number; result: string }[]).map((row) => {
        const result = JSON.parse(row.result) as TaskResultRow;
        result.index = row.idx;
        return result;
      }),
    unfinishedTasks: () =>
      (selectUnfinished.all() as { job_id: string; idx: number; assignment: string }[]).map((row) => ({
        jobId: row.job_id,
        index: row.idx,
        assignment: JSON.parse(row.assignment) as Assignment,
      })),
    unfinishedJobs: () => (selectUnfinishedJobs.all() as JobRow[]).map(toJob),
    queuedTaskCount: () => (countQueued.get() as { n: number }).n,
  };
}
