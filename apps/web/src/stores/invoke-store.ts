import { createStore } from 'zustand/vanilla';
import { bytesToBase64, type InvokeResult } from '@tabgrid/protocol';
import { describeError, type Api } from './api';
import { buildInvokeRequest, guestPathFor, type InvokeDraft } from './invoke-request';

export interface InvokeState {
  phase: 'idle' | 'running' | 'done' | 'error';
  /** The function reference of the last run, so the result panel says what it belongs to. */
  ranFunction: string | null;
  result: InvokeResult | null;
  error: string | null;
  run(draft: InvokeDraft, files: readonly File[]): Promise<void>;
  cancel(): void;
}

export function createInvokeStore(api: Api) {
  let controller: AbortController | null = null;

  return createStore<InvokeState>()((set) => ({
    phase: 'idle',
    ranFunction: null,
    result: null,
    error: null,

    async run(draft, files) {
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      set({ phase: 'running', ranFunction: draft.functionRef, result: null, error: null });
      try {
        const encoded: Record<string, string> = {};
        for (const file of files) encoded[guestPathFor(file.name)] = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
        const request = buildInvokeRequest(draft, encoded);
        const result = await api.call((c) => c.invoke(request, { signal: mine.signal }));
        if (controller === mine) set({ phase: 'done', result });
      } catch (e) {
        if (controller === mine) set({ phase: 'error', error: describeError(e) });
      } finally {
        if (controller === mine) controller = null;
      }
    },

    cancel() {
      controller?.abort();
    },
  }));
}

export type InvokeStore = ReturnType<typeof createInvokeStore>;
