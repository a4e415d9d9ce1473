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

/** Resolves a request against the function's defaults and the server's ceilings. */
export function buildAssignment(fn: FunctionRecord, input: TaskInput & TaskOptions, limits: ServerLimits): Assignment {
  const timeoutMs = withinMax('timeoutMs', input.timeoutMs ?? fn.defaults.timeoutMs ?? LIMITS.defaultTimeoutMs, limits.maxTimeoutMs);
  const memoryMb = withinMax(
    'memoryMb',
    input.memoryMb ?? fn.defaults.memoryMb ?? Math.min(LIMITS.defaultMemoryMb, limits.maxMemoryMb),
    limits.maxMemoryMb,
  );
  const fuelBudget = input.fuel ?? fn.defaults.fuel;
  const memoryLimitPages = memoryMb * LIMITS.pagesPerMb;
  if (fn.memoryInitialPages > memoryLimitPages) {
    throw new TabgridError(
      'bad_request',
      `function ${fn.name}@${fn.version} needs ${Math.ceil(fn.memoryInitialPages / LIMITS.pagesPerMb)} MiB of memory at start; memoryMb is ${memoryMb}`,
    );
  }
  const base = {
    functionName: fn.name,
    moduleDigest: fn.runDigest,
    args: input.args ?? [],
    env: input.env ?? {},
    stdin: utf8ToBase64(input.stdin ?? ''),
    files: checkedFiles(input.files),
  };
  return {
    ...base,
    timeoutMs,
    fuel: fuelBudget === undefined ? null : withinMax('fuel', fuelBudget, limits.maxFuel),
    memoryLimitPages,
    seed: taskSeed(fn.runDigest, base),
  };
}
