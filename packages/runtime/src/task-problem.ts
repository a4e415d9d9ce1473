import { planGuestFiles } from './guest-path';
import { describeThrown } from './outcome';
import { parseTaskSpec } from './task-parse';
import type { ModuleRef, TaskSpec } from './types';

/** Checks that are cheap on the host and spare a worker round trip; the worker re-checks. */
export function findTaskProblem(module: ModuleRef, task: TaskSpec): string | null {
  if (typeof module?.digest !== 'string' || module.digest === '') return 'module digest must be a non-empty string';
  if (!(module.bytes instanceof Uint8Array)) return 'module bytes must be a Uint8Array';
  const parsed = parseTaskSpec(task);
  if (!parsed.ok) return parsed.error;
  try {
    planGuestFiles(task.files);
  } catch (thrown) {
    return thrown instanceof RangeError ? thrown.message : describeThrown(thrown);
  }
  return null;
}
