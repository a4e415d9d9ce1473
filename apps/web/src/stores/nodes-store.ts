import { createStore } from 'zustand/vanilla';
import type { NodeInfo } from '@tabgrid/protocol';
import { describeError, type Api } from './api';

export interface NodesState {
  nodes: NodeInfo[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  updatedAt: number | null;
  refresh(): Promise<void>;
  /** Polls while at least one caller is watching; returns the function that stops watching. */
  watch(): () => void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const NODES_POLL_MS = 2000;

export function createNodesStore(api: Api, timers: Timers, intervalMs = NODES_POLL_MS) {
  let watchers = 0;
  let timer: unknown = null;
  // True from a poll's start until the loop ends: at most one loop however often watch() is called.
  let looping = false;

  return createStore<NodesState>()((set, get) => {
    // The next poll is scheduled only after the previous answer, so a slow server never sees a pile-up.
    const tick = async (): Promise<void> => {
      looping = true;
      timer = null;
      await get().refresh();
      if (watchers > 0) timer = timers.setTimeout(() => void tick(), intervalMs);
      else looping = false;
    };

    return {
      nodes: [],
      status: 'idle',
      error: null,
      updatedAt: null,

      async refresh() {
        if (get().status === 'idle') set({ status: 'loading' });
        try {
          const nodes = await api.call((c) => c.listNodes());
          set({ nodes, status: 'ready', error: null, updatedAt: timers.now() });
        } catch (e) {
          set({ status: 'error', error: describeError(e) });
        }
      },

      watch() {
        watchers++;
        if (!looping) void tick();
        let stopped = false;
        return () => {
          if (stopped) return;
          stopped = true;
          watchers--;
          if (watchers === 0 && timer !== null) {
            timers.clearTimeout(timer);
            timer = null;
            looping = false;
          }
        };
      },
    };
  });
}

export type NodesStore = ReturnType<typeof createNodesStore>;
