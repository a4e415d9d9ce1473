import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { PROTOCOL_VERSION } from '@tabgrid/protocol';
import { WebSocket } from 'ws';
import { loadConfig } from './config';
import { startServer, type RunningServer } from './server';
import { api, API_KEY, PROGRAMS, startVolunteer, upload, waitFor } from './test-support';

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
    for (const name of ['hello', 'primes', 'inspect', 'spin', 'noop', 'alloc', 'trap']) {
      expect((await upload(server, name)).status).toBe(201);
    }
    expect((await upload(server, 'clocks', PROGRAMS)).status).toBe(201);
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

  it('meters fuel identically on every replica and stops a function that runs out', async () => {
    const res = await api(server, 'POST', '/v1/invoke', { function: 'primes', args: ['10000'], replicas: 2 });
    const body = res.json as { status: string; fuelUsed: number; verified: boolean };
    expect(body).toMatchObject({ status: 'ok', verified: true });
    expect(body.fuelUsed).toBeGreaterThan(10_000);
    const again = await api(server, 'POST', '/v1/invoke', { function: 'primes', args: ['10000'] });
    expect((again.json as { fuelUsed: number }).fuelUsed).toBe(body.fuelUsed);
    const starved = await api(server, 'POST', '/v1/invoke', { function: 'primes', args: ['10000'], fuel: 1000 });
    expect(starved.json).toMatchObject({ status: 'out_of_fuel', exitCode: null, fuelUsed: 1000 });
  });

  it('runs deterministically: virtual clocks, seeded randomness, output files', async () => {
    const first = (await api(server, 'POST', '/v1/invoke', { function: 'clocks' })).json as {
      stdout: string;
      files: Record<string, string>;
      fuelUsed: number;
    };
    const second = (await api(server, 'POST', '/v1/invoke', { function: 'clocks', replicas: 2 })).json as typeof first & {
      verified: boolean;
    };
    expect(first.stdout).toMatch(/^realtime \d+\.\d{9} monotonic/);
    expect(second).toMatchObject({ stdout: first.stdout, fuelUsed: first.fuelUsed, verified: true });
    expect(Buffer.from(first.files['/output/result.txt'] ?? '', 'base64').toString()).toBe(first.stdout);
    expect(second.files).toEqual(first.files);
  });

  it('caps guest memory per invoke', async () => {
    const small = (await api(server, 'POST', '/v1/invoke', { function: 'alloc', memoryMb: 16 })).json as { stdout: string };
    const larger = (await api(server, 'POST', '/v1/invoke', { function: 'alloc', memoryMb: 48 })).json as { stdout: string };
    const mib = (text: string) => Number(/allocated (\d+) MiB/.exec(text)?.[1]);
    expect(mib(small.stdout)).toBeGreaterThan(8);
    expect(mib(small.stdout)).toBeLessThan(16);
    expect(mib(larger.stdout)).toBeGreaterThan(32);
    expect(mib(larger.stdout)).toBeLessThan(48);
    expect(await api(server, 'POST', '/v1/invoke', { function: 'alloc', memoryMb: 999_999 })).toMatchObject({
      status: 400,
      json: { error: { code: 'bad_request', message: expect.stringContaining('memoryMb') } },
    });
  });

  it('downloads each module to a node once', async () => {
    const stats = async () =>
      ((await api(server, 'GET', '/v1/stats')).json as { moduleDownloads: { byDigest: Record<string, number> } })
        .moduleDownloads.byDigest;
    const before = await stats();
    for (let i = 0; i < 6; i++) await api(server, 'POST', '/v1/invoke', { function: 'noop', region: 'us' });
    const after = await stats();
    // This node had never run noop: exactly one download, then six runs from its cache.
    const grew = Object.keys(after).filter((d) => after[d] !== before[d]);
    expect(grew).toHaveLength(1);
    expect(after[grew[0]!]).toBe(1);
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

  it('reports a trap as an error with the trap message in stderr', async () => {
    const res = await api(server, 'POST', '/v1/invoke', { function: 'trap' });
    expect(res.json).toMatchObject({ status: 'error', exitCode: null, stdout: 'about to trap\n' });
    expect((res.json as { stderr: string }).stderr).toMatch(/unreachable/);
  });

  it('refuses modules with foreign imports or too much memory, naming the problem', async () => {
    const wabt = await wabtInit();
    const wasm = (wat: string) => new Uint8Array(wabt.parseWat('t.wat', wat).toBinary({}).buffer);
    const foreign = wasm(`(module (import "env" "now" (func)) (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (memory (export "memory") 1) (func (export "_start")))`);
    const res = await api(server, 'POST', '/v1/functions?name=foreign', foreign, { 'Content-Type': 'application/wasm' });
    expect(res).toMatchObject({ status: 400, json: { error: { code: 'invalid_wasm', message: expect.stringContaining('env.now') } } });
    const huge = wasm(`(module (memory (export "memory") 20000) (func (export "_start")))`);
    const big = await api(server, 'POST', '/v1/functions?name=huge', huge, { 'Content-Type': 'application/wasm' });
    expect(big).toMatchObject({ status: 400, json: { error: { code: 'invalid_wasm', message: expect.stringMatching(/memory/) } } });
    expect((await api(server, 'GET', '/v1/functions')).json).not.toContainEqual(expect.objectContaining({ name: 'huge' }));
  });

  it('survives hostile signaling: candidates before the offer, garbage SDP, a second offer', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/signal`);
    await new Promise((r) => ws.once('open', r));
    const replies: string[] = [];
    ws.on('message', (data) => replies.push(String(data)));
    const closed = new Promise((r) => ws.once('close', r));
    ws.send(JSON.stringify({ type: 'join', protocolVersion: PROTOCOL_VERSION, nodeId: 'node_hostile_1' }));
    const candidate = { candidate: 'candidate:1 1 UDP 2122317823 10.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    ws.send(JSON.stringify({ type: 'signal', data: { type: 'candidate', candidate } }));
    ws.send(JSON.stringify({ type: 'signal', data: { type: 'offer', sdp: 'v=0 this is not sdp' } }));
    ws.send(JSON.stringify({ type: 'signal', data: { type: 'offer', sdp: 'v=0 again' } }));
    ws.close();
    await closed;
    expect(replies[0]).toContain('"joined"');
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
