import { describe, expect, it } from 'vitest';
import { setup, unit } from './test-helpers';

describe('leases, retries and quarantine', () => {
  it('re-queues at once when a node leaves, backs off exponentially up to a cap', () => {
    const { s, clock } = setup({ retryBackoffMs: 100, maxBackoffMs: 300, maxNodeFailures: 10 });
    s.submit([unit('t')]);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.addNode({ id: `n${i}`, slots: 1, region: 'eu' });
      const start = clock.now();
      while (s.place().length === 0) clock.advance(10);
      delays.push(clock.now() - start);
      expect(s.removeNode(`n${i}`)).toEqual([{ unitId: 't.0', taskId: 't', action: 'requeued' }]);
      expect(s.queuedReason('t.0')).toBe('backing_off');
      expect(s.nextWakeAt()).toBe(clock.now() + Math.min(300, 100 * 2 ** i));
    }
    expect(delays).toEqual([0, 100, 200, 300]);
  });

  it('quarantines after K distinct nodes, reports it, and forgets it once acknowledged', () => {
    const { s } = setup({ maxNodeFailures: 2, retryBackoffMs: 0 });
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.addNode({ id: 'b', slots: 1, region: 'eu' });
    s.submit([unit('poison', 0, { jobId: 'j' })]);
    const first = s.place()[0]!.nodeId;
    expect(s.nodeFailed('poison.0')).toMatchObject({ action: 'requeued' });
    const second = s.place()[0]!.nodeId;
    expect(second).not.toBe(first); // a node it failed on is avoided while another is free
    expect(s.nodeFailed('poison.0')).toMatchObject({ action: 'quarantined' });
    expect(s.quarantined()).toEqual([{ unitId: 'poison.0', taskId: 'poison', jobId: 'j', nodes: [first, second] }]);
    expect(s.stats()).toMatchObject({ queued: 0, running: 0, quarantined: 1 });
    expect(s.complete('poison.0')).toBeUndefined();
    expect(s.quarantined()).toEqual([]);
  });

  it('does not quarantine for repeated losses on the same node until maxAttempts', () => {
    const { s } = setup({ maxNodeFailures: 2, maxAttempts: 4, retryBackoffMs: 0 });
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit([unit('t')]);
    const actions = [];
    for (let i = 0; i < 4; i++) {
      expect(s.place().map((p) => p.nodeId)).toEqual(['a']); // the only node: taken despite the failures
      actions.push(s.nodeFailed('t.0')?.action);
    }
    expect(actions).toEqual(['requeued', 'requeued', 'requeued', 'quarantined']);
  });

  it('a function error is a result: complete() counts as success for the node', () => {
    const { s } = setup();
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit([unit('t')]);
    s.place();
    const before = s.nodeRank('a')!;
    expect(s.completeUnit('t.0')).toEqual({ unitId: 't.0', taskId: 't', nodeId: 'a', cancel: [] });
    expect(s.nodeRank('a')).toMatchObject({ completed: 1, failed: 0 });
    expect(s.nodeRank('a')!.successRate).toBeGreaterThanOrEqual(before.successRate);
  });

  it('renewed leases survive, expired ones free the slot; nextWakeAt names the deadline', () => {
    const { s, clock } = setup({ retryBackoffMs: 0 });
    s.addNode({ id: 'a', slots: 2, region: 'eu' });
    s.submit([unit('x'), unit('y', 0, { leaseMs: 3_000 })]);
    s.place();
    expect(s.nextWakeAt()).toBe(clock.now() + 3_000);
    clock.advance(2_000);
    s.renewLeases('a', 20_000);
    expect(s.nextWakeAt()).toBe(clock.now() + 20_000);
    clock.advance(19_999);
    expect(s.expireLeases()).toEqual([]);
    clock.advance(1);
    expect(s.expireLeases().map((o) => o.unitId).sort()).toEqual(['x.0', 'y.0']);
    expect(s.runningOn('a')).toBe(0);
    expect(s.nodeRank('a')).toMatchObject({ failed: 2 });
  });

  it('ignores unknown ids and departed nodes', () => {
    const { s } = setup();
    expect(s.removeNode('nope')).toEqual([]);
    expect(s.nodeFailed('nope')).toBeUndefined();
    expect(s.leaseOf('nope')).toBeUndefined();
    expect(s.cancel('nope')).toEqual([]);
    s.renewLeases('nope', 1);
    expect(() => s.submit([unit('t'), unit('t')])).toThrow(/submitted twice/);
  });

  it('cancels a whole job wherever its units are and reports progress', () => {
    const { s } = setup({ retryBackoffMs: 1_000 });
    s.addNode({ id: 'a', slots: 2, region: 'eu' });
    s.submit(Array.from({ length: 5 }, (_, i) => unit(`t${i}`, 0, { jobId: 'j' })));
    s.place();
    s.nodeFailed('t0.0'); // backing off
    s.place();
    expect(s.jobProgress('j')).toEqual({ total: 5, remaining: 5, queued: 3, running: 2, quarantined: 0 });
    const cancel = s.cancelJob('j');
    expect(cancel.map((c) => c.nodeId)).toEqual(['a', 'a']);
    expect(s.jobProgress('j')).toBeUndefined();
    expect(s.stats()).toMatchObject({ running: 0, queued: 0, backingOff: 0 });
    expect(s.place()).toEqual([]);
    expect(s.queued()).toEqual([]);
  });
});
