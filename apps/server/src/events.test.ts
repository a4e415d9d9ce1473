import { PassThrough } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { JobInfo } from '@tabgrid/protocol';
import { EventHub } from './events';

/** Enough of a ServerResponse for the hub: headers, write, end, and the stream's state. */
function fakeResponse() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const response = Object.assign(stream, { writeHead: () => response }) as unknown as ServerResponse & PassThrough;
  return { response, text: () => text };
}

const job = (status: JobInfo['status']): JobInfo => ({
  id: 'j1',
  function: 'f@1',
  status,
  total: 1,
  done: status === 'done' ? 1 : 0,
  failed: 0,
  running: 0,
  queued: status === 'queued' ? 1 : 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  finishedAt: null,
});

describe('EventHub', () => {
  it('ends a per-job stream with the job and never writes to it again (keep-alives included)', async () => {
    let now = 0;
    const hub = new EventHub(() => now);
    const follower = fakeResponse();
    const everything = fakeResponse();
    hub.subscribe(follower.response, 'j1');
    hub.subscribe(everything.response);
    hub.jobChanged(job('queued'));
    hub.jobChanged(job('done')); // coalesced: only the latest is sent
    hub.flush();
    expect(follower.response.writableEnded).toBe(true);
    now += 16_000;
    expect(() => hub.flush()).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(follower.text().match(/event: job/g)).toHaveLength(1);
    expect(everything.text()).toContain('"status":"done"');
    expect(everything.text()).toContain(': keep-alive');
  });

  it("sends a job's end at once, while progress waits for the next flush", async () => {
    const hub = new EventHub(() => 0);
    const follower = fakeResponse();
    hub.subscribe(follower.response, 'j1');
    hub.jobChanged(job('running'));
    await new Promise((r) => setImmediate(r));
    expect(follower.text()).not.toContain('event: job');
    hub.jobChanged(job('done'));
    await new Promise((r) => setImmediate(r));
    expect(follower.text().match(/event: job/g)).toHaveLength(1);
    expect(follower.text()).toContain('"status":"done"');
    expect(follower.response.writableEnded).toBe(true);
  });
});
