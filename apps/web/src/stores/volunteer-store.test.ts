import { describe, expect, it } from 'vitest';
import type { BrowserVolunteer, CreateBrowserVolunteer, VolunteerSnapshot } from '../volunteer/agent';
import { createVolunteerStore, idleSnapshot } from './volunteer-store';

/** An agent whose state the test pushes through `emit`. */
function fakeAgent() {
  const created: { opts: Parameters<CreateBrowserVolunteer>[0]; agent: BrowserVolunteer; stopped: boolean }[] = [];
  const create: CreateBrowserVolunteer = (opts) => {
    let snap: VolunteerSnapshot = idleSnapshot(opts.region);
    const entry = {
      opts,
      stopped: false,
      agent: {
        start: () => {
          snap = { ...snap, phase: 'connecting' };
          opts.onChange(snap);
        },
        stop: () => {
          entry.stopped = true;
          snap = { ...snap, phase: 'stopped' };
        },
        snapshot: () => snap,
      },
    };
    created.push(entry);
    return entry.agent;
  };
  return { create, created };
}

function setup(loadAgent?: () => Promise<CreateBrowserVolunteer>) {
  const fake = fakeAgent();
  let reloads = 0;
  const store = createVolunteerStore({
    loadAgent: loadAgent ?? (() => Promise.resolve(fake.create)),
    serverUrl: 'http://tabgrid.test',
    defaultRegion: 'eu',
    reload: () => reloads++,
  });
  return { store, fake, reloads: () => reloads };
}

describe('volunteer store', () => {
  it('starts an agent with the server URL and chosen region and mirrors its snapshots', async () => {
    const { store, fake } = setup();
    store.getState().setRegion('asia');
    await store.getState().start();
    expect(fake.created[0]?.opts).toMatchObject({ serverUrl: 'http://tabgrid.test', region: 'asia' });
    expect(store.getState().snapshot.phase).toBe('connecting');

    const connected: VolunteerSnapshot = { ...idleSnapshot('asia'), phase: 'connected', transport: 'relay', nodeId: 'n-1', cores: 4 };
    fake.created[0]?.opts.onChange(connected);
    expect(store.getState().snapshot).toEqual(connected);
  });

  it('ignores a second start while active and locks the region', async () => {
    const { store, fake } = setup();
    await Promise.all([store.getState().start(), store.getState().start()]);
    await store.getState().start();
    expect(fake.created).toHaveLength(1);
    store.getState().setRegion('us');
    expect(store.getState().region).toBe('eu');
  });

  it('stop reaches the agent, and a new start creates a fresh agent whose predecessor is ignored', async () => {
    const { store, fake } = setup();
    await store.getState().start();
    store.getState().stop();
    expect(fake.created[0]?.stopped).toBe(true);
    expect(store.getState().snapshot.phase).toBe('stopped');

    await store.getState().start();
    expect(fake.created).toHaveLength(2);
    fake.created[0]?.opts.onChange({ ...idleSnapshot('eu'), phase: 'reconnecting' });
    expect(store.getState().snapshot.phase).toBe('connecting');
  });

  it('reports an agent that cannot be loaded', async () => {
    const { store } = setup(() => Promise.reject(new Error('chunk failed')));
    await store.getState().start();
    expect(store.getState()).toMatchObject({ loading: false, loadError: 'chunk failed' });
    expect(store.getState().snapshot.phase).toBe('idle');
  });

  it('reload goes through the injected reload', () => {
    const { store, reloads } = setup();
    store.getState().reload();
    expect(reloads()).toBe(1);
  });
});
