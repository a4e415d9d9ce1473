import type { TaskOutcome } from './types';

const utf8 = new TextEncoder();

/** An outcome for a task whose guest never finished: host failures, bad input, cancellation. */
export function failedOutcome(message: string, durationMs: number): TaskOutcome {
  return {
    status: 'error',
    exitCode: null,
    stdout: new Uint8Array(0),
    stderr: utf8.encode(message),
    truncated: false,
    durationMs,
    fuelUsed: 0,
  };
}

/**
 * This host could not run the task (its worker failed to start or died, the pool stopped, the
 * task was cancelled): a node reports these as its own failure so the task is retried elsewhere.
 */
export function hostFailedOutcome(message: string, durationMs: number): TaskOutcome {
  return { ...failedOutcome(message, durationMs), hostFailure: message };
}

export function timeoutOutcome(timeoutMs: number, durationMs: number): TaskOutcome {
  return { ...failedOutcome(`timed out after ${timeoutMs} ms`, durationMs), status: 'timeout' };
}

export const CANCELLED_MESSAGE = 'cancelled';

/** Turns anything thrown (guest code and the WASI shim throw non-Errors too) into one line. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  if (typeof thrown === 'string') return thrown;
  try {
    return String(thrown);
  } catch {
    return 'unknown error';
  }
}
