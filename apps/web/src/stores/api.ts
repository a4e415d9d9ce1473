import { TabgridApiError, TabgridClient, type FetchLike } from '@tabgrid/client';
import type { SessionStore } from './session-store';

/** One place that turns the session's key into a client and notices a rejected key. */
export interface Api {
  call<T>(fn: (client: TabgridClient) => Promise<T>): Promise<T>;
}

export function createApi(session: SessionStore, options: { baseUrl: string; fetch?: FetchLike }): Api {
  return {
    async call(fn) {
      const { apiKey } = session.getState();
      const client = new TabgridClient({
        baseUrl: options.baseUrl,
        ...(apiKey === '' ? {} : { apiKey }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      });
      try {
        return await fn(client);
      } catch (e) {
        // Only a 401 for the key we sent counts: the user may have pasted a new one meanwhile.
        if (e instanceof TabgridApiError && e.status === 401 && session.getState().apiKey === apiKey) {
          session.getState().markRejected();
        }
        throw e;
      }
    },
  };
}

/** A sentence for the UI; never a stack trace. */
export function describeError(e: unknown): string {
  if (e instanceof TabgridApiError) {
    if (e.status === 401) return 'Not authorized: check the API key at the top of the page.';
    return `${e.message} (${e.code}, HTTP ${e.status})`;
  }
  if (e instanceof DOMException && e.name === 'AbortError') return 'Cancelled.';
  if (e instanceof TypeError) return 'Cannot reach the Tabgrid server. Is it running?';
  return e instanceof Error ? e.message : String(e);
}
