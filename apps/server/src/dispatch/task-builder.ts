import { hash } from 'node:crypto';
import {
  LIMITS,
  TabgridError,
  utf8ToBase64,
  type TaskAssignment,
  type TaskInput,
  type TaskOptions,
} from '@tabgrid/protocol';
import { normalizeGuestPath } from '@tabgrid/runtime';
import type { FunctionRecord } from '../store/function-store';

/** Ceilings the operator sets; a request or a function default above them is refused. */
export interface ServerLimits {
  maxTimeoutMs: number;
  maxMemoryMb: number;
  maxFuel: number;
}

export type Assignment = Omit<TaskAssignment, 'taskId'>;

function checkedFiles(files: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, b64] of Object.entries(files ?? {})) {
    try {
      out[normalizeGuestPath(path)] = b64;
    } catch (error) {
      throw new TabgridError('bad_request', `files: ${(error as Error).message}`);
    }
  }
  return out;
}

function withinMax(name: string, value: number, max: number): number {
  if (value > max) throw new TabgridError('bad_request', `${name} ${value} exceeds the server maximum ${max}`);
  return value;
}

/**
 * The task seed depends only on what the guest can observe, so replicas, retries and re-runs
 * hours later all see the same "random" stream.
 */
export function taskSeed(moduleDigest: string, a: Pick<Assignment, 'args' | 'env' | 'stdin' | 'files'>): string {
  const sorted = (record: Record<string, string>) => Object.entries(record).sort(([x], [y]) => (x < y ? -1 : 1));
  return hash('sha256', JSON.stringify([moduleDigest, a.args, sorted(a.env), a.stdin, sorted(a.files)]), 'hex');
}

/**
 * Resolves one task's input and its job's options against the function's defaults and the server's
 * ceilings. The object is written out, not spread: V8 in Node 20 adds each property that follows a
 * spread through a runtime call, which cost ~8 µs a task here.
 */
export function buildAssignment(fn: FunctionRecord, input: TaskInput, options: TaskOptions, limits: ServerLimits): Assignment {
  const timeoutMs = withinMax('timeoutMs', options.timeoutMs ?? fn.defaults.timeoutMs ?? LIMITS.defaultTimeoutMs, limits.maxTimeoutMs);
  const memoryMb = withinMax(
    'memoryMb',
    options.memoryMb ?? fn.defaults.memoryMb ?? Math.min(LIMITS.defaultMemoryMb, limits.maxMemoryMb),
    limits.maxMemoryMb,
  );
  const fuelBudget = options.fuel ?? fn.defaults.fuel;
  const memoryLimitPages = memoryMb * LIMITS.pagesPerMb;
  if (fn.memoryInitialPages > memoryLimitPages) {
    throw new TabgridError(
      'bad_request',
      `function ${fn.name}@${fn.version} needs ${Math.ceil(fn.memoryInitialPages / LIMITS.pagesPerMb)} MiB of memory at start; memoryMb is ${memoryMb}`,
    );
  }
  const args = input.args ?? [];
  const env = input.env ?? {};
  const stdin = utf8ToBase64(input.stdin ?? '');
  const files = checkedFiles(input.files);
  return {
    functionName: fn.name,
    moduleDigest: fn.runDigest,
    args,
    env,
    stdin,
    files,
    timeoutMs,
    fuel: fuelBudget === undefined ? null : withinMax('fuel', fuelBudget, limits.maxFuel),
    memoryLimitPages,
    seed: taskSeed(fn.runDigest, { args, env, stdin, files }),
  };
}
