import { describe, expect, it } from 'vitest';
import {
  base64ToUtf8,
  PROTOCOL_VERSION,
  utf8ToBase64,
  type Link,
  type NodeToServer,
  type TaskAssignment,
} from '@tabgrid/protocol';
import type { CancelSignal, ModuleRef, TaskOutcome, TaskSpec, WorkerPool } from '@tabgrid/runtime';
import { AgentSession, type AgentEvent } from './agent';
import { MemoryModuleStore, ModuleCache, sha256Digest } from './module-cache';

const MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);

class RecordingLink implements Link<NodeToServer> {
  sent: NodeToServer[] = [];
  closedWith: string | undefined;
  send(message: NodeToServer): void {
    this.sent.push(message);
  }
  close(reason: string): void {
    this.closedWith = reason;
  }
}

/** Upper-cases stdin, or waits for abort when the program is "spin". */
class FakePool implements WorkerPool {
  readonly size = 2;
  busy = 0;
  runs: { module: ModuleRef; task: TaskSpec }[] = [];
  run(module: ModuleRef, task: TaskSpec, signal?: CancelSignal): Promise<TaskOutcome> {
    this.runs.push({ module, task });
    const base = { exitCode: 0, stderr: new Uint8Array(), truncated: false, durationMs: 1, fuelUsed: 0, files: {} };
    if (task.programName === 'spin') {
      return new Promise((resolve) =>
        signal?.addEventListener('abort', () => resolve({ ...base, status: 'error', exitCode: null, stdout: new Uint8Array() })),
      );
    }
    const text = new TextDecoder().decode(task.stdin).toUpperCase();
    return Promise.resolve({ ...base, status: 'ok', stdout: new TextEncoder().encode(text) });
  }
  async stop(): Promise<void> {}
}

