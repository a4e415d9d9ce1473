import { createStore } from 'zustand/vanilla';
import type { BrowserVolunteer, CreateBrowserVolunteer, VolunteerSnapshot } from '../volunteer/agent';

export interface VolunteerState {
  region: string;
  snapshot: VolunteerSnapshot;
  /** The agent's code is being fetched (first Start only). */
  loading: boolean;
  /** The agent could not be loaded at all; refusals and connection errors arrive in snapshot.message. */
  loadError: string | null;
  setRegion(region: string): void;
  start(): Promise<void>;
  stop(): void;
  reload(): void;
}

export interface VolunteerDeps {
  loadAgent: () => Promise<CreateBrowserVolunteer>;
  serverUrl: string;
  forceRelay?: boolean;
  defaultRegion: string;
  reload: () => void;
}

export function idleSnapshot(region: string): VolunteerSnapshot {
  return {
    phase: 'idle',
    transport: null,
    nodeId: '',
    region,
    cores: 0,
    running: 0,
    completed: 0,
    failed: 0,
    message: null,
    recent: [],
  };
}

/** Phases in which a volunteer is (or is trying to be) on the network. */
export function isActive(phase: VolunteerSnapshot['phase']): boolean {
  return phase === 'connecting' || phase === 'connected' || phase === 'reconnecting';
}

export function createVolunteerStore(deps: VolunteerDeps) {
  let current: BrowserVolunteer | null = null;
  // Bumped per Start so a previous agent's late onChange cannot overwrite the new one's state.
  let generation = 0;

  return createStore<VolunteerState>()((set, get) => ({
    region: deps.defaultRegion,
    snapshot: idleSnapshot(deps.defaultRegion),
    loading: false,
    loadError: null,

    setRegion(region) {
      // The region is announced when the node registers; changing it mid-run would be a lie.
      if (isActive(get().snapshot.phase) || get().loading) return;
      set({ region, snapshot: { ...get().snapshot, region } });
    },

    async start() {
      if (get().loading || isActive(get().snapshot.phase)) return;
      set({ loading: true, loadError: null });
      let create: CreateBrowserVolunteer;
      try {
        create = await deps.loadAgent();
      } catch (e) {
        set({ loading: false, loadError: e instanceof Error ? e.message : String(e) });
        return;
      }
      // A fresh agent per Start: a stopped or refused one is finished.
      const mine = ++generation;
      const volunteer = create({
        serverUrl: deps.serverUrl,
        region: get().region,
        ...(deps.forceRelay === true ? { forceRelay: true } : {}),
        onChange: (snapshot) => {
          if (generation === mine) set({ snapshot });
        },
      });
      current = volunteer;
      set({ loading: false });
      volunteer.start();
      set({ snapshot: volunteer.snapshot() });
    },

    stop() {
      const volunteer = current;
      if (volunteer === null) return;
      volunteer.stop();
      set({ snapshot: volunteer.snapshot() });
    },

    reload() {
      deps.reload();
    },
  }));
}

export type VolunteerStore = ReturnType<typeof createVolunteerStore>;
