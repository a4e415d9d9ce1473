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

/**
 * A 200 whose body arrives in exactly these chunks (strings are UTF-8 encoded first, so a test can
 * also pass bytes that split a character). `open: true` leaves the stream open after the chunks,
 * as a live event stream is.
 */
export function streamResponse(chunks: readonly (string | Uint8Array)[], options: { open?: boolean; contentType?: string; onCancel?: () => void } = {}): Response {
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk !== undefined) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      else if (options.open !== true) controller.close();
      // else: never settles, like a quiet server; only a cancel ends it.
      else return new Promise<void>(() => {});
      return undefined;
    },
    cancel() {
      options.onCancel?.();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': options.contentType ?? 'text/event-stream' } });
}

/** `bytes` cut into pieces of `size` bytes, whatever characters or lines that splits. */
export function splitEvery(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}
