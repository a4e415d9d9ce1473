import { describe, expect, it } from 'vitest';
import { setup, unit } from './test-helpers';

describe('placement', () => {
  it('runs a unit only on nodes with the memory and features it needs, and says why it waits', () => {
    const { s } = setup();
    s.addNode({ id: 'small', slots: 4, region: 'eu', memoryMb: 1024, features: ['simd'] });
    s.submit([unit('big', 0, { minMemoryMb: 3000 }), unit('thr', 0, { features: ['threads', 'simd'] })]);
    expect(s.place()).toEqual([]);
    expect(s.queued().map((q) => q.reason)).toEqual(['no_node_with_capability', 'no_node_with_capability']);
    s.addNode({ id: 'large', slots: 4, region: 'eu', memoryMb: 4096, features: ['simd'] });
    expect(s.place().map((p) => [p.unitId, p.nodeId])).toEqual([['big.0', 'large']]);
    s.addNode({ id: 'threaded', slots: 4, region: 'us', memoryMb: 512, features: ['simd', 'threads'] });
    expect(s.place().map((p) => [p.unitId, p.nodeId])).toEqual([['thr.0', 'threaded']]);
  });

  it('treats a node that does not report memory as having none', () => {
    const { s } = setup();
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit([unit('t', 0, { minMemoryMb: 1 })]);
    expect(s.place()).toEqual([]);
  });

  it('prefers a node that caches the module', () => {
    const { s } = setup();
    for (let i = 0; i < 20; i++) s.addNode({ id: `n${i}`, slots: 8, region: 'eu' });
    s.addNodeModule('n7', 'sha256:m');
    expect(s.nodeHasModule('n7', 'sha256:m')).toBe(true);
    s.submit([unit('t', 0, { moduleDigest: 'sha256:m' })]);
    expect(s.place()[0]?.nodeId).toBe('n7');
  });

  it('spreads load over the feasible nodes (least loaded of random choices)', () => {
    const { s } = setup();
    for (let i = 0; i < 10; i++) s.addNode({ id: `n${i}`, slots: 10, region: 'eu' });
    s.submit(Array.from({ length: 50 }, (_, i) => unit(`t${i}`)));
    expect(s.place()).toHaveLength(50);
    const loads = Array.from({ length: 10 }, (_, i) => s.runningOn(`n${i}`));
    expect(Math.max(...loads)).toBeLessThanOrEqual(8);
    expect(Math.min(...loads)).toBeGreaterThanOrEqual(2);
  });

  it('places on better-ranked nodes more often', () => {
    const { s } = setup();
    s.addNode({ id: 'good', slots: 1, region: 'eu' });
    s.addNode({ id: 'bad', slots: 1, region: 'eu' });
    for (let i = 0; i < 10; i++) s.recordAgreement('bad', false);
    const chosen = { good: 0, bad: 0 };
    for (let i = 0; i < 200; i++) {
      s.submit([unit(`t${i}`)]);
      const [a] = s.place();
      chosen[a!.nodeId as 'good' | 'bad']++;
      s.complete(a!.unitId);
    }
    // Power of two choices over two nodes: the worse one wins only when drawn twice.
    expect(chosen.bad).toBeLessThan(80);
    expect(chosen.good).toBeGreaterThan(120);
  });

  it('never exceeds slots, also after a node re-registers with fewer', () => {
    const { s } = setup();
    s.addNode({ id: 'a', slots: 4, region: 'eu' });
    s.submit(Array.from({ length: 6 }, (_, i) => unit(`t${i}`)));
    expect(s.place()).toHaveLength(4);
    s.addNode({ id: 'a', slots: 2, region: 'eu' });
    expect(s.runningOn('a')).toBe(4);
    s.complete('t0.0');
    expect(s.place()).toEqual([]);
    s.complete('t1.0');
    s.complete('t2.0');
    expect(s.place()).toHaveLength(1);
    expect(s.stats()).toMatchObject({ nodes: 1, slots: 2, running: 2, queued: 1 });
  });

  it('says a replica waits for a distinct node, and places it once one frees up', () => {
    const { s } = setup();
    s.addNode({ id: 'a', slots: 4, region: 'eu' });
    s.addNode({ id: 'b', slots: 1, region: 'eu' });
    s.submit([unit('t', 0), unit('t', 1), unit('t', 2)]);
    expect(new Set(s.place().map((p) => p.nodeId))).toEqual(new Set(['a', 'b']));
    expect(s.queued().map((q) => q.reason)).toEqual(['waiting_for_distinct_node']);
    expect(s.queueSummary()).toMatchObject({ waiting_for_distinct_node: 1, waiting_for_slot: 0 });
    s.addNode({ id: 'c', slots: 1, region: 'eu' });
    expect(s.place().map((p) => p.nodeId)).toEqual(['c']);
  });

  it('keeps FIFO order across constraint classes', () => {
    const { s } = setup();
    s.submit([unit('any1'), unit('eu1', 0, { region: 'eu' }), unit('any2'), unit('eu2', 0, { region: 'eu' })]);
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const [p] = s.place();
      order.push(p!.taskId);
      s.complete(p!.unitId);
    }
    expect(order).toEqual(['any1', 'eu1', 'any2', 'eu2']);
  });

  it('skips a huge queue of units that cannot run without looking at them', () => {
    const { s } = setup();
    s.addNode({ id: 'eu1', slots: 1, region: 'eu' });
    s.submit(Array.from({ length: 50_000 }, (_, i) => unit(`us${i}`, 0, { region: 'us' })));
    s.submit(Array.from({ length: 50_000 }, (_, i) => unit(`r${i}`, 0, { minMemoryMb: 1 << 20 })));
    s.submit([unit('runnable')]);
    const started = Date.now();
    for (let i = 0; i < 1_000; i++) {
      const [p] = s.place();
      expect(p?.unitId).toBe(i === 0 ? 'runnable.0' : `more${i - 1}.0`);
      s.complete(p!.unitId);
      s.submit([unit(`more${i}`)]);
    }
    expect(Date.now() - started).toBeLessThan(500);
    expect(s.queueSummary()).toMatchObject({ no_node_in_region: 50_000, no_node_with_capability: 50_000, waiting_for_slot: 1 });
  });
});
