import { createStore } from 'zustand/vanilla';
import { TabgridApiError } from '@tabgrid/client';
import { isJobFinished, type JobInfo, type JobResult } from '@tabgrid/protocol';
import { describeError, type Api } from './api';
import { buildJobRequest, type JobDraft } from './job-request';
import { MAX_LISTED_JOBS, mergeJobs } from './job-list';
import type { Timers } from './nodes-store';

export type StreamState = 'off' | 'connecting' | 'live' | 'retrying';

export interface SelectedJob {
  jobId: string;
  /** The first RESULT_ROWS finished tasks in task order. */
  rows: JobResult[];
  phase: 'loading' | 'ready' | 'error';
  error: string | null;
}

export interface JobsState {
  jobs: JobInfo[];
  /** Live updates: the event stream's state, and when a retry is due if it dropped. */
  stream: StreamState;
  retryAt: number | null;
  error: string | null;
  submit: { phase: 'idle' | 'submitting' | 'done' | 'error'; message: string | null };
  selected: SelectedJob | null;
  /** Loads the list and follows the event stream while at least one caller watches. */
  watch(): () => void;
  /** Reconnects, e.g. with a new API key. */
  restart(): void;
  submitJob(draft: JobDraft): Promise<void>;
  select(jobId: string | null): void;
  cancel(jobId: string): Promise<void>;
}

export const RESULT_ROWS = 100;
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 30_000;
/** A stream that stayed up this long (or delivered an event) was healthy: the next drop retries quickly again. */
const HEALTHY_STREAM_MS = 10_000;
/** While a selected job runs, its results are reloaded at most this often; once more when it ends. */
const RESULTS_REFRESH_MS = 1000;

export function createJobsStore(api: Api, timers: Timers) {
  let watchers = 0;
  let stream: AbortController | null = null;
  let retryTimer: unknown = null;
  let failures = 0;
  let results: AbortController | null = null;
  let resultsLoadedAt = -Infinity;

  return createStore<JobsState>()((set, get) => {
    const applyJobs = (incoming: readonly JobInfo[]): void => {
      const before = new Map(get().jobs.map((j) => [j.id, j]));
      set({ jobs: mergeJobs(get().jobs, incoming) });
      const selected = get().selected;
      const job = selected === null ? undefined : get().jobs.find((j) => j.id === selected.jobId);
      if (selected === null || job === undefined) return;
      const previous = before.get(job.id);
      const justFinished = isJobFinished(job) && (previous === undefined || !isJobFinished(previous));
      const due = !isJobFinished(job) && results === null && timers.now() - resultsLoadedAt >= RESULTS_REFRESH_MS;
      if (justFinished || due) void loadResults(job.id);
    };

    const loadResults = async (jobId: string): Promise<void> => {
      results?.abort();
      const mine = new AbortController();
      results = mine;
      resultsLoadedAt = timers.now();
      try {
        const rows: JobResult[] = [];
        await api.call(async (client) => {
          // Leaving the loop early cancels the download: a 100,000-task job sends only what is shown.
          for await (const row of client.jobResultRows(jobId, { signal: mine.signal })) {
            rows.push(row);
            if (rows.length >= RESULT_ROWS) break;
          }
        });
        if (results === mine && get().selected?.jobId === jobId) set({ selected: { jobId, rows, phase: 'ready', error: null } });
      } catch (e) {
        if (results === mine && get().selected?.jobId === jobId) {
          set({ selected: { jobId, rows: get().selected?.rows ?? [], phase: 'error', error: describeError(e) } });
        }
      } finally {
        if (results === mine) results = null;
      }
    };

    const loadList = async (mine: AbortController): Promise<void> => {
      try {
        const jobs = await api.call((c) => c.listJobs({ limit: MAX_LISTED_JOBS, signal: mine.signal }));
        if (stream === mine) applyJobs(jobs);
      } catch (e) {
        if (stream === mine && !mine.signal.aborted) set({ error: describeError(e) });
      }
    };

    const follow = async (mine: AbortController): Promise<void> => {
      let openedAt: number | null = null;
      let refused = false;
      try {
        await api.call(async (client) => {
          const onOpen = (): void => {
            openedAt = timers.now();
            set({ stream: 'live', retryAt: null, error: null });
            // Subscribed first, listed second: a change between the two is in the stream, never lost.
            void loadList(mine);
          };
          for await (const event of client.events({ signal: mine.signal, onOpen })) {
            failures = 0;
            if (event.type === 'job') applyJobs([event.job]);
          }
        });
      } catch (e) {
        if (stream !== mine) return;
        refused = e instanceof TabgridApiError && e.status === 401;
        set({ error: describeError(e) });
      }
      if (stream !== mine) return;
      stream = null;
      if (openedAt !== null && timers.now() - openedAt >= HEALTHY_STREAM_MS) failures = 0;
      // A refused key will be refused again: wait for restart() with a new one.
      if (refused) set({ stream: 'off', retryAt: null });
      else scheduleRetry();
    };

    const connect = (): void => {
      const mine = new AbortController();
      stream = mine;
      if (get().stream !== 'retrying') set({ stream: 'connecting' });
      void follow(mine);
    };

    const scheduleRetry = (): void => {
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** failures);
      failures++;
      set({ stream: 'retrying', retryAt: timers.now() + delay });
      retryTimer = timers.setTimeout(() => {
        retryTimer = null;
        connect();
      }, delay);
    };

    const stop = (): void => {
      stream?.abort();
      stream = null;
      if (retryTimer !== null) timers.clearTimeout(retryTimer);
      retryTimer = null;
      set({ stream: 'off', retryAt: null });
    };

    return {
      jobs: [],
      stream: 'off',
      retryAt: null,
      error: null,
      submit: { phase: 'idle', message: null },
      selected: null,

      watch() {
        watchers++;
        if (watchers === 1) connect();
        let stopped = false;
        return () => {
          if (stopped) return;
          stopped = true;
          watchers--;
          if (watchers === 0) stop();
        };
      },

      restart() {
        if (watchers === 0) return;
        stop();
        failures = 0;
        connect();
      },

      async submitJob(draft) {
        let request;
        try {
          request = buildJobRequest(draft);
        } catch (e) {
          set({ submit: { phase: 'error', message: describeError(e) } });
          return;
        }
        set({ submit: { phase: 'submitting', message: null } });
        try {
          const job = await api.call((c) => c.createJob(request));
          applyJobs([job]);
          set({ submit: { phase: 'done', message: `Submitted ${job.total} ${job.total === 1 ? 'task' : 'tasks'} as ${job.id}.` } });
          get().select(job.id);
        } catch (e) {
          set({ submit: { phase: 'error', message: describeError(e) } });
        }
      },

      select(jobId) {
        results?.abort();
        results = null;
        if (jobId === null) {
          set({ selected: null });
          return;
        }
        set({ selected: { jobId, rows: [], phase: 'loading', error: null } });
        void loadResults(jobId);
      },

      async cancel(jobId) {
        try {
          applyJobs([await api.call((c) => c.cancelJob(jobId))]);
        } catch (e) {
          set({ error: describeError(e) });
        }
      },
    };
  });
}

export type JobsStore = ReturnType<typeof createJobsStore>;
