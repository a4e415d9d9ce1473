import type * as Http from 'node:http';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** One request whose whole answer is read before anything is done with it (every JSON call). */
export interface BufferedRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

export interface BufferedResponse {
  status: number;
  text: string;
}

/** Rejects with a TypeError (cause: the socket's error) when the server cannot be reached, as fetch does. */
export type BufferedTransport = (request: BufferedRequest) => Promise<BufferedResponse>;

export function fetchTransport(fetch: FetchLike): BufferedTransport {
  return async ({ method, url, headers, body, signal }) => {
    const init: RequestInit = { method, headers };
    // A Uint8Array may be a view into a larger buffer: copy so exactly its bytes are sent.
    if (body !== undefined) init.body = typeof body === 'string' ? body : body.slice();
    if (signal !== undefined) init.signal = signal;
    const response = await fetch(url, init);
    return { status: response.status, text: await response.text() };
  };
}

type HttpModule = Pick<typeof Http, 'request'>;

/**
 * Under Node, node:http(s) on the default keep-alive agent: a small JSON call costs ~0.1 ms of
 * CPU there, against ~0.7 ms through fetch (undici's WHATWG streams), which is most of a no-op
 * invoke's budget. Undefined elsewhere (browsers, or a Node without process.getBuiltinModule):
 * the caller falls back to fetch. Nothing here is imported, so bundlers never see node:http.
 */
export function nodeHttpTransport(): BufferedTransport | undefined {
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') return undefined;
  const http = getBuiltinModule('node:http') as HttpModule | undefined;
  const https = getBuiltinModule('node:https') as HttpModule | undefined;
  if (http === undefined || https === undefined) return undefined;
  return (request) => {
    const module = request.url.startsWith('https:') ? https : http;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
      const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body) : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      if (body !== undefined) headers['content-length'] = body.byteLength;
      const req = module.request(request.url, { method: request.method, headers, ...(request.signal === undefined ? {} : { signal: request.signal }) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => reject(unreachable(error)));
      });
      req.on('error', (error) => reject(request.signal?.aborted === true ? error : unreachable(error)));
      req.end(body);
    });
  };
}

function unreachable(cause: Error): TypeError {
  return new TypeError('request failed', { cause });
}
