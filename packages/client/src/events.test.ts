import { describe, expect, it } from 'vitest';
import { TabgridClient } from './client';
import { TabgridApiError } from './errors';
import type { ServerEvent } from '@tabgrid/protocol';
import { fakeFetch, jsonResponse, splitEvery, streamResponse } from './test-fetch';

const job = {
  id: 'j1',
  function: 'héllo@1',
  status: 'running',
  total: 3,
  done: 1,
  failed: 0,
  running: 2,
  queued: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
};
const finished = { ...job, status: 'done', done: 3, running: 0, finishedAt: '2026-01-01T00:00:01.000Z' };

/** What the orchestrator writes, including its greeting comment, a keep-alive and a CRLF frame. */
const WIRE =
  ': tabgrid events\n\n' +
  `event: job\ndata: ${JSON.stringify({ type: 'job', job })}\n\n` +
  ': keep-alive\n\n' +
  `event: node\r\ndata: ${JSON.stringify({ type: 'node', id: 'n1', change: 'joined' })}\r\n\r\n` +
  'event: future\ndata: {"type":"future"}\n\n' +
  `event: job\ndata: ${JSON.stringify({ type: 'job', job: finished })}\n\n`;

const EXPECTED: ServerEvent[] = [
  { type: 'job', job: { ...job, status: 'running' } },
  { type: 'node', id: 'n1', change: 'joined' },
  { type: 'job', job: { ...finished, status: 'done' } },
];

async function collect(chunks: readonly (string | Uint8Array)[], jobId?: string) {
  const { fetch, calls } = fakeFetch(() => streamResponse(chunks));
  const client = new TabgridClient({ baseUrl: 'http://h', apiKey: 'k', fetch });
  const events: ServerEvent[] = [];
  for await (const e of client.events(jobId === undefined ? {} : { jobId })) events.push(e);
  return { events, calls };
}

describe('TabgridClient.events', () => {
  it('reads the whole stream in one chunk, skipping comments and unknown kinds', async () => {
    const { events, calls } = await collect([WIRE]);
    expect(events).toEqual(EXPECTED);
    expect(calls[0]).toMatchObject({ url: 'http://h/v1/events', headers: { accept: 'text/event-stream', authorization: 'Bearer k' } });
  });

  it.each([1, 2, 3, 5, 7, 64])('gives the same events when the bytes arrive %i at a time', async (size) => {
    // Size 1 and 2 split "é" and every "\r\n"; others split field names and JSON mid-token.
    expect((await collect(splitEvery(WIRE, size))).events).toEqual(EXPECTED);
  });

  it('splits at the awkward places on purpose: inside a field name, between \\r and \\n, inside a character', async () => {
    const bytes = new TextEncoder().encode(WIRE);
    const cuts = [WIRE.indexOf('event: job') + 3, WIRE.indexOf('\r\n') + 1, new TextEncoder().encode(WIRE.slice(0, WIRE.indexOf('é'))).length + 1];
    const chunks = [0, ...cuts.sort((a, b) => a - b), bytes.length].slice(1).map((end, i, ends) => bytes.slice(i === 0 ? 0 : ends[i - 1], end));
    expect(chunks.length).toBe(4);
    expect((await collect(chunks)).events).toEqual(EXPECTED);
  });

  it('joins multi-line data and ignores a frame cut off by the end of the stream', async () => {
    const multi = `event: node\ndata: {"type":"node",\ndata: "id":"n2","change":"left"}\n\nevent: node\ndata: {"type":"node","id":"n3","change":"left"}`;
    expect((await collect([multi])).events).toEqual([{ type: 'node', id: 'n2', change: 'left' }]);
  });

  it('follows one job on its own route', async () => {
    const { calls } = await collect([], 'j/1');
    expect(calls[0]?.url).toBe('http://h/v1/jobs/j%2F1/events');
  });

  it('ends quietly when the signal aborts while the stream is open and quiet', async () => {
    const { fetch } = fakeFetch(() => streamResponse([`event: job\ndata: ${JSON.stringify({ type: 'job', job })}\n\n`], { open: true }));
    const client = new TabgridClient({ baseUrl: '', fetch });
    const controller = new AbortController();
    let opened = false;
    const seen: ServerEvent[] = [];
    for await (const e of client.events({ signal: controller.signal, onOpen: () => (opened = true) })) {
      seen.push(e);
      controller.abort();
    }
    expect(opened).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('ends at once when the signal aborted before the answer', async () => {
    const controller = new AbortController();
    controller.abort();
    const fetch = (_url: string, init: RequestInit) =>
      init.signal?.aborted === true ? Promise.reject(new DOMException('aborted', 'AbortError')) : Promise.resolve(streamResponse([WIRE]));
    const client = new TabgridClient({ baseUrl: '', fetch });
    const seen: unknown[] = [];
    for await (const e of client.events({ signal: controller.signal })) seen.push(e);
    expect(seen).toEqual([]);
  });

  it('throws the API error for a refused subscription', async () => {
    const { fetch } = fakeFetch(() => jsonResponse(401, { error: { code: 'unauthorized', message: 'missing key' } }));
    const iterator = new TabgridClient({ baseUrl: '', fetch }).events();
    await expect(iterator.next()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('rejects a known event with the wrong shape instead of casting it', async () => {
    const bad = 'event: job\ndata: {"type":"job","job":{"id":"j1"}}\n\n';
    const error = await collect([bad]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TabgridApiError);
    expect(String(error)).toMatch(/job event\.job\.function must be a string/);
    const notJson = await collect(['event: node\ndata: {oops\n\n']).then(() => undefined, (e: unknown) => e);
    expect(String(notJson)).toMatch(/node event is not JSON/);
  });
});

describe('TabgridClient.jobResultRows and listJobs', () => {
  const row = (index: number) => ({
    index, status: 'ok', exitCode: 0, stdout: `${index}\n`, stderr: '', fuelUsed: 1, durationMs: 1, nodes: ['n1'], verified: false, truncated: false, files: {},
  });

  it('streams NDJSON rows across chunk boundaries and cancels the download when the caller stops', async () => {
    const ndjson = [0, 1, 2, 3, 4].map((i) => `${JSON.stringify(row(i))}\n`).join('');
    let cancelled = false;
    const { fetch, calls } = fakeFetch(() =>
      streamResponse(splitEvery(ndjson, 13), { open: true, contentType: 'application/x-ndjson', onCancel: () => (cancelled = true) }),
    );
    const client = new TabgridClient({ baseUrl: '', fetch });
    const seen: number[] = [];
    for await (const r of client.jobResultRows('j1')) {
      seen.push(r.index);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(cancelled).toBe(true);
    expect(calls[0]?.headers.accept).toBe('application/x-ndjson');
  });

  it('reads a last row that has no newline', async () => {
    const { fetch } = fakeFetch(() => streamResponse([`${JSON.stringify(row(0))}\n\n${JSON.stringify(row(1))}`]));
    const rows = [];
    for await (const r of new TabgridClient({ baseUrl: '', fetch }).jobResultRows('j1')) rows.push(r);
    expect(rows).toEqual([row(0), row(1)]);
  });

  it('lists recent jobs with an optional limit', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(200, [job, finished]));
    const client = new TabgridClient({ baseUrl: 'http://h', fetch });
    expect((await client.listJobs({ limit: 20 })).map((j) => j.status)).toEqual(['running', 'done']);
    await client.listJobs();
    expect(calls.map((c) => c.url)).toEqual(['http://h/v1/jobs?limit=20', 'http://h/v1/jobs']);
  });
});
