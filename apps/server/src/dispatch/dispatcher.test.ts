import { describe, expect, it } from 'vitest';
import { bytesToBase64, type ServerToNode, type TaskOutcomeWire } from '@tabgrid/protocol';
import { Scheduler } from '@tabgrid/scheduler';
import { Dispatcher, type Settlement } from './dispatcher';
import type { Assignment } from './task-builder';

const assignment: Assignment = {
  functionName: 'f',
  moduleDigest: `sha256:${'a'.repeat(64)}`,
  args: [],
  env: {},
  stdin: '',
  files: {},
  timeoutMs: 60_000,
  fuel: null,
  memoryLimitPages: 16,
  seed: 's',
};

function outcome(stdout: string, durationMs = 1): TaskOutcomeWire {
  const text = bytesToBase64(new TextEncoder().encode(stdout));
  return { status: 'ok', exitCode: 0, stdout: text, stderr: '', truncated: false, durationMs, fuelUsed: 0, files: {} };
}

function setup(pipeline?: { minDepth: number; maxDepth: number; queueMs: number }) {
  let now = 0;
  const scheduler = new Scheduler({ now: () => now, stragglers: { tailFraction: 0.2, factor: 3, minRunningMs: 500, minSamples: 5 } });
  const sent: { nodeId: string; message: ServerToNode }[] = [];
  let ids = 0;
  const dispatcher = new Dispatcher({
    scheduler,
    send: (nodeId, message) => (sent.push({ nodeId, message }), true),
    now: () => now,
    queueTimeoutMs: 1_000,
    leaseGraceMs: 1_000,
    newId: () => `t${++ids}`,
    ...(pipeline === undefined ? {} : { pipeline }),
  });
  const assigned = () =>
    sent.flatMap(({ nodeId, message }) => (message.type === 'assign' ? message.tasks.map((t) => ({ nodeId, id: t.taskId })) : []));
  return { dispatcher, sent, assigned, advance: (ms: number) => (now += ms) };
}

describe('Dispatcher', () => {
  it('gives a straggling job task a speculative copy; the first result wins and the other copy is withdrawn', () => {
    const { dispatcher, sent, assigned, advance } = setup();
    for (let i = 0; i < 12; i++) dispatcher.nodeJoined({ id: `n${i}`, workers: 1, region: 'eu' });
    const settled = new Map<string, Settlement[]>();
    const tasks = Array.from({ length: 10 }, (_, i) => ({ id: `job_${i}`, request: { assignment, replicas: 1, region: undefined } }));
    dispatcher.submitMany(tasks, (id) => ({ settled: (r) => settled.set(id, [...(settled.get(id) ?? []), r]) }), undefined, 'job');
    const first = assigned();
    expect(first).toHaveLength(10);
    advance(100);
    for (const a of first.slice(0, 9)) dispatcher.results(a.nodeId, [{ taskId: a.id, outcome: outcome(a.id) }]);
    const slow = first[9]!;

    advance(1_000);
    dispatcher.tick();
    const copy = assigned().find((a) => a.id.includes('~spec'));
    expect(copy).toBeDefined();
    expect(copy!.nodeId).not.toBe(slow.nodeId);

    dispatcher.results(copy!.nodeId, [{ taskId: copy!.id, outcome: outcome('from the copy') }]);
    expect(sent.at(-1)).toEqual({ nodeId: slow.nodeId, message: { type: 'cancel', taskId: slow.id } });
    dispatcher.results(slow.nodeId, [{ taskId: slow.id, outcome: outcome('too late') }]);
    const results = settled.get('job_9') ?? [];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ stdout: 'from the copy', nodes: [copy!.nodeId] });
    expect(dispatcher.pendingTasks).toBe(0);
  });

  it('leases short tasks deeply once their run time is known, refilling a node once per results message', () => {
    const { dispatcher, sent, assigned } = setup({ minDepth: 2, maxDepth: 16, queueMs: 8 });
    dispatcher.nodeJoined({ id: 'n', workers: 2, region: 'eu' });
    const settled: string[] = [];
    const tasks = Array.from({ length: 100 }, (_, i) => ({ id: `job_${i}`, request: { assignment, replicas: 1, region: undefined } }));
    dispatcher.submitMany(tasks, (id) => ({ settled: () => settled.push(id) }), undefined, 'job');
    // The module's run time is unknown: 2 per worker.
    expect(assigned()).toHaveLength(4);

    const messagesBefore = sent.length;
    dispatcher.results('n', assigned().map((a) => ({ taskId: a.id, outcome: outcome('x', 0.5) })));
    // 0.5 ms tasks, 8 ms of queue per worker: 16 per worker, sent in one assign.
    expect(sent.length).toBe(messagesBefore + 1);
    const refill = sent.at(-1)!.message;
    expect(refill.type === 'assign' ? refill.tasks.length : 0).toBe(32);
    expect(settled).toHaveLength(4);
  });

  it('fails an interactive task that no node takes in time, saying why', async () => {
    const { dispatcher, advance } = setup();
    const pending = dispatcher.run({ assignment, replicas: 1, region: 'mars' });
    advance(1_001);
    dispatcher.tick();
    await expect(pending).rejects.toMatchObject({ code: 'no_capacity', message: expect.stringContaining('"mars"') });
  });
});
