import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_STATUS_BY_CODE, TabgridError, type ErrorCode } from '@tabgrid/protocol';

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.status(HTTP_STATUS_BY_CODE[code]).type('application/json').send({ error: { code, message } });
}

/** Maps framework errors to our closed set of codes; never leaks a stack trace. */
function classify(error: FastifyError | Error): TabgridError {
  if (error instanceof TabgridError) return error;
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TabgridError('payload_too_large', 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TabgridError('unsupported_media_type', `unsupported content type`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new TabgridError('invalid_json', 'the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new TabgridError('invalid_json', 'the body is not valid JSON');
  }
  if (error instanceof SyntaxError || (fe.statusCode === 400 && /JSON/i.test(fe.message))) {
    return new TabgridError('invalid_json', 'the body is not valid JSON');
  }
  if (fe.statusCode === 400) return new TabgridError('bad_request', fe.message);
  if (fe.statusCode === 403 || fe.statusCode === 404) return new TabgridError('not_found', 'not found');
  if (fe.statusCode === 413) return new TabgridError('payload_too_large', 'request body is too large');
  if (fe.statusCode === 415) return new TabgridError('unsupported_media_type', 'unsupported content type');
  return new TabgridError('internal', 'internal error');
}

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const tabgridError = classify(error);
  if (tabgridError.code === 'internal') request.log.error({ err: error }, 'unhandled error');
  void sendError(reply, tabgridError.code, tabgridError.message);
}
