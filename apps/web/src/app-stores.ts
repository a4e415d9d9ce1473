import { createApi } from './stores/api';
import { createFunctionsStore } from './stores/functions-store';
import { createInvokeStore } from './stores/invoke-store';
import { createJobsStore } from './stores/jobs-store';
import { createNodesStore } from './stores/nodes-store';
import { createSessionStore } from './stores/session-store';
import { createVolunteerStore } from './stores/volunteer-store';
import { loadAgent } from './volunteer/agent';
import { regionFromQuery, regionFromTimeZone } from './region';

/** The app's stores, wired to the real browser once; components import them from here. */
export const session = createSessionStore({
  storage: window.localStorage,
  hash: window.location.hash,
  clearHash: () => window.history.replaceState(null, '', window.location.pathname + window.location.search),
});

const api = createApi(session, { baseUrl: '' });

export const functionsStore = createFunctionsStore(api);
export const invokeStore = createInvokeStore(api);
const timers = {
  setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => window.clearTimeout(handle as number),
  now: () => Date.now(),
};
export const nodesStore = createNodesStore(api, timers);
export const jobsStore = createJobsStore(api, timers);

const query = new URLSearchParams(window.location.search);

export const volunteerStore = createVolunteerStore({
  loadAgent,
  serverUrl: window.location.origin,
  // ?relay=1 skips WebRTC: for networks where ICE cannot work, and for testing the fallback.
  forceRelay: query.get('relay') === '1',
  // ?region=eu preselects a region (links from a regional campaign, tests); else the time zone's.
  defaultRegion: regionFromQuery(query.get('region')) ?? regionFromTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone),
  reload: () => window.location.reload(),
});

// A new key may unlock what the old one could not: reload the developer's data, once typing settles.
let keyTimer: number | undefined;
session.subscribe((state, prev) => {
  if (state.apiKey === prev.apiKey) return;
  window.clearTimeout(keyTimer);
  keyTimer = window.setTimeout(() => {
    void functionsStore.getState().refresh();
    jobsStore.getState().restart();
  }, 300);
});
