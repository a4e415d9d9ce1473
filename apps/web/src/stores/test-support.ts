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
