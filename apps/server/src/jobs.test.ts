import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvokeResult, JobInfo, JobResult, ServerToNode } from '@tabgrid/protocol';
import { Scheduler } from '@tabgrid/scheduler';
import { loadConfig } from './config';
import { Dispatcher } from './dispatch/dispatcher';
import { JobService } from './dispatch/jobs';
import { openDatabase } from './store/database';
import { createSqliteFunctionStore } from './store/function-store';
import { createSqliteJobStore, type JobStore } from './store/job-store';
import { startServer, type RunningServer } from './server';
import { api, API_KEY, startVolunteer, upload, waitFor } from './test-support';

function config(dataDir: string, extra: Record<string, string> = {}) {
  return {
    ...loadConfig({ TABGRID_DATA: dataDir, TABGRID_API_KEY: API_KEY, PORT: '0', HOST: '127.0.0.1', ...extra }),
    webDir: path.join(dataDir, 'no-web'),
  };
}

async function jobInfo(server: RunningServer, id: string): Promise<JobInfo> {
  return (await api(server, 'GET', `/v1/jobs/${id}`)).json as JobInfo;
}

async function finished(server: RunningServer, id: string, ms = 30_000): Promise<JobInfo> {
  return waitFor(
    () => jobInfo(server, id),
    (job) => job.status !== 'queued' && job.status !== 'running',
    ms,
  );
}

const helloTasks = (n: number) => Array.from({ length: n }, (_, i) => ({ stdin: `task ${i}` }));

describe('batch jobs', () => {
  let server: RunningServer;
  let dataDir: string;
  const volunteers: ReturnType<typeof startVolunteer>[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-jobs-'));
    server = await startServer(config(dataDir, { TABGRID_MAX_QUEUED_TASKS: '500' }));
    for (const name of ['hello', 'spin', 'inspect']) expect((await upload(server, name)).status).toBe(201);
  });

  afterAll(async () => {
    for (const v of volunteers) v.volunteer.stop();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('queues a job while no node is online and says so', async () => {
    const created = await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: helloTasks(3) });
    expect(created.status).toBe(202);
    const { id } = created.json as { id: string };
    expect(await jobInfo(server, id)).toMatchObject({ id, status: 'queued', total: 3, done: 0, failed: 0, running: 0, queued: 3 });
    volunteers.push(startVolunteer(server.url, 'eu', 'node_jobs_one'), startVolunteer(server.url, 'eu', 'node_jobs_two'));
    expect(await finished(server, id)).toMatchObject({ status: 'done', done: 3, failed: 0, queued: 0, running: 0 });
  });

  it('runs 200 tasks and returns every result once, in task order, as JSON and NDJSON', async () => {
    const { id } = (await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: helloTasks(200) })).json as { id: string };
    expect(await finished(server, id)).toMatchObject({ status: 'done', total: 200, done: 200 });
    const results = (await api(server, 'GET', `/v1/jobs/${id}/results`)).json as JobResult[];
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 200 }, (_, i) => `TASK ${i}`));
    expect(new Set(results.flatMap((r) => r.nodes)).size).toBe(2);

    const response = await fetch(`${server.url}/v1/jobs/${id}/results`, {
      headers: { Authorization: `Bearer ${API_KEY}`, Accept: 'application/x-ndjson' },
    });
    expect(response.headers.get('content-type')).toMatch(/ndjson/);
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as JobResult);
    expect(lines).toEqual(results);
  });

  it('counts function errors as failed tasks, not retries', async () => {
    const { id } = (
      await api(server, 'POST', '/v1/jobs', { function: 'inspect', tasks: [{ args: ['--exit', '0'] }, { args: ['--exit', '4'] }] })
    ).json as { id: string };
    expect(await finished(server, id)).toMatchObject({ status: 'failed', done: 1, failed: 1 });
    const results = (await api(server, 'GET', `/v1/jobs/${id}/results`)).json as JobResult[];
    expect(results.map((r) => [r.index, r.status, r.exitCode])).toEqual([
      [0, 'ok', 0],
      [1, 'error', 4],
    ]);
  });

  it('cancels a job: running tasks stop, queued ones never start', async () => {
    const { id } = (
      await api(server, 'POST', '/v1/jobs', { function: 'spin', timeoutMs: 60_000, tasks: helloTasks(10) })
    ).json as { id: string };
    await waitFor(() => jobInfo(server, id), (job) => job.running >= 4);
    const cancelled = await api(server, 'DELETE', `/v1/jobs/${id}`);
    expect(cancelled.json).toMatchObject({ status: 'cancelled', done: 0, queued: 0 });
    const nodes = await waitFor(
      async () => (await api(server, 'GET', '/v1/nodes')).json as { running: number }[],
      (list) => list.every((n) => n.running === 0),
    );
    expect(nodes).toHaveLength(2);
    expect((await api(server, 'GET', `/v1/jobs/${id}/results`)).json).toEqual([]);
  });

  it('streams progress as server-sent events', async () => {
    const { id } = (await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: helloTasks(20) })).json as { id: string };
    const response = await fetch(`${server.url}/v1/jobs/${id}/events`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await response.text(); // the stream ends when the job does
    const events = text
      .split('\n\n')
      .filter((frame) => frame.startsWith('event: job'))
      .map((frame) => (JSON.parse(frame.split('data: ')[1]!) as { job: JobInfo }).job);
    expect(events.at(-1)).toMatchObject({ id, status: 'done', done: 20 });
    expect(events.every((e) => e.id === id)).toBe(true);
  });

  it('lists recent batch jobs, newest first, without interactive invokes', async () => {
    const listed = async () => (await api(server, 'GET', '/v1/jobs?limit=1000')).json as JobInfo[];
    const before = (await listed()).length;
    await api(server, 'POST', '/v1/invoke', { function: 'hello', stdin: 'not a batch' });
    expect(await listed()).toHaveLength(before);
    const { id } = (await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: helloTasks(1) })).json as { id: string };
    const list = await listed();
    expect(list).toHaveLength(before + 1);
    expect(list[0]?.id).toBe(id);
    const created = list.map((job) => job.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect((await api(server, 'GET', '/v1/jobs?limit=2')).json).toHaveLength(2);
  });

  it('refuses jobs over the limits with 413 and 429, and bad ones with 400/404', async () => {
    expect(await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: helloTasks(100_001) })).toMatchObject({
      status: 413,
      json: { error: { code: 'payload_too_large' } },
    });
    expect(await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: helloTasks(501) })).toMatchObject({
      status: 429,
      json: { error: { code: 'too_many_requests' } },
    });
    expect(await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: [] })).toMatchObject({ status: 400 });
    expect(await api(server, 'POST', '/v1/jobs', { function: 'ghost', tasks: helloTasks(1) })).toMatchObject({ status: 404 });
    expect(await api(server, 'GET', '/v1/jobs/nope')).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
  });
});

