import { parseJobRequest, TabgridError, type JobRequest, type TaskInput } from '@tabgrid/protocol';
import { toTaskOptions, UsageError, type ReadFile, type TaskOptionValues } from './cli-common';
import { tasksFromLines } from './task-input';

/** `tabgrid job submit` flags → the /v1/jobs body. Pure but for `readFile`. */

export interface JobSubmitValues extends TaskOptionValues {
  tasks?: string | undefined;
  'stdin-lines'?: string | undefined;
}

export function toJobRequest(fn: string, values: JobSubmitValues, readFile: ReadFile): JobRequest {
  const tasksFile = values.tasks;
  const linesFile = values['stdin-lines'];
  if ((tasksFile === undefined) === (linesFile === undefined)) {
    throw new UsageError('give the tasks with exactly one of --tasks FILE.jsonl or --stdin-lines FILE');
  }
  const text = new TextDecoder().decode(readFile(tasksFile ?? linesFile ?? ''));
  const tasks = tasksFile !== undefined ? parseTaskLines(text) : tasksFromLines(text);
  if (tasks.length === 0) throw new UsageError(`${tasksFile ?? linesFile} holds no tasks`);
  return { function: fn, tasks, ...toTaskOptions(values) };
}

/**
 * JSON Lines, one task input `{stdin?, args?, env?, files?}` per line; blank lines are skipped.
 * Each line goes through the protocol's own request parser, so a bad line is reported here, by
 * line number, with the rule the server would apply, instead of as `body.tasks[4817]` later.
 */
export function parseTaskLines(text: string): TaskInput[] {
  const tasks: TaskInput[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`tasks line ${i + 1} is not JSON`);
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const unknown = Object.keys(value).filter((k) => !TASK_FIELDS.has(k));
      if (unknown.length > 0) throw new UsageError(`tasks line ${i + 1}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
    }
    try {
      const [task] = parseJobRequest({ function: PLACEHOLDER_FUNCTION, tasks: [value] }).tasks;
      if (task !== undefined) tasks.push(task);
    } catch (e) {
      if (!(e instanceof TabgridError)) throw e;
      throw new UsageError(`tasks line ${i + 1}: ${e.message.replaceAll('body.tasks[0]', 'task')}`);
    }
  });
  return tasks;
}

const TASK_FIELDS = new Set(['stdin', 'args', 'env', 'files']);
/** Only the task is being checked; the real function name is the server's to resolve. */
const PLACEHOLDER_FUNCTION = 'task';
