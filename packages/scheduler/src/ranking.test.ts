import { describe, expect, it } from 'vitest';
import { setup, unit } from './test-helpers';

describe('node ranking', () => {
  it('blends success, throughput, uptime and agreement as moving averages', () => {
    const { s, clock } = setup({ ranking: { uptimeTargetMs: 10_000 } });
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    const fresh = s.nodeRank('a')!;
    expect(fresh).toMatchObject({ online: true, region: 'eu', slots: 1, running: 0, uptime: 0, completed: 0, failed: 0 });
    clock.advance(10_000);
    expect(s.nodeRank('a')!.uptime).toBe(1);
    expect(s.nodeRank('a')!.score).toBeGreaterThan(fresh.score);
    s.recordAgreement('a', false);
    s.recordAgreement('a', false);
    const after = s.nodeRank('a')!;
    expect(after.agreement).toBeCloseTo(0.9 * 0.9 * 0.9, 5);
    expect(after.score).toBeLessThan(s.nodeRanks()[0]!.score + 1e-9);
  });

  it('rates a node slower than its job siblings lower in throughput', () => {
    const { s, clock } = setup();
    s.addNode({ id: 'fast', slots: 1, region: 'eu' });
    s.addNode({ id: 'slow', slots: 1, region: 'eu' });
    for (let i = 0; i < 20; i++) {
      s.submit([unit(`f${i}`, 0, { jobId: 'j' }), unit(`s${i}`, 0, { jobId: 'j' })]);
      const placed = s.place();
      clock.advance(100);
      for (const p of placed) if (p.nodeId === 'fast') s.complete(p.unitId);
      clock.advance(900);
      for (const p of placed) if (p.nodeId === 'slow') s.complete(p.unitId);
    }
    expect(s.nodeRank('fast')!.throughput).toBeGreaterThan(0.6);
    expect(s.nodeRank('slow')!.throughput).toBeLessThan(0.4);
  });

  it('keeps a node record across a reconnect and restores saved ranks', () => {
    const { s } = setup();
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    s.submit([unit('t')]);
    s.place();
    s.removeNode('a');
    expect(s.nodeRank('a')).toMatchObject({ online: false, failed: 1 });
    expect(s.nodeRanks()).toEqual([]);
    s.addNode({ id: 'a', slots: 1, region: 'eu' });
    expect(s.nodeRank('a')).toMatchObject({ online: true, failed: 1 });
    s.restoreRank({ nodeId: 'b', successRate: 0.5, throughput: 0.5, uptime: 1, agreement: 0.2, completed: 9, failed: 9 });
    s.addNode({ id: 'b', slots: 1, region: 'eu' });
    expect(s.nodeRank('b')).toMatchObject({ successRate: 0.5, agreement: 0.2, completed: 9, uptime: 1 });
  });

  it('forgets the longest-absent offline nodes beyond maxRecords, never an online one', () => {
    const { s } = setup({ ranking: { maxRecords: 3 } });
    s.addNode({ id: 'online', slots: 1, region: 'eu' });
    for (const id of ['gone1', 'gone2', 'gone3']) {
      s.addNode({ id, slots: 1, region: 'eu' });
      s.removeNode(id);
    }
    expect(s.nodeRank('online')).toBeDefined();
    expect(s.nodeRank('gone1')).toBeUndefined();
    expect(s.nodeRank('gone3')).toBeDefined();
  });
});
