import { LIMITS, type InvokeRequest } from '@tabgrid/protocol';
import { parseArgLines, parseEnvLines } from '@tabgrid/client';

/** What the Invoke form holds, as typed. */
export interface InvokeDraft {
  functionRef: string;
  stdin: string;
  argsText: string;
  envText: string;
  timeoutText: string;
}

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
  const timeout = draft.timeoutText.trim();
  if (timeout !== '') {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms < 1 || ms > LIMITS.maxTimeoutMs) {
      throw new Error(`Timeout must be a whole number of milliseconds between 1 and ${LIMITS.maxTimeoutMs}.`);
    }
    request.timeoutMs = ms;
  }
  return request;
}
