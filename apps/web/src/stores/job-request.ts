import { LIMITS, type JobRequest } from '@tabgrid/protocol';
import { parseArgLines, tasksFromLines } from '@tabgrid/client';
import { wholeNumber } from './invoke-request';

/** What the Jobs form holds, as typed. */
export interface JobDraft {
  functionRef: string;
  /** One task per non-blank line, that line as the task's stdin. */
  linesText: string;
  /** One argument per line, the same for every task. */
  argsText: string;
  replicasText: string;
  timeoutText: string;
}

export const EMPTY_JOB_DRAFT: JobDraft = { functionRef: '', linesText: '', argsText: '', replicasText: '', timeoutText: '' };

/** Form text → /v1/jobs body; throws an Error with a sentence for the user on bad input. */
export function buildJobRequest(draft: JobDraft): JobRequest {
  if (draft.functionRef === '') throw new Error('Choose a function to run.');
  const lines = tasksFromLines(draft.linesText);
  if (lines.length === 0) throw new Error('Write at least one line: each line becomes one task.');
  if (lines.length > LIMITS.maxJobTasks) throw new Error(`A job has at most ${LIMITS.maxJobTasks} tasks; this has ${lines.length}.`);
  const args = parseArgLines(draft.argsText);
  // The API has no job-wide arguments: each task carries its own copy.
  const tasks = args.length === 0 ? lines : lines.map((task) => ({ ...task, args }));
  const request: JobRequest = { function: draft.functionRef, tasks };
  const replicas = wholeNumber(draft.replicasText, 'Replicas', 'nodes', LIMITS.maxReplicas);
  if (replicas !== undefined) request.replicas = replicas;
  const timeoutMs = wholeNumber(draft.timeoutText, 'Timeout', 'milliseconds', LIMITS.maxTimeoutMs);
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
  return request;
}
