import type { FastifyReply, FastifyRequest } from 'fastify';
import { keysEqual } from '../api-key';
import { sendError } from './errors';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** preHandler for developer endpoints. */
export function requireApiKey(apiKey: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request);
    if (!token) return sendError(reply, 'unauthorized', 'missing "Authorization: Bearer <api key>" header');
    if (!keysEqual(token, apiKey)) return sendError(reply, 'unauthorized', 'the API key is not valid');
    return undefined;
  };
}