async function setup(fetchModule = async () => MODULE) {
  const link = new RecordingLink();
  const pool = new FakePool();
  const events: AgentEvent[] = [];
  let downloads = 0;
  const modules = new ModuleCache(new MemoryModuleStore(), async (digest, token) => {
    downloads++;
    expect(token).toBe('tok');
    return fetchModule();
  });
  const session = new AgentSession(link, {
    nodeId: 'node_test_1',
    capabilities: { cores: 2, memoryMb: 0, userAgent: 'test', region: 'eu', features: [] },
    pool,
    modules,
    timers: {
      setInterval: () => 0,
      clearInterval: () => {},
      setTimeout: (cb: () => void, ms: number) => setTimeout(cb, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
      now: () => 0,
    },
    onEvent: (e) => events.push(e),
  });
  session.start();
  session.handle({ type: 'welcome', nodeId: 'node_test_1', nodeToken: 'tok', heartbeatMs: 1000, transport: 'webrtc' });
  const digest = await sha256Digest(MODULE);
  const task = (taskId: string, functionName = 'hello', stdin = 'hi'): TaskAssignment => ({
    taskId,
    functionName,
    moduleDigest: digest,
    args: [],
    env: {},
    stdin: utf8ToBase64(stdin),
    files: { 'a.txt': utf8ToBase64('x') },
    timeoutMs: 1000,
    fuel: null,
    memoryLimitPages: 1024,
    seed: 'seed',
  });
  return { link, pool, events, session, task, downloads: () => downloads };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !predicate(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(predicate()).toBe(true);
}

describe('AgentSession', () => {
  it('introduces itself, runs an assignment and reports the result', async () => {
    const s = await setup();
    expect(s.link.sent[0]).toMatchObject({ type: 'hello', nodeId: 'node_test_1', protocolVersion: PROTOCOL_VERSION });
    s.session.handle({ type: 'assign', tasks: [s.task('t1', 'hello', 'abc')] });
    await until(() => s.link.sent.some((m) => m.type === 'results'));
    const message = s.link.sent.find((m) => m.type === 'results');
    const result = message?.type === 'results' ? message.results[0] : undefined;
    expect(result).toMatchObject({ taskId: 't1', outcome: { status: 'ok', exitCode: 0 } });
    expect(base64ToUtf8(result?.outcome.stdout ?? '')).toBe('ABC');
    expect(s.pool.runs[0]?.task.files['a.txt']).toEqual(new TextEncoder().encode('x'));
  });

  it('under load sends results in batches, each once as many are done as still run', async () => {
    const s = await setup();
    s.session.handle({ type: 'assign', tasks: Array.from({ length: 8 }, (_, i) => s.task(`t${i}`)) });
    const batches = () => s.link.sent.flatMap((m) => (m.type === 'results' ? [m.results.map((r) => r.taskId)] : []));
    await until(() => batches().flat().length === 8);
    expect(batches()).toEqual([['t0', 't1', 't2', 't3'], ['t4', 't5'], ['t6'], ['t7']]);
  });

  it('downloads a module once and reuses it', async () => {
    const s = await setup();
    const resultCount = () => s.link.sent.flatMap((m) => (m.type === 'results' ? m.results : [])).length;
    s.session.handle({ type: 'assign', tasks: [s.task('t1'), s.task('t2')] });
    await until(() => resultCount() === 2);
    s.session.handle({ type: 'assign', tasks: [s.task('t3')] });
    await until(() => resultCount() === 3);
    expect(s.downloads()).toBe(1);
  });

  it('rejects a task whose module does not match its digest', async () => {
    const s = await setup(async () => new Uint8Array([1, 2, 3]));
    s.session.handle({ type: 'assign', tasks: [s.task('t1')] });
    await until(() => s.link.sent.some((m) => m.type === 'task_rejected'));
    expect(s.link.sent.find((m) => m.type === 'task_rejected')).toMatchObject({ reason: expect.stringContaining('mismatch') });
    expect(s.pool.runs).toHaveLength(0);
  });

  it('reports a host failure (its workers cannot start) as a rejection, not a result', async () => {
    const s = await setup();
    s.pool.run = async () => ({
      status: 'error',
      exitCode: null,
      stdout: new Uint8Array(),
      stderr: new Uint8Array(),
      truncated: false,
      durationMs: 0,
      fuelUsed: 0,
      hostFailure: 'runtime workers failed to start: offline',
    });
    s.session.handle({ type: 'assign', tasks: [s.task('t1')] });
    await until(() => s.link.sent.some((m) => m.type === 'task_rejected'));
    expect(s.link.sent.find((m) => m.type === 'task_rejected')).toMatchObject({ taskId: 't1', reason: expect.stringMatching(/offline/) });
    expect(s.link.sent.some((m) => m.type === 'results')).toBe(false);
  });

  it('cancels a running task without reporting it, and tells its owner (the page shows it no longer running)', async () => {
    const s = await setup();
    s.session.handle({ type: 'assign', tasks: [s.task('t1', 'spin')] });
    await until(() => s.pool.runs.length === 1);
    expect(s.session.runningCount).toBe(1);
    s.session.handle({ type: 'cancel', taskId: 't1' });
    s.session.handle({ type: 'cancel', taskId: 'not-here' });
    await new Promise((r) => setTimeout(r, 5));
    expect(s.session.runningCount).toBe(0);
    expect(s.link.sent.some((m) => m.type === 'results')).toBe(false);
    expect(s.events.filter((e) => e.type === 'task_cancelled')).toEqual([{ type: 'task_cancelled', taskId: 't1' }]);
  });

  it('closes the link and reports a refusal', async () => {
    const s = await setup();
    s.session.handle({ type: 'refused', code: 'protocol_mismatch', message: 'reload the page' });
    expect(s.events).toContainEqual({ type: 'refused', code: 'protocol_mismatch', message: 'reload the page' });
    expect(s.link.closedWith).toMatch(/reload/);
  });
});
