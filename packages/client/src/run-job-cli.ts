import type { JobInfo, JobResult } from '@tabgrid/protocol';
import type { CliCommand } from './cli-args';
import type { TabgridClient } from './client';
import { formatTable, toJson, type CliIo } from './cli-output';

export type JobCommand = Extract<CliCommand, { kind: 'job-submit' | 'job-status' | 'job-cancel' | 'job-watch' | 'job-results' | 'jobs' }>;

const EXIT_FAILURE = 1;
const STDOUT_PREVIEW_CHARS = 60;

export function isJobCommand(command: CliCommand): command is JobCommand {
  return command.kind.startsWith('job');
}

export async function executeJob(command: JobCommand, client: TabgridClient, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'job-submit': {
      const job = await client.createJob(command.request);
      io.stdout(command.json ? toJson(job) : `${job.id}\n`);
      // Progress goes to stderr so `ID=$(tabgrid job submit --wait …)` still captures just the id.
      return command.wait ? watchJob(client, job.id, io, io.stderr) : 0;
    }
    case 'job-status':
    case 'job-cancel': {
      const job = command.kind === 'job-status' ? await client.getJob(command.id) : await client.cancelJob(command.id);
      io.stdout(command.json ? toJson(job) : progressLine(job));
      return 0;
    }
    case 'job-watch':
      return watchJob(client, command.id, io, io.stdout);
    case 'job-results': {
      let rows = 0;
      const table: JobResult[] = [];
      for await (const row of client.jobResultRows(command.id)) {
        rows++;
        if (command.ndjson) io.stdout(`${JSON.stringify(row)}\n`);
        else table.push(row);
      }
      if (!command.ndjson) io.stdout(rows === 0 ? 'no finished tasks yet\n' : resultsTable(table));
      return 0;
    }
    case 'jobs': {
      const jobs = await client.listJobs(command.limit === undefined ? {} : { limit: command.limit });
      io.stdout(command.json ? toJson(jobs) : jobsTable(jobs));
      return 0;
    }
  }
}

/** Follows the job's event stream, a line per change, until it ends: 0 if every task succeeded. */
async function watchJob(client: TabgridClient, id: string, io: CliIo, print: (text: string) => void): Promise<number> {
  const job = await client.waitForJob(id, {
    onProgress: (change) => print(progressLine(change)),
    ...(io.sleep === undefined ? {} : { sleep: io.sleep }),
  });
  return exitCodeFor(job);
}

function exitCodeFor(job: JobInfo): number {
  return job.status === 'done' ? 0 : EXIT_FAILURE;
}

export function progressLine(job: JobInfo): string {
  const finished = job.done + job.failed;
  return `${job.id} ${job.status} ${finished}/${job.total}: ${job.done} done, ${job.failed} failed, ${job.running} running, ${job.queued} queued\n`;
}

function jobsTable(jobs: readonly JobInfo[]): string {
  if (jobs.length === 0) return 'no jobs yet\n';
  return formatTable(
    ['ID', 'FUNCTION', 'STATUS', 'FINISHED', 'DONE', 'FAILED', 'RUNNING', 'QUEUED', 'CREATED'],
    jobs.map((j) => [j.id, j.function, j.status, `${j.done + j.failed}/${j.total}`, String(j.done), String(j.failed), String(j.running), String(j.queued), j.createdAt]),
  );
}

function resultsTable(rows: readonly JobResult[]): string {
  return formatTable(
    ['INDEX', 'STATUS', 'EXIT', 'MS', 'STDOUT'],
    rows.map((r) => [
      String(r.index),
      r.error?.code ?? r.status,
      r.exitCode === null ? '-' : String(r.exitCode),
      r.durationMs.toFixed(1),
      preview(r.stdout),
    ]),
  );
}

/** The first line, cut short: a table row must stay one line. */
function preview(text: string): string {
  const firstLine = text.split('\n', 1)[0] ?? '';
  const more = firstLine.length < text.replace(/\n$/, '').length;
  const cut = firstLine.length > STDOUT_PREVIEW_CHARS ? `${firstLine.slice(0, STDOUT_PREVIEW_CHARS)}…` : firstLine;
  return more && !cut.endsWith('…') ? `${cut} …` : cut;
}
