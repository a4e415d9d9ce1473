import type { FetchLike } from '@tabgrid/client';
import { createApi, type Api } from './api';
import { createSessionStore, type KeyStorage, type SessionStore } from './session-store';

export function memoryStorage(initial: Record<string, string> = {}): KeyStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => {
      data[k] = v;
    },
    removeItem: (k) => {
      delete data[k];
    },
  };
}

export interface Call {
  url: string;
  init: RequestInit;
}

/** A session + Api whose fetch answers from `respond` and records every call. */
export function fakeApi(respond: (call: Call) => Response | Promise<Response>, apiKey = 'k'): {
  api: Api;
  session: SessionStore;
  calls: Call[];
} {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call = { url, init };
    calls.push(call);
    return respond(call);
  };
  const session = createSessionStore({ storage: memoryStorage({ 'tabgrid.apiKey': apiKey }), hash: '', clearHash: () => {} });
  return { api: createApi(session, { baseUrl: '', fetch }), session, calls };
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** An open `text/event-stream` answer the test writes to: `job()` sends an event, `close()` ends it. */
export function eventStream(): { response: Response; job: (job: object) => void; close: () => void; cancelled: () => boolean } {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(encoder.encode(': tabgrid events\n\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    job: (job) => controller?.enqueue(encoder.encode(`event: job\ndata: ${JSON.stringify({ type: 'job', job })}\n\n`)),
    close: () => controller?.close(),
    cancelled: () => cancelled,
  };
}

/** Timers driven by the test: `fire()` runs the earliest pending timeout; `delays` records what was asked. */
export function manualTimers(start = 1000): {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  advance(ms: number): void;
  pending(): number;
  fire(): void;
  delays: number[];
} {
  let next = 1;
  let clock = start;
  const queue = new Map<number, () => void>();
  const delays: number[] = [];
  return {
    setTimeout: (fn, ms) => {
      const id = next++;
      queue.set(id, fn);
      delays.push(ms);
      return id;
    },
    clearTimeout: (id) => {
      queue.delete(id as number);
    },
    now: () => clock,
    advance: (ms) => {
      clock += ms;
    },
    pending: () => queue.size,
    fire: () => {
      const [id, fn] = [...queue.entries()][0] ?? [];
      if (id === undefined || fn === undefined) throw new Error('no timer pending');
      queue.delete(id);
      fn();
    },
    delays,
  };
}
