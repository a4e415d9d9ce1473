import { describe, expect, it } from 'vitest';
import { TabgridClient } from './client';
import { TabgridApiError } from './errors';
import { fakeFetch, jsonResponse } from './test-fetch';

const result = {
  status: 'ok',
  exitCode: 0,
  stdout: 'hi\n',
  stderr: '',
  fuelUsed: 12,
  durationMs: 5,
  nodes: ['n1'],
  verified: true,
  truncated: false,
  files: {},
};

async function rejection(p: Promise<unknown>): Promise<TabgridApiError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof TabgridApiError)) throw new Error(`expected TabgridApiError, got ${String(e)}`);
  return e;
}

describe('TabgridClient', () => {
  it('creates, reads, cancels jobs and reads their results', async () => {
    const job = {
      id: 'j1',
      function: 'hello@1',
      status: 'running',
      total: 2,
      done: 1,
      failed: 0,
      running: 1,
      queued: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
      finishedAt: null,
    };
    const { fetch, calls } = fakeFetch((call) =>
      call.url.endsWith('/results') ? jsonResponse(200, [{ index: 0, ...result }]) : jsonResponse(202, job),
    );
    const client = new TabgridClient({ baseUrl: 'http://h', apiKey: 'k', fetch });
    expect(await client.createJob({ function: 'hello', tasks: [{ stdin: 'a' }, { stdin: 'b' }] })).toEqual(job);
    expect(JSON.parse(calls[0]?.body as string)).toEqual({ function: 'hello', tasks: [{ stdin: 'a' }, { stdin: 'b' }] });
    expect(await client.getJob('j1')).toEqual(job);
    expect(await client.jobResults('j1')).toEqual([{ index: 0, ...result }]);
    await client.cancelJob('j1');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST http://h/v1/jobs',
      'GET http://h/v1/jobs/j1',
      'GET http://h/v1/jobs/j1/results',
      'DELETE http://h/v1/jobs/j1',
    ]);
  });

  it('uploads raw wasm with the name and version in the query and a bearer key', async () => {
    const { fetch, calls } = fakeFetch(() =>
      jsonResponse(201, { name: 'hello', version: '1.0', digest: 'sha256:ab', size: 4 }),
    );
    const client = new TabgridClient({ baseUrl: 'http://h:8080/', apiKey: 'k1', fetch });
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]).subarray(0, 4);
    const uploaded = await client.uploadFunction('hello', '1.0', bytes);
    expect(uploaded).toEqual({ name: 'hello', version: '1.0', digest: 'sha256:ab', size: 4 });
    const call = calls[0];
    expect(call?.url).toBe('http://h:8080/v1/functions?name=hello&version=1.0');
    expect(call?.method).toBe('POST');
    expect(call?.headers['content-type']).toBe('application/wasm');
    expect(call?.headers.authorization).toBe('Bearer k1');
    // Only the view's bytes, not the whole underlying buffer.
    expect(Array.from(call?.body as Uint8Array)).toEqual([0, 0x61, 0x73, 0x6d]);
  });

  it('sends no authorization header without a key and supports a same-origin base URL', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(200, []));
    await new TabgridClient({ baseUrl: '', fetch }).listNodes();
    expect(calls[0]?.url).toBe('/v1/nodes');
    expect(calls[0]?.headers.authorization).toBeUndefined();
  });

  it('posts the invoke request as JSON and passes the abort signal on', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(200, result));
    const controller = new AbortController();
    const client = new TabgridClient({ baseUrl: 'http://h', apiKey: 'k', fetch });
    const got = await client.invoke({ function: 'hello@1', stdin: 'x', args: ['-n'] }, { signal: controller.signal });
    expect(got).toEqual(result);
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(calls[0]?.body as string)).toEqual({ function: 'hello@1', stdin: 'x', args: ['-n'] });
    expect(calls[0]?.signal).toBe(controller.signal);
  });

  it('lists functions and checks health', async () => {
    const fn = { name: 'a', version: '1', digest: 'sha256:00', size: 1, createdAt: '2024-01-01T00:00:00Z' };
    const { fetch, calls } = fakeFetch((call) => (call.url.endsWith('/healthz') ? jsonResponse(200, { ok: true }) : jsonResponse(200, [fn])));
    const client = new TabgridClient({ baseUrl: 'http://h', fetch });
    expect(await client.listFunctions()).toEqual([fn]);
    expect(await client.health()).toEqual({ ok: true });
    expect(calls.map((c) => c.method)).toEqual(['GET', 'GET']);
  });

  it('turns an error body into a TabgridApiError with status, code and message', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(401, { error: { code: 'unauthorized', message: 'bad key' } }));
    const e = await rejection(new TabgridClient({ baseUrl: 'http://h', fetch }).listFunctions());
    expect(e.status).toBe(401);
    expect(e.code).toBe('unauthorized');
    expect(e.message).toBe('bad key');
  });

  it("falls back to 'internal' for a non-JSON error body or an unknown code", async () => {
    const { fetch } = fakeFetch(() => new Response('<html>502 Bad Gateway</html>', { status: 502 }));
    const e = await rejection(new TabgridClient({ baseUrl: 'http://h', fetch }).health());
    expect(e.status).toBe(502);
    expect(e.code).toBe('internal');
    expect(e.message).toContain('502 Bad Gateway');

    const { fetch: fetch2 } = fakeFetch(() => jsonResponse(418, { error: { code: 'teapot', message: 'short and stout' } }));
    const e2 = await rejection(new TabgridClient({ baseUrl: 'http://h', fetch: fetch2 }).health());
    expect([e2.status, e2.code, e2.message]).toEqual([418, 'internal', 'short and stout']);
  });

  it('rejects a 2xx body of the wrong shape instead of casting it', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(200, { ...result, status: 'great' }));
    const e = await rejection(new TabgridClient({ baseUrl: 'http://h', fetch }).invoke({ function: 'f' }));
    expect(e.code).toBe('internal');
    expect(e.message).toContain('body.status');

    const { fetch: fetch2 } = fakeFetch(() => new Response('not json', { status: 200 }));
    const e2 = await rejection(new TabgridClient({ baseUrl: 'http://h', fetch: fetch2 }).listNodes());
    expect(e2.message).toContain('not JSON');
  });
});
