import { isErrorCode, parseErrorBody, TabgridError, type ErrorCode } from '@tabgrid/protocol';

/** A non-2xx answer (or an unreadable 2xx answer) from the orchestrator's HTTP API. */
export class TabgridApiError extends TabgridError {
  readonly status: number;
  constructor(status: number, code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'TabgridApiError';
    this.status = status;
  }
}

/** Builds the error for a non-2xx response; a body that is not `{"error":{code,message}}` maps to 'internal'. */
export function apiErrorFromBody(status: number, body: unknown, rawText: string): TabgridApiError {
  const parsed = parseErrorBody(body);
  if (parsed === undefined) {
    const snippet = rawText.trim().slice(0, 200);
    return new TabgridApiError(status, 'internal', snippet === '' ? `HTTP ${status}` : `HTTP ${status}: ${snippet}`);
  }
  // An unknown code is still the server's word on what went wrong: keep the message, close the code set.
  return new TabgridApiError(status, isErrorCode(parsed.code) ? parsed.code : 'internal', parsed.message);
}
