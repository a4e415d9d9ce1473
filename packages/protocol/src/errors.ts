/** The one closed set of error codes shared by the HTTP API, the node protocol and the UI. */
export const ERROR_CODES = [
  'bad_request',
  'invalid_json',
  'invalid_wasm',
  'unauthorized',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'too_many_requests',
  'no_capacity',
  'cancelled',
  'protocol_mismatch',
  'node_failure',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  invalid_wasm: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  no_capacity: 503,
  cancelled: 409,
  protocol_mismatch: 426,
  node_failure: 502,
  internal: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** A failure with a code from the closed set; crosses process boundaries as `ErrorBody`. */
export class TabgridError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'TabgridError';
    this.code = code;
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function exhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
