import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from './data-dir-lock';
import { startNodeAgent, type NodeAgent } from './node-agent';
import { NODE_ID_FILE } from './node-identity';
import { startTestOrchestrator, stopChild, type TestOrchestrator } from './test-orchestrator';

const HELLO = path.resolve(import.meta.dirname, '../../../public/functions/hello.wasm');
const LAUNCHER = path.resolve(import.meta.dirname, 'tabgrid-node.mjs');

interface NodeRow {
  id: string;
  transport: string;
  region: string;
  cores: number;
  userAgent: string;
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

describe('tabgrid-node against a real orchestrator', () => {
  let tmp: string;
  let orchestrator: TestOrchestrator;
  const agents: NodeAgent[] = [];
  const nodes = async () => (await orchestrator.api('GET', '/v1/nodes')).json as NodeRow[];
  const downloads = async () =>
    ((await orchestrator.api('GET', '/v1/stats')).json as { moduleDownloads: { byDigest: Record<string, number> } }).moduleDownloads
      .byDigest;
  const start = (dataDir: string) => {
    const agent = startNodeAgent({ serverUrl: orchestrator.url, dataDir, slots: 1, region: 'eu' });
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-node-agent-'));
    orchestrator = await startTestOrchestrator(path.join(tmp, 'orchestrator'));
    const upload = await orchestrator.api('POST', '/v1/functions?name=hello&version=1', new Uint8Array(fs.readFileSync(HELLO)));
    expect(upload.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await orchestrator?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('registers over WebRTC, runs hello, and keeps its node id in the data dir', async () => {
    const dataDir = path.join(tmp, 'agent-a');
    const agent = start(dataDir);
    expect(fs.readFileSync(path.join(dataDir, NODE_ID_FILE), 'utf8').trim()).toBe(agent.nodeId);
    const [row] = await waitFor(nodes, (list) => list.some((n) => n.id === agent.nodeId));
    expect(row).toMatchObject({ id: agent.nodeId, transport: 'webrtc', region: 'eu', cores: 1 });
    expect(row?.userAgent).toMatch(/^tabgrid-node\/\d+\.\d+\.\d+ node\/20\.\d+\.\d+ linux$/);
    expect(agent.snapshot()).toMatchObject({ phase: 'connected', transport: 'webrtc' });

    const res = await orchestrator.api('POST', '/v1/invoke', { function: 'hello', stdin: 'hello from node' });
    expect(res.json).toMatchObject({ status: 'ok', stdout: 'HELLO FROM NODE', nodes: [agent.nodeId] });
    expect(Object.values(await downloads())).toEqual([1]);
  });

  it('comes back after a restart as the same node and downloads nothing again', async () => {
    const dataDir = path.join(tmp, 'agent-a');
    const first = agents.pop()!;
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    await waitFor(nodes, (list) => list.length === 0);
    const before = await downloads();

    const again = start(dataDir);
    expect(again.nodeId).toBe(first.nodeId);
    await waitFor(nodes, (list) => list.some((n) => n.id === first.nodeId && n.transport === 'webrtc'));
    const res = await orchestrator.api('POST', '/v1/invoke', { function: 'hello', stdin: 'back again' });
    expect(res.json).toMatchObject({ status: 'ok', stdout: 'BACK AGAIN', nodes: [first.nodeId] });
    expect(await downloads()).toEqual(before);
  });

  it('refuses a second agent on the same data dir', () => {
    expect(() => start(path.join(tmp, 'agent-a'))).toThrow(/already using/);
  });

  it('tabgrid-node --relay: registers over the relay, runs hello, stops cleanly on SIGTERM', async () => {
    const dataDir = path.join(tmp, 'agent-cli');
    const child = spawn(
      process.execPath,
      [LAUNCHER, '--url', orchestrator.url, '--relay', '--data', dataDir, '--slots', '1', '--region', 'relayland', '--verbose'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const list = await waitFor(nodes, (rows) => rows.some((n) => n.region === 'relayland'), 30_000);
      const row = list.find((n) => n.region === 'relayland');
      expect(row).toMatchObject({ transport: 'relay', cores: 1 });
      expect(fs.readFileSync(path.join(dataDir, NODE_ID_FILE), 'utf8').trim()).toBe(row?.id);
      const res = await orchestrator.api('POST', '/v1/invoke', { function: 'hello', stdin: 'relayed', region: 'relayland' });
      expect(res.json).toMatchObject({ status: 'ok', stdout: 'RELAYED', nodes: [row?.id] });
      await waitFor(() => stderr, (text) => text.includes('hello: ok'));
    } finally {
      expect(await stopChild(child)).toBe(0);
    }
    expect(stderr).toMatch(/connected over the WebSocket relay \(region relayland, 1 slot\)/);
    expect(stderr).toMatch(/SIGTERM: stopping[\s\S]*stopped \(1 tasks completed, 0 rejected\)/);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    expect(fs.readdirSync(path.join(dataDir, 'modules'))).toHaveLength(1);
    await waitFor(nodes, (rows) => !rows.some((n) => n.region === 'relayland'));
  }, 45_000);
});
