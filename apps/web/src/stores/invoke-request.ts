import { LIMITS, type InvokeRequest } from '@tabgrid/protocol';
import { parseArgLines, parseEnvLines } from '@tabgrid/client';

/** What the Invoke form holds, as typed. */
export interface InvokeDraft {
  functionRef: string;
  stdin: string;
  argsText: string;
  envText: string;
  timeoutText: string;
  memoryText: string;
  fuelText: string;
  replicasText: string;
}

export const EMPTY_DRAFT: InvokeDraft = {
  functionRef: '',
  stdin: '',
  argsText: '',
  envText: '',
  timeoutText: '',
  memoryText: '',
  fuelText: '',
  replicasText: '',
};

export const GUEST_INPUT_DIR = '/input';

export function guestPathFor(fileName: string): string {
  return `${GUEST_INPUT_DIR}/${fileName}`;
}

/** Form text → /v1/invoke body; throws an Error with a sentence for the user on bad input. */
export function buildInvokeRequest(draft: InvokeDraft, files: Record<string, string>): InvokeRequest {
  if (draft.functionRef === '') throw new Error('Choose a function to run.');
  const request: InvokeRequest = { function: draft.functionRef };
  if (draft.stdin !== '') request.stdin = draft.stdin;
  const args = parseArgLines(draft.argsText);
  if (args.length > 0) request.args = args;
  const env = parseEnvLines(draft.envText);
  if (Object.keys(env).length > 0) request.env = env;
  if (Object.keys(files).length > 0) request.files = files;
  const timeoutMs = wholeNumber(draft.timeoutText, 'Timeout', 'milliseconds', LIMITS.maxTimeoutMs);
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
  const memoryMb = wholeNumber(draft.memoryText, 'Memory', 'MiB', LIMITS.maxMemoryMb);
  if (memoryMb !== undefined) request.memoryMb = memoryMb;
  const fuel = wholeNumber(draft.fuelText, 'Fuel', 'instructions', LIMITS.maxFuel);
  if (fuel !== undefined) request.fuel = fuel;
  const replicas = wholeNumber(draft.replicasText, 'Replicas', 'nodes', LIMITS.maxReplicas);
  if (replicas !== undefined) request.replicas = replicas;
  return request;
}

/** A form field that may be left blank; throws a sentence for the user when it is not a whole number in range. */
export function wholeNumber(text: string, label: string, unit: string, max: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new Error(`${label} must be a whole number of ${unit} between 1 and ${max}.`);
  }
  return value;
}
