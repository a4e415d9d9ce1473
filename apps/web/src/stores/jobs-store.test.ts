import { describe, expect, it, vi } from 'vitest';
import { createJobsStore, RESULT_ROWS } from './jobs-store';
import { eventStream, fakeApi, json, manualTimers, type Call } from './test-support';

const job = (id: string, patch: object = {}) => ({
  id, function: 'hello@1', status: 'running', total: 4, done: 1, failed: 0, running: 2, queued: 1,
  createdAt: `2026-01-01T00:00:0${id.slice(-1)}.000Z`, finishedAt: null, ...patch,
});
const finished = (id: string) => job(id, { status: 'done', done: 4, running: 0, queued: 0, finishedAt: '2026-01-01T00:01:00.000Z' });
const row = (index: number) => ({
  index, status: 'ok', exitCode: 0, stdout: `${index}\n`, stderr: '', fuelUsed: 1, durationMs: 1, nodes: ['n1'], verified: false, truncated: false, files: {},
});
const ndjson = (count: number) =>
  new Response([...Array(count).keys()].map((i) => `${JSON.stringify(row(i))}\n`).join(''), { headers: { 'content-type': 'application/x-ndjson' } });

const route = (call: Call) => `${call.init.method ?? 'GET'} ${call.url}`;

describe('jobs store', () => {
  it('subscribes, then lists, and applies events without letting an older snapshot win', async () => {
    const streams = [eventStream()];
    const { api, calls } = fakeApi((call) => {
      if (call.url === '/v1/events') return streams[0]?.response ?? json(500, {});
      // The list answers with a snapshot older than the event that beat it here.
      return json(200, [job('j2', { done: 0 }), finished('j1')]);
    });
    const store = createJobsStore(api, manualTimers());
    const unwatch = store.getState().watch();
    expect(store.getState().stream).toBe('connecting');

    await vi.waitFor(() => expect(store.getState().jobs).toHaveLength(2));
    expect(calls.map(route)).toEqual(['GET /v1/events', 'GET /v1/jobs?limit=50']);
    expect(store.getState().stream).toBe('live');

    streams[0]?.job(job('j2', { done: 3 }));
    streams[0]?.job(job('j3'));
    await vi.waitFor(() => expect(store.getState().jobs.map((j) => j.id)).toEqual(['j3', 'j2', 'j1']));
    expect(store.getState().jobs[1]?.done).toBe(3);

    unwatch();
    expect(store.getState().stream).toBe('off');
    await vi.waitFor(() => expect(streams[0]?.cancelled()).toBe(true));
  });

  it('reconnects with growing backoff when the stream drops, and quickly again after a healthy stream', async () => {
    const streams: ReturnType<typeof eventStream>[] = [];
    let down = false;
    const { api } = fakeApi((call) => {
      if (call.url !== '/v1/events') return json(200, []);
      if (down) throw new TypeError('fetch failed');
      const s = eventStream();
      streams.push(s);
      return s.response;
    });
    const timers = manualTimers();
    const store = createJobsStore(api, timers);
    const unwatch = store.getState().watch();
    await vi.waitFor(() => expect(store.getState().stream).toBe('live'));

    down = true;
    streams[0]?.close();
    await vi.waitFor(() => expect(store.getState().stream).toBe('retrying'));
    expect(store.getState().retryAt).toBe(timers.now() + 1000);
    timers.fire();
    await vi.waitFor(() => expect(timers.delays).toEqual([1000, 2000]));
    expect(store.getState().error).toMatch(/Cannot reach the Tabgrid server/);
    timers.fire();
    await vi.waitFor(() => expect(timers.delays).toEqual([1000, 2000, 4000]));

    down = false;
    timers.fire();
    await vi.waitFor(() => expect(store.getState()).toMatchObject({ stream: 'live', error: null }));
    streams[1]?.job(job('j1'));
    await vi.waitFor(() => expect(store.getState().jobs).toHaveLength(1));
    streams[1]?.close();
    await vi.waitFor(() => expect(timers.delays).toEqual([1000, 2000, 4000, 1000]));

    unwatch();
    expect(timers.pending()).toBe(0);
    expect(store.getState().stream).toBe('off');
  });

  it('stops on a refused key and follows again on restart', async () => {
    let key = 'bad';
    const { api, session } = fakeApi((call) => {
      const auth = (call.init.headers as Record<string, string>).authorization;
      if (auth !== 'Bearer good') return json(401, { error: { code: 'unauthorized', message: 'wrong key' } });
      return call.url === '/v1/events' ? eventStream().response : json(200, [job('j1')]);
    }, key);
    const timers = manualTimers();
    const store = createJobsStore(api, timers);
    store.getState().watch();
    await vi.waitFor(() => expect(store.getState().stream).toBe('off'));
    expect(timers.pending()).toBe(0);
    expect(store.getState().error).toMatch(/Not authorized/);
    expect(session.getState().rejected).toBe(true);

    key = 'good';
    session.getState().setApiKey(key);
    store.getState().restart();
    await vi.waitFor(() => expect(store.getState().jobs).toHaveLength(1));
    expect(store.getState()).toMatchObject({ stream: 'live', error: null });
  });

  it('submits a batch from the form, lists it and shows its results', async () => {
    const { api, calls } = fakeApi((call) => {
      if (call.init.method === 'POST') return json(202, job('j7', { status: 'queued', done: 0, running: 0, queued: 2, total: 2 }));
      return ndjson(0);
    });
    const store = createJobsStore(api, manualTimers());
    await store.getState().submitJob({ functionRef: 'hello@1', linesText: 'a\nb\n', argsText: '', replicasText: '', timeoutText: '' });
    expect(JSON.parse(calls[0]?.init.body as string)).toEqual({ function: 'hello@1', tasks: [{ stdin: 'a\n' }, { stdin: 'b\n' }] });
    expect(store.getState().submit).toEqual({ phase: 'done', message: 'Submitted 2 tasks as j7.' });
    expect(store.getState().jobs.map((j) => j.id)).toEqual(['j7']);
    await vi.waitFor(() => expect(store.getState().selected).toEqual({ jobId: 'j7', rows: [], phase: 'ready', error: null }));
    expect(calls[1]?.url).toBe('/v1/jobs/j7/results');
  });

  it('does not call the server for a form it cannot send', async () => {
    const { api, calls } = fakeApi(() => json(500, {}));
    const store = createJobsStore(api, manualTimers());
    await store.getState().submitJob({ functionRef: 'hello@1', linesText: '  \n', argsText: '', replicasText: '', timeoutText: '' });
    expect(store.getState().submit.message).toMatch(/at least one line/);
    expect(calls).toHaveLength(0);
  });

  it('shows only the first rows of a big job and reloads them when the job finishes', async () => {
    const stream = eventStream();
    let resultCalls = 0;
    const { api } = fakeApi((call) => {
      if (call.url === '/v1/events') return stream.response;
      if (call.url.startsWith('/v1/jobs?')) return json(200, [job('j1')]);
      resultCalls++;
      return ndjson(resultCalls === 1 ? 3 : 250);
    });
    const timers = manualTimers();
    const store = createJobsStore(api, timers);
    store.getState().watch();
    await vi.waitFor(() => expect(store.getState().jobs).toHaveLength(1));
    store.getState().select('j1');
    await vi.waitFor(() => expect(store.getState().selected?.rows).toHaveLength(3));

    // Within a second of the last load a progress event does not reload; the finishing one does.
    stream.job(job('j1', { done: 2 }));
    stream.job(finished('j1'));
    await vi.waitFor(() => expect(store.getState().selected?.rows).toHaveLength(RESULT_ROWS));
    expect(resultCalls).toBe(2);
    expect(store.getState().selected?.rows.at(-1)?.index).toBe(RESULT_ROWS - 1);
  });

  it('cancels a job and shows the answer', async () => {
    const { api, calls } = fakeApi(() => json(200, job('j1', { status: 'cancelled' })));
    const store = createJobsStore(api, manualTimers());
    await store.getState().cancel('j1');
    expect(calls.map(route)).toEqual(['DELETE /v1/jobs/j1']);
    expect(store.getState().jobs[0]?.status).toBe('cancelled');
  });
});
