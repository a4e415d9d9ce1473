import { describe, expect, it } from 'vitest';
import { base64ToUtf8 } from '@tabgrid/protocol';
import { EMPTY_DRAFT } from './invoke-request';
import { createInvokeStore } from './invoke-store';
import { createFunctionsStore } from './functions-store';
import { fakeApi, json } from './test-support';

const result = {
  status: 'ok', exitCode: 0, stdout: 'hi', stderr: '', fuelUsed: 1, durationMs: 3, nodes: ['n1'], verified: true, truncated: false, files: {},
};
const draft = { ...EMPTY_DRAFT, functionRef: 'cat@1' };

describe('invoke store', () => {
  it('mounts picked files under /input and keeps the result', async () => {
    const { api, calls } = fakeApi(() => json(200, result));
    const store = createInvokeStore(api);
    await store.getState().run(draft, [new File(['a,b\n'], 'data.csv')]);
    const body = JSON.parse(String(calls[0]?.init.body)) as { files: Record<string, string> };
    expect(Object.keys(body.files)).toEqual(['/input/data.csv']);
    expect(base64ToUtf8(body.files['/input/data.csv'] ?? '')).toBe('a,b\n');
    expect(store.getState()).toMatchObject({ phase: 'done', ranFunction: 'cat@1', result, error: null });
  });

  it('shows the server error and form errors without calling the server for the latter', async () => {
    const { api, calls } = fakeApi(() => json(503, { error: { code: 'no_capacity', message: 'no volunteer nodes are connected' } }));
    const store = createInvokeStore(api);
    await store.getState().run(draft, []);
    expect(store.getState()).toMatchObject({ phase: 'error', error: 'no volunteer nodes are connected (no_capacity, HTTP 503)' });
    await store.getState().run({ ...draft, timeoutText: 'soon' }, []);
    expect(store.getState().error).toMatch(/Timeout/);
    expect(calls).toHaveLength(1);
  });

  it('cancel aborts the request', async () => {
    const { api } = fakeApi(
      ({ init }) =>
        new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const store = createInvokeStore(api);
    const running = store.getState().run(draft, []);
    expect(store.getState().phase).toBe('running');
    await new Promise((r) => setTimeout(r, 0));
    store.getState().cancel();
    await running;
    expect(store.getState()).toMatchObject({ phase: 'error', error: 'Cancelled.' });
  });
});

describe('functions store', () => {
  it('uploads, then refreshes the list newest first', async () => {
    const list = [
      { name: 'old', version: '1', digest: 'sha256:00', size: 1, createdAt: '2024-01-01T00:00:00Z' },
      { name: 'new', version: '1', digest: 'sha256:11', size: 2, createdAt: '2024-02-01T00:00:00Z' },
    ];
    const { api, calls } = fakeApi(({ init }) =>
      init.method === 'POST' ? json(201, { name: 'new', version: '1', digest: 'sha256:11', size: 2 }) : json(200, list),
    );
    const store = createFunctionsStore(api);
    const uploaded = await store.getState().uploadFunction(new Blob([new Uint8Array([0, 97, 115, 109])]), ' new ', '1');
    expect(uploaded?.name).toBe('new');
    expect(calls[0]?.url).toBe('/v1/functions?name=new&version=1');
    expect(store.getState().functions.map((f) => f.name)).toEqual(['new', 'old']);
    expect(store.getState().upload).toEqual({ phase: 'done', message: 'Uploaded new@1.' });
  });

  it('reports an invalid module', async () => {
    const { api } = fakeApi(() => json(400, { error: { code: 'invalid_wasm', message: 'not a WebAssembly module' } }));
    const store = createFunctionsStore(api);
    await store.getState().uploadFunction(new Blob(['nope']), 'x', '1');
    expect(store.getState().upload).toEqual({ phase: 'error', message: 'not a WebAssembly module (invalid_wasm, HTTP 400)' });
  });
});
