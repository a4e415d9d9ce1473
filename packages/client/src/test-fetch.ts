import type { FetchLike } from './client';

/** A recording fake `fetch` for tests: answers each call from `respond`. */
export interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
}

export function fakeFetch(respond: (call: RecordedCall) => Response): { fetch: FetchLike; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const fetch: FetchLike = (url, init) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const call: RecordedCall = {
      url,
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      signal: init.signal ?? undefined,
    };
    calls.push(call);
    return Promise.resolve(respond(call));
  };
  return { fetch, calls };
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
