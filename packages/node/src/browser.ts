import { createBrowserPool } from '@tabgrid/runtime/browser';
import { connect } from './connect';
import { realTimers } from './timers';
import { IdbModuleStore } from './idb-module-store';
import { httpModuleFetcher, ModuleCache } from './module-cache';
import { pageUpdates } from './page-updates';
import { Volunteer, type VolunteerSnapshot } from './volunteer';

export type { RecentTask, VolunteerPhase, VolunteerSnapshot } from './volunteer';

export interface BrowserVolunteer {
  start(): void;
  stop(): void;
  snapshot(): VolunteerSnapshot;
}

export interface BrowserVolunteerOptions {
  serverUrl: string;
  region: string;
  onChange: (snapshot: VolunteerSnapshot) => void;
  /** Skip WebRTC and use the WebSocket relay (tests, hostile networks). */
  forceRelay?: boolean;
}

const NODE_ID_KEY = 'tabgrid.nodeId';
/** How often a page hears its volunteer's counters: twice a second still reads as live. */
const COUNTERS_REFRESH_MS = 500;

/** One node per tab: the id survives reloads of this tab (sessionStorage) but not other tabs. */
function tabNodeId(): string {
  const existing = sessionStorage.getItem(NODE_ID_KEY);
  if (existing) return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const id = `n_${btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_')}`;
  sessionStorage.setItem(NODE_ID_KEY, id);
  return id;
}

export function createBrowserVolunteer(options: BrowserVolunteerOptions): BrowserVolunteer {
  const nodeId = tabNodeId();
  const cores = Math.max(1, navigator.hardwareConcurrency || 1);
  const deviceMemoryGb = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  const volunteer = new Volunteer({
    nodeId,
    capabilities: {
      cores,
      memoryMb: deviceMemoryGb ? Math.round(deviceMemoryGb * 1024) : 0,
      userAgent: navigator.userAgent.slice(0, 512),
      region: options.region,
      features: [],
    },
    createPool: () => createBrowserPool({ size: cores }),
    modules: new ModuleCache(new IdbModuleStore(), httpModuleFetcher(options.serverUrl)),
    connect: () => connect({ serverUrl: options.serverUrl, nodeId, forceRelay: options.forceRelay ?? false }),
    timers: realTimers,
    onChange: pageUpdates(options.onChange, COUNTERS_REFRESH_MS, realTimers),
  });
  addEventListener('pagehide', () => volunteer.stop());
  return volunteer;
}
