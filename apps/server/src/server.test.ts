import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, httpModuleFetcher, MemoryModuleStore, ModuleCache, Volunteer, type VolunteerSnapshot } from '@tabgrid/node';
import { createNodePool } from '@tabgrid/runtime/node';
import { loadConfig } from './config';
import { startServer, type RunningServer } from './server';

const FUNCTIONS = path.resolve(import.meta.dirname, '../../../public/functions');
const API_KEY = 'test-key-123';

function startVolunteer(url: string, region: string, nodeId: string) {
  let last: VolunteerSnapshot | undefined;
  const volunteer = new Volunteer({
    nodeId,
    capabilities: { cores: 2, memoryMb: 1024, userAgent: 'vitest', region, features: [] },
    createPool: () => createNodePool({ size: 2 }),
    modules: new ModuleCache(new MemoryModuleStore(), httpModuleFetcher(url)),
    connect: () =>
      connect({ serverUrl: url, nodeId, forceRelay: true, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket }),
    timers: {
      setInterval: (cb, ms) => setInterval(cb, ms),
      clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
      setTimeout: (cb, ms) => setTimeout(cb, ms),
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
      now: () => Date.now(),
    },
    onChange: (s) => (last = s),
  });
  volunteer.start();
  return { volunteer, snapshot: () => last };
}

async function api(server: RunningServer, method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${API_KEY}`, ...headers } };
  if (body instanceof Uint8Array) init.body = body as Uint8Array<ArrayBuffer>;
  else if (typeof body === 'string') init.body = body;
  else if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined && !(body instanceof Uint8Array) && !headers['Content-Type']) {
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${server.url}${route}`, init);
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

async function upload(server: RunningServer, name: string) {
  const bytes = fs.readFileSync(path.join(FUNCTIONS, `${name}.wasm`));
  return api(server, 'POST', `/v1/functions?name=${name}&version=1`, new Uint8Array(bytes), {
    'Content-Type': 'application/wasm',
  });
}