describe('restart', () => {
  it('a job accepted before the orchestrator stopped completes after it restarts, each result once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-restart-'));
    let server = await startServer(config(dataDir));
    expect((await upload(server, 'hello')).status).toBe(201);
    const { id } = (await api(server, 'POST', '/v1/jobs', { function: 'hello', tasks: helloTasks(30) })).json as { id: string };
    await server.stop(); // nothing ran: no node was online

    server = await startServer(config(dataDir));
    expect(server.recovered).toEqual({ jobs: 1, tasks: 30 });
    const volunteer = startVolunteer(server.url, 'eu', 'node_restart_1');
    try {
      expect(await finished(server, id)).toMatchObject({ status: 'done', done: 30 });
      const results = (await api(server, 'GET', `/v1/jobs/${id}/results`)).json as JobResult[];
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `TASK ${i}`));
    } finally {
      volunteer.volunteer.stop();
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('interactive invoke persistence', () => {
  it('writes nothing before the reply; the next flush writes the job and its result in one transaction', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-invoke-store-'));
    const db = openDatabase(dataDir);
    try {
      const store = createSqliteJobStore(db);
      const writes: string[] = [];
      const counted: JobStore = { ...store, createJob: (...a) => (writes.push('createJob'), store.createJob(...a)), write: (...a) => (writes.push(`write ${a[0].length} ${a[1].length}`), store.write(...a)) };
      const functions = createSqliteFunctionStore(db);
      functions.put({ name: 'noop', version: '1', digest: `sha256:${'a'.repeat(64)}`, size: 1, createdAt: '2026-01-01T00:00:00.000Z', runDigest: `sha256:${'a'.repeat(64)}`, memoryInitialPages: 1, defaults: {} });
      const result: InvokeResult = { status: 'ok', exitCode: 0, stdout: '', stderr: '', fuelUsed: 1, durationMs: 0.1, nodes: ['n_1'], verified: false, truncated: false, files: {} };
      const dispatcher = { run: async () => result } as unknown as Dispatcher;
      const jobs = new JobService({ store: counted, functions, dispatcher, limits: { maxTimeoutMs: 60_000, maxMemoryMb: 256, maxFuel: 1e12, maxQueuedTasks: 10 }, now: () => 0, newId: () => 'invoke1', onProgress: () => {} });
      expect(await jobs.invoke({ function: 'noop' })).toEqual(result);
      expect(writes).toEqual([]);
      jobs.flush();
      expect(writes).toEqual(['write 1 1']);
      expect(store.getJob('invoke1')).toMatchObject({ status: 'done', interactive: true, succeeded: 1 });
      expect(store.unfinishedJobs()).toEqual([]);
    } finally {
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('job creation', () => {
  /**
   * A job service over a real dispatcher and scheduler with one 2-worker node (4 slots), whose
   * sends, store writes and progress events land in one log; `createJob`, if given, replaces the store's.
   */
  function setup(createJob?: JobStore['createJob']) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-job-create-'));
    const db = openDatabase(dataDir);
    const store = createSqliteJobStore(db);
    const functions = createSqliteFunctionStore(db);
    functions.put({ name: 'noop', version: '1', digest: `sha256:${'a'.repeat(64)}`, size: 1, createdAt: '2026-01-01T00:00:00.000Z', runDigest: `sha256:${'a'.repeat(64)}`, memoryInitialPages: 1, defaults: {} });
    const log: string[] = [];
    const dispatcher = new Dispatcher({
      scheduler: new Scheduler({ now: () => 0 }),
      send: (_nodeId, message: ServerToNode) => (log.push(message.type === 'assign' ? `assign ${message.tasks.length}` : message.type), true),
      now: () => 0,
      queueTimeoutMs: 1_000,
      leaseGraceMs: 1_000,
      newId: () => 'unused',
    });
    dispatcher.nodeJoined({ id: 'n1', workers: 2, region: 'eu' });
    const jobs = new JobService({
      store: { ...store, createJob: createJob ?? ((...a) => (log.push('stored'), store.createJob(...a))) },
      functions,
      dispatcher,
      limits: { maxTimeoutMs: 60_000, maxMemoryMb: 256, maxFuel: 1e12, maxQueuedTasks: 1_000 },
      now: () => 0,
      newId: () => 'job1',
      onProgress: (job) => log.push(`progress ${job.status} ${job.running}/${job.total}`),
    });
    const close = () => {
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
    return { jobs, store, dispatcher, log, close };
  }
  const tasks = (n: number) => Array.from({ length: n }, () => ({}));

  /** The job never existed: the tasks sent were withdrawn, and nothing of it remains. */
  function expectNoJob(s: ReturnType<typeof setup>) {
    expect(s.log).toEqual(['assign 4', 'cancel', 'cancel', 'cancel', 'cancel']);
    expect(s.dispatcher.pendingTasks).toBe(0);
    expect(s.jobs.info('job1')).toBeUndefined();
    expect(s.store.getJob('job1')).toBeUndefined();
  }

  it('sends the first tasks to a node before it writes the job, then announces it, stored', () => {
    const s = setup();
    try {
      const info = s.jobs.createJob({ function: 'noop', tasks: tasks(300) });
      expect(s.log).toEqual(['assign 4', 'stored', 'progress running 4/300']);
      expect(info).toMatchObject({ id: 'job1', status: 'running', total: 300, running: 4, queued: 296 });
      // Stored as unfinished, with every task: a restart now would resume all of them.
      expect(s.store.unfinishedJobs().map((job) => [job.id, job.total])).toEqual([['job1', 300]]);
      expect(s.store.unfinishedTasks()).toHaveLength(300);
    } finally {
      s.close();
    }
  });

  it('withdraws the tasks it sent when a later task is invalid, and stores and announces nothing', () => {
    const s = setup();
    try {
      const request = { function: 'noop', tasks: [...tasks(299), { files: { '../escape': '' } }] };
      expect(() => s.jobs.createJob(request)).toThrow(/escapes/);
      expectNoJob(s);
    } finally {
      s.close();
    }
  });

  it('withdraws the tasks it sent when the job cannot be stored, and knows no such job', () => {
    const s = setup(() => {
      throw new Error('disk I/O error');
    });
    try {
      expect(() => s.jobs.createJob({ function: 'noop', tasks: tasks(10) })).toThrow('disk I/O error');
      expectNoJob(s);
    } finally {
      s.close();
    }
  });
});
