import type { TaskOptions } from '@tabgrid/protocol';

/** What every CLI command's argument parsing shares. */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type ReadFile = (path: string) => Uint8Array;

export interface TaskOptionValues {
  timeout?: string | undefined;
  replicas?: string | undefined;
  fuel?: string | undefined;
  memory?: string | undefined;
  region?: string | undefined;
}

export function positiveInt(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${flag} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}

/** The flags `invoke` and `job submit` share; range checks are left to the server, which knows its maxima. */
export function toTaskOptions(values: TaskOptionValues): TaskOptions {
  const options: TaskOptions = {};
  if (values.timeout !== undefined) options.timeoutMs = positiveInt('timeout', values.timeout);
  if (values.replicas !== undefined) options.replicas = positiveInt('replicas', values.replicas);
  if (values.fuel !== undefined) options.fuel = positiveInt('fuel', values.fuel);
  if (values.memory !== undefined) options.memoryMb = positiveInt('memory', values.memory);
  if (values.region !== undefined) options.region = values.region;
  return options;
}
