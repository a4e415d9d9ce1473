import { describe, expect, it } from 'vitest';
import type { JobInfo } from '@tabgrid/protocol';
import { TabgridClient } from './client';
import { fakeFetch, jsonResponse, streamResponse } from './test-fetch';

const running: JobInfo = { id: 'j1', function: 'f@1', status: 'running', total: 2, done: 1, failed: 0, running: 1, queued: 0, createdAt: '2026-01-01T00:00:00.000Z', finishedAt: null };
const done: JobInfo = { ...running, status: 'done', done: 2, running: 0, finishedAt: '2026-01-01T00:00:01.000Z' };
const frame = (job: JobInfo) => `event: job\ndata: ${JSON.stringify({ type: 'job', job })}\n\n`;

describe('TabgridClient.waitForJob', () => {
  it('resolves with the finished job from its event stream, reporting each change, without polling', async () => {
    const { fetch, calls } = fakeFetch(() => streamResponse([': hi\n\n', frame(running), frame(done)], { open: true }));
    const seen: string[] = [];
    const job = await new TabgridClient({ baseUrl: 'http://x', fetch }).waitForJob('j1', { onProgress: (j) => seen.push(`${j.status} ${j.done}`) });
    expect(job).toEqual(done);
    expect(seen).toEqual(['running 1', 'done 2']);
    expect(calls.map((c) => c.url)).toEqual(['http://x/v1/jobs/j1/events']);
  });

  it('asks for the job when the stream closes early, and follows again while it runs', async () => {
    let streams = 0;
    const sleeps: number[] = [];
    const { fetch } = fakeFetch((call) => {
      if (!call.url.endsWith('/events')) return jsonResponse(200, streams === 1 ? running : done);
      streams++;
      return streamResponse(streams === 1 ? [frame(running)] : []);
    });
    const job = await new TabgridClient({ baseUrl: 'http://x', fetch }).waitForJob('j1', { sleep: async (ms) => void sleeps.push(ms) });
    expect(job.status).toBe('done');
    expect(streams).toBe(2);
    expect(sleeps).toEqual([1000]);
  });

  it('gives up with a clear error when the stream keeps closing without news', async () => {
    const { fetch } = fakeFetch((call) => (call.url.endsWith('/events') ? streamResponse([]) : jsonResponse(200, running)));
    const wait = new TabgridClient({ baseUrl: 'http://x', fetch }).waitForJob('j1', { maxQuietReconnects: 2, sleep: async () => {} });
    await expect(wait).rejects.toThrow(/keeps closing; giving up \(the job is still running\)/);
  });

  it('stops with an abort error when the signal aborts', async () => {
    const controller = new AbortController();
    const { fetch } = fakeFetch(() => streamResponse([frame(running)], { open: true }));
    const wait = new TabgridClient({ baseUrl: 'http://x', fetch }).waitForJob('j1', { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(wait).rejects.toThrow(/abort/i);
  });
});
