import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler';
import type { WorkUnit } from './types';

function fakeClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function unit(taskId: string, replica = 0, region?: string): WorkUnit {
  return { unitId: `${taskId}.${replica}`, taskId, region, leaseMs: 10_000 };
}

describe('Scheduler', () => {
  it('never places more on a node than it has slots, and spreads load', () => {
    const clock = fakeClock();
    const s = new Scheduler({ now: clock.now });
    s.addNode({ id: 'a', slots: 2, region: 'eu' });
    s.addNode({ id: 'b', slots: 1, region: 'eu' });
    s.submit(['t1', 't2', 't3', 't4', 't5'].map((t) => unit(t)));
    const placed = s.place();
    expect(placed).toHaveLength(3);
    expect(placed.filter((p) => p.nodeId === 'a')).toHaveLength(2);
    expect(placed.filter((p) => p.nodeId === 'b')).toHaveLength(1);
    expect(s.queued().map((q) => q.reason)).toEqual(['waiting_for_slot', 'waiting_for_slot']);
    s.complete(placed[0]!.unitId);
    expect(s.place()).toHaveLength(1);
  });

  it('resizes a node: more slots take more units at once, fewer let it drain first', () => {
    const s = new Scheduler({ now: fakeClock().now });
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit(['t1', 't2', 't3', 't4'].map((t) => unit(t)));
    expect(s.place()).toHaveLength(1);
    s.setNodeSlots('a', 3);
    expect(s.stats().slots).toBe(3);
    const more = s.place();
    expect(more).toHaveLength(2);
    s.setNodeSlots('a', 1);
    s.complete(more[0]!.unitId);
    expect(s.place()).toEqual([]);
    s.complete(more[1]!.unitId);
    s.complete('t1.0');
    expect(s.place()).toHaveLength(1);
  });

  it('weighs load per worker, so a deep pipeline does not pull everything to the node caching the module', () => {
    const s = new Scheduler({ now: fakeClock().now });
    s.addNode({ id: 'cached', slots: 64, workers: 2, region: 'eu', modules: ['sha256:m'] });
    s.addNode({ id: 'other', slots: 64, workers: 2, region: 'eu' });
    s.submit(Array.from({ length: 16 }, (_, i) => ({ ...unit(`t${i}`), moduleDigest: 'sha256:m' })));
    const perNode = new Map<string, number>();
    for (const p of s.place()) perNode.set(p.nodeId, (perNode.get(p.nodeId) ?? 0) + 1);
    expect(perNode.get('other') ?? 0).toBeGreaterThanOrEqual(6);
    expect(perNode.get('cached') ?? 0).toBeGreaterThanOrEqual(6);
  });

  it('lists the module digests of queued units, and forgets a digest once nothing of it waits', () => {
    const clock = fakeClock();
    const s = new Scheduler({ now: clock.now, retryBackoffMs: 100 });
    const withModule = (taskId: string, digest: string): WorkUnit => ({ ...unit(taskId), moduleDigest: digest });
    s.submit([withModule('t1', 'sha256:a'), withModule('t2', 'sha256:b'), unit('t3')]);
    expect([...s.queuedDigests()].sort()).toEqual(['sha256:a', 'sha256:b']);
    s.cancel('t2.0');
    expect([...s.queuedDigests()]).toEqual(['sha256:a']);
    s.addNode({ id: 'n', slots: 2, region: 'eu' });
    s.place();
    expect([...s.queuedDigests()]).toEqual([]);
    s.removeNode('n');
    s.addNode({ id: 'm', slots: 2, region: 'eu' });
    clock.advance(100);
    s.place();
    expect([...s.queuedDigests()]).toEqual([]);
    s.removeNode('m');
    expect([...s.queuedDigests()]).toEqual([]);
    clock.advance(1_000);
    s.place(); // no node: the retried unit is back in the queue
    expect([...s.queuedDigests()]).toEqual(['sha256:a']);
  });

  it('puts replicas of one task on distinct nodes, and waits for a second node', () => {
    const s = new Scheduler({ now: fakeClock().now });
    s.addNode({ id: 'a', slots: 4, region: 'eu' });
    s.submit([unit('t', 0), unit('t', 1)]);
    expect(s.place().map((p) => p.nodeId)).toEqual(['a']);
    s.addNode({ id: 'b', slots: 4, region: 'eu' });
    expect(s.place().map((p) => p.nodeId)).toEqual(['b']);
  });

  it('runs a region-constrained unit only in that region and says why it waits', () => {
    const s = new Scheduler({ now: fakeClock().now });
    s.addNode({ id: 'eu1', slots: 1, region: 'eu' });
    s.submit([unit('t', 0, 'us')]);
    expect(s.place()).toEqual([]);
    expect(s.queued()[0]?.reason).toBe('no_node_in_region');
    s.addNode({ id: 'us1', slots: 1, region: 'us' });
    expect(s.place().map((p) => p.nodeId)).toEqual(['us1']);
  });

  it('re-queues the units of a node that leaves, with backoff, then quarantines after repeated node deaths', () => {
    const clock = fakeClock();
    const s = new Scheduler({ now: clock.now, maxNodeFailures: 2, retryBackoffMs: 100 });
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit([unit('t')]);
    expect(s.place()).toHaveLength(1);
    expect(s.removeNode('a')).toEqual([{ unitId: 't.0', taskId: 't', action: 'requeued' }]);
    s.addNode({ id: 'b', slots: 1, region: 'eu' });
    expect(s.place()).toEqual([]);
    expect(s.queued()[0]?.reason).toBe('backing_off');
    clock.advance(100);
    expect(s.place().map((p) => p.nodeId)).toEqual(['b']);
    expect(s.removeNode('b')).toEqual([{ unitId: 't.0', taskId: 't', action: 'quarantined' }]);
    expect(s.queued()).toEqual([]);
  });

  it('expires leases that outlive their deadline and frees the slot', () => {
    const clock = fakeClock();
    const s = new Scheduler({ now: clock.now, retryBackoffMs: 0 });
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit([unit('t')]);
    s.place();
    clock.advance(5_000);
    s.renewLeases('a', 10_000);
    clock.advance(9_000);
    expect(s.expireLeases()).toEqual([]);
    clock.advance(1_000);
    expect(s.expireLeases()).toEqual([{ unitId: 't.0', taskId: 't', action: 'requeued' }]);
    expect(s.runningOn('a')).toBe(0);
  });

  it('forgets a cancelled unit whether queued or running', () => {
    const s = new Scheduler({ now: fakeClock().now });
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit([unit('x'), unit('y')]);
    s.place();
    expect(s.complete('x.0')).toBe('a');
    expect(s.complete('y.0')).toBeUndefined();
    expect(s.place()).toEqual([]);
    expect(s.queued()).toEqual([]);
  });
});
