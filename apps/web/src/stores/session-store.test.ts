import { describe, expect, it } from 'vitest';
import { API_KEY_STORAGE_KEY, createSessionStore, keyFromHash } from './session-store';
import { fakeApi, json, memoryStorage } from './test-support';

describe('session store', () => {
  it('takes the key from #key=…, stores it and clears the hash', () => {
    const storage = memoryStorage({ [API_KEY_STORAGE_KEY]: 'old' });
    let cleared = 0;
    const store = createSessionStore({ storage, hash: '#key=fresh', clearHash: () => cleared++ });
    expect(store.getState().apiKey).toBe('fresh');
    expect(storage.data[API_KEY_STORAGE_KEY]).toBe('fresh');
    expect(cleared).toBe(1);
  });

  it('falls back to the stored key and leaves an unrelated hash alone', () => {
    let cleared = 0;
    const store = createSessionStore({ storage: memoryStorage({ [API_KEY_STORAGE_KEY]: 'saved' }), hash: '#section', clearHash: () => cleared++ });
    expect(store.getState().apiKey).toBe('saved');
    expect(cleared).toBe(0);
    expect(keyFromHash('#key=')).toBeUndefined();
    expect(keyFromHash('key=a%2Bb')).toBe('a+b');
  });

  it('a pasted key is trimmed and persisted; an empty one is forgotten', () => {
    const storage = memoryStorage();
    const store = createSessionStore({ storage, hash: '', clearHash: () => {} });
    store.getState().markRejected();
    store.getState().setApiKey('  pasted \n');
    expect(store.getState()).toMatchObject({ apiKey: 'pasted', rejected: false });
    expect(storage.data[API_KEY_STORAGE_KEY]).toBe('pasted');
    store.getState().setApiKey('');
    expect(storage.data[API_KEY_STORAGE_KEY]).toBeUndefined();
  });

  it('a 401 marks the key rejected unless the key changed while the call was in flight', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { api, session } = fakeApi(async () => {
      await gate;
      return json(401, { error: { code: 'unauthorized', message: 'no' } });
    }, 'wrong');
    const first = api.call((c) => c.listFunctions()).catch(() => undefined);
    session.getState().setApiKey('right');
    release();
    await first;
    expect(session.getState().rejected).toBe(false);

    await api.call((c) => c.listFunctions()).catch(() => undefined);
    expect(session.getState().rejected).toBe(true);
  });

  it('sends the current key as a bearer token', async () => {
    const { api, calls } = fakeApi(() => json(200, []), 'abc');
    await api.call((c) => c.listFunctions());
    expect(new Headers(calls[0]?.init.headers).get('authorization')).toBe('Bearer abc');
  });
});
