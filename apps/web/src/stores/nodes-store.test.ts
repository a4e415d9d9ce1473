import { describe, expect, it } from 'vitest';
import { createNodesStore } from './nodes-store';
import { fakeApi, json, manualTimers } from './test-support';

const node = {
  id: 'n1', region: 'eu', cores: 2, state: 'idle', score: 1, running: 0, completed: 0, failed: 0,
  transport: 'webrtc', userAgent: 'ua', connectedAt: '2024-01-01T00:00:00Z',
};

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('nodes store', () => {
  it('polls while watched, one loop for many watchers, and stops when nobody watches', async () => {
    const { api, calls } = fakeApi(() => json(200, [node]));
    const timers = manualTimers();
    const store = createNodesStore(api, timers, 2000);

    const unwatchA = store.getState().watch();
    const unwatchB = store.getState().watch();
    await flush();
    expect(calls).toHaveLength(1);
    expect(store.getState()).toMatchObject({ status: 'ready', nodes: [node], updatedAt: 1000 });
    expect(timers.pending()).toBe(1);

    timers.fire();
    await flush();
    expect(calls).toHaveLength(2);

    unwatchA();
    unwatchA();
    expect(timers.pending()).toBe(1);
    unwatchB();
    expect(timers.pending()).toBe(0);
  });

  it('keeps the last list and shows the error when a poll fails', async () => {
    let fail = false;
    const { api } = fakeApi(() => (fail ? json(500, { error: { code: 'internal', message: 'db down' } }) : json(200, [node])));
    const timers = manualTimers();
    const store = createNodesStore(api, timers);
    const unwatch = store.getState().watch();
    await flush();
    fail = true;
    timers.fire();
    await flush();
    expect(store.getState().nodes).toEqual([node]);
    expect(store.getState().error).toContain('db down');
    expect(timers.pending()).toBe(1);
    unwatch();
  });
});