async function waitFor<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('orchestrator with relayed Node volunteers', () => {
  let server: RunningServer;
  let dataDir: string;
  const volunteers: ReturnType<typeof startVolunteer>[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-test-'));
    server = await startServer({
      ...loadConfig({ TABGRID_DATA: dataDir, TABGRID_API_KEY: API_KEY, PORT: '0', HOST: '127.0.0.1', TABGRID_QUEUE_TIMEOUT_MS: '3000' }),
      webDir: path.join(dataDir, 'no-web'),
    });
    for (const name of ['hello', 'primes', 'inspect', 'spin', 'noop']) expect((await upload(server, name)).status).toBe(201);
  });

  afterAll(async () => {
    for (const v of volunteers) v.volunteer.stop();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails an invoke with no_capacity when no node is online', async () => {
    const res = await api(server, 'POST', '/v1/invoke', { function: 'hello', stdin: 'x' });
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ error: { code: 'no_capacity' } });
  });

  it('registers volunteers and lists them', async () => {
    volunteers.push(startVolunteer(server.url, 'eu', 'node_alpha_1'), startVolunteer(server.url, 'us', 'node_bravo_2'));
    const nodes = await waitFor(
      async () => (await api(server, 'GET', '/v1/nodes')).json as { id: string; transport: string; cores: number }[],
      (list) => list.length === 2,
    );
    expect(nodes.map((n) => n.id).sort()).toEqual(['node_alpha_1', 'node_bravo_2']);
    expect(nodes.every((n) => n.transport === 'relay' && n.cores === 2)).toBe(true);
    expect(volunteers[0]!.snapshot()?.phase).toBe('connected');
  });

  it('invokes a function with stdin, args, env and files', async () => {
    const hello = await api(server, 'POST', '/v1/invoke', { function: 'hello', stdin: 'hello, tabgrid\n' });
    expect(hello.status).toBe(200);
    expect(hello.json).toMatchObject({ status: 'ok', exitCode: 0, stdout: 'HELLO, TABGRID\n', stderr: '', verified: false });

    const inspect = await api(server, 'POST', '/v1/invoke', {
      function: 'inspect@1',
      args: ['--read', '/input/a.txt', '--exit', '3'],
      env: { GREETING: 'hi' },
      files: { 'a.txt': Buffer.from('file body').toString('base64') },
    });
    expect(inspect.json).toMatchObject({
      status: 'error',
      exitCode: 3,
      stdout: 'arg[0]=inspect\narg[1]=--read\narg[2]=/input/a.txt\narg[3]=--exit\narg[4]=3\nenv GREETING=hi\nfile /input/a.txt: file body\n',
      stderr: 'inspect done\n',
    });
  });

  it('honours a region constraint', async () => {
    const res = await api(server, 'POST', '/v1/invoke', { function: 'noop', region: 'us' });
    expect(res.json).toMatchObject({ status: 'ok', nodes: ['node_bravo_2'] });
    const none = await api(server, 'POST', '/v1/invoke', { function: 'noop', region: 'mars' });
    expect(none.json).toMatchObject({ error: { code: 'no_capacity', message: expect.stringContaining('mars') } });
  });

  it('verifies a result by two replicas on distinct nodes', async () => {
    const res = await api(server, 'POST', '/v1/invoke', { function: 'primes', args: ['100'], replicas: 2 });
    const body = res.json as { stdout: string; verified: boolean; nodes: string[] };
    expect(body.stdout).toBe('primes<=100: 25, largest: 97\n');
    expect(body.verified).toBe(true);
    expect(new Set(body.nodes).size).toBe(2);
  });

  it('times a runaway function out and keeps serving', async () => {
    const res = await api(server, 'POST', '/v1/invoke', { function: 'spin', timeoutMs: 500 });
    expect(res.json).toMatchObject({ status: 'timeout', exitCode: null });
    const after = await api(server, 'POST', '/v1/invoke', { function: 'hello', stdin: 'still here' });
    expect(after.json).toMatchObject({ status: 'ok', stdout: 'STILL HERE' });
  });

  it('fans out concurrent invokes over both nodes', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => api(server, 'POST', '/v1/invoke', { function: 'hello', stdin: `task ${i}` })),
    );
    const bodies = results.map((r) => r.json as { stdout: string; nodes: string[] });
    expect(bodies.map((b) => b.stdout)).toEqual(Array.from({ length: 16 }, (_, i) => `TASK ${i}`));
    expect(new Set(bodies.flatMap((b) => b.nodes)).size).toBe(2);
  });

  it('re-queues the tasks of a node that leaves mid-task', async () => {
    const spinning = api(server, 'POST', '/v1/invoke', { function: 'spin', timeoutMs: 3000, region: 'eu' });
    await waitFor(
      async () => (await api(server, 'GET', '/v1/nodes')).json as { id: string; running: number }[],
      (list) => list.some((n) => n.id === 'node_alpha_1' && n.running === 1),
    );
    volunteers[0]!.volunteer.stop();
    volunteers.push(startVolunteer(server.url, 'eu', 'node_charlie_3'));
    const res = await spinning;
    expect(res.json).toMatchObject({ status: 'timeout', nodes: ['node_charlie_3'] });
  });

  it('refuses a tab that speaks another protocol version, with a reason', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/signal`);
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise<string>((r) => ws.once('message', (data) => r(String(data))));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(JSON.stringify({ type: 'join', protocolVersion: 999, nodeId: 'node_future_1' }));
    expect(JSON.parse(await reply)).toMatchObject({ type: 'refused', code: 'protocol_mismatch', message: expect.stringMatching(/reload/) });
    expect(await closed).toBe(4026);
  });

  it('closes a signaling socket that sends garbage, and keeps running', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/signal`);
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise<string>((r) => ws.once('message', (data) => r(String(data))));
    ws.send('{"type":"join","protocolVersion":');
    expect(JSON.parse(await reply)).toMatchObject({ type: 'refused', code: 'bad_request' });
    expect((await api(server, 'GET', '/healthz')).json).toEqual({ ok: true });
  });

  it('rejects bad input with clear errors and stays healthy', async () => {
    const garbage = await api(server, 'POST', '/v1/functions?name=junk', new Uint8Array([1, 2, 3]), {
      'Content-Type': 'application/wasm',
    });
    expect(garbage).toMatchObject({ status: 400, json: { error: { code: 'invalid_wasm' } } });
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'application/json']) {
      const res = await api(server, 'POST', '/v1/functions?name=junk', '{"not":"wasm"}', { 'Content-Type': contentType });
      expect(res, contentType).toMatchObject({ status: 400, json: { error: { code: 'invalid_wasm' } } });
    }
    expect(await api(server, 'POST', '/v1/invoke', 'function=hello', { 'Content-Type': 'text/plain' })).toMatchObject({
      status: 400,
      json: { error: { code: 'bad_request' } },
    });
    const noKey = await fetch(`${server.url}/v1/functions`);
    expect(noKey.status).toBe(401);
    expect(await api(server, 'POST', '/v1/invoke', '{"function":', { 'Content-Type': 'application/json' })).toMatchObject({
      status: 400,
      json: { error: { code: 'invalid_json' } },
    });
    expect(await api(server, 'POST', '/v1/invoke', { function: 'ghost' })).toMatchObject({
      status: 404,
      json: { error: { code: 'not_found' } },
    });
    expect(await api(server, 'POST', '/v1/invoke', { function: 'hello', files: { '../etc/passwd': '' } })).toMatchObject({
      status: 400,
      json: { error: { code: 'bad_request' } },
    });
    expect((await api(server, 'GET', '/healthz')).json).toEqual({ ok: true });
  });
});
