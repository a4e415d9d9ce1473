import { describe, expect, it } from 'vitest';
import { setup, unit } from './test-helpers';

/** A job of `size` units on `size + spare` one-slot nodes, all but the last unit done after 100 ms. */
function nearlyDoneJob(size = 10, spare = 2) {
  const ctx = setup({ stragglers: { tailFraction: 0.2, factor: 3, minRunningMs: 500, minSamples: 5 } });
  const { s, clock } = ctx;
  for (let i = 0; i < size + spare; i++) s.addNode({ id: `n${i}`, slots: 1, region: 'eu' });
  s.submit(Array.from({ length: size }, (_, i) => unit(`t${i}`, 0, { jobId: 'job' })));
  const placed = s.place();
  expect(placed).toHaveLength(size);
  clock.advance(100);
  for (const p of placed.slice(0, -1)) s.complete(p.unitId);
  return { ...ctx, slow: placed[placed.length - 1]! };
}

describe('stragglers', () => {
  it('gives a unit running far longer than its siblings a copy on another node; the first result wins', () => {
    const { s, clock, slow } = nearlyDoneJob();
    expect(s.place()).toEqual([]); // 100 ms is not long yet
    expect(s.nextWakeAt()).toBe(clock.now() - 100 + 500);
    clock.advance(400);
    const [copy] = s.place();
    expect(copy).toMatchObject({ unitId: `${slow.unitId}~spec1`, taskId: slow.taskId, speculativeOf: slow.unitId });
    expect(copy!.nodeId).not.toBe(slow.nodeId);
    expect(s.stats()).toMatchObject({ running: 2, speculative: 1 });
    expect(s.leaseOf(copy!.unitId)?.nodeId).toBe(copy!.nodeId);
    clock.advance(10);
    expect(s.place()).toEqual([]); // one copy per unit
    expect(s.completeUnit(copy!.unitId)).toEqual({
      unitId: slow.unitId,
      taskId: slow.taskId,
      nodeId: copy!.nodeId,
      cancel: [{ unitId: slow.unitId, nodeId: slow.nodeId }],
    });
    expect(s.leaseOf(slow.unitId)).toBeUndefined();
    expect(s.runningOn(slow.nodeId)).toBe(0);
    expect(s.stats()).toMatchObject({ running: 0, speculative: 0 });
    expect(s.complete(slow.unitId)).toBeUndefined(); // the loser's late result is ignored
  });

  it('cancels the copy when the original finishes first', () => {
    const { s, clock, slow } = nearlyDoneJob();
    clock.advance(1_000);
    const [copy] = s.place();
    expect(s.completeUnit(slow.unitId)?.cancel).toEqual([{ unitId: copy!.unitId, nodeId: copy!.nodeId }]);
    expect(s.leaseOf(copy!.unitId)).toBeUndefined();
  });

  it('keeps the unit running when one of its copies is lost, and requeues it only when both are', () => {
    const { s, clock, slow } = nearlyDoneJob();
    clock.advance(1_000);
    const [copy] = s.place();
    expect(s.removeNode(copy!.nodeId)).toEqual([
      { unitId: slow.unitId, taskId: slow.taskId, action: 'still_running', attemptId: copy!.unitId },
    ]);
    expect(s.leaseOf(slow.unitId)?.nodeId).toBe(slow.nodeId);
    expect(s.removeNode(slow.nodeId)).toEqual([{ unitId: slow.unitId, taskId: slow.taskId, action: 'requeued' }]);
    expect(s.queuedReason(slow.unitId)).toBe('backing_off');
  });

  it('does not speculate while the job still has queued work or before it has enough samples', () => {
    const { s, clock } = setup({ stragglers: { tailFraction: 1, minRunningMs: 10, minSamples: 5 } });
    s.addNode({ id: 'a', slots: 2, region: 'eu' });
    s.addNode({ id: 'b', slots: 1, region: 'eu' });
    s.submit(Array.from({ length: 20 }, (_, i) => unit(`t${i}`, 0, { jobId: 'j' })));
    s.place();
    clock.advance(10_000);
    expect(s.place().filter((p) => p.speculativeOf)).toEqual([]);
    expect(s.stats().speculative).toBe(0);
  });

  it('can be switched off', () => {
    const { s, clock } = setup({ stragglers: { enabled: false } });
    for (let i = 0; i < 12; i++) s.addNode({ id: `n${i}`, slots: 1, region: 'eu' });
    s.submit(Array.from({ length: 10 }, (_, i) => unit(`t${i}`, 0, { jobId: 'job' })));
    const placed = s.place();
    clock.advance(100);
    for (const p of placed.slice(0, -1)) s.complete(p.unitId);
    clock.advance(60_000);
    expect(s.place()).toEqual([]);
  });

  it('never puts a copy on the node running the original', () => {
    const { s, clock } = setup({ stragglers: { tailFraction: 0.2, minRunningMs: 500, minSamples: 5 } });
    s.addNode({ id: 'big', slots: 20, region: 'eu' });
    s.submit(Array.from({ length: 10 }, (_, i) => unit(`t${i}`, 0, { jobId: 'job' })));
    const placed = s.place();
    clock.advance(100);
    for (const p of placed.slice(0, -1)) s.complete(p.unitId);
    clock.advance(1_000);
    expect(s.place()).toEqual([]); // 'big' has free slots but holds the original
    s.addNode({ id: 'other', slots: 1, region: 'eu' });
    expect(s.place().map((p) => [p.nodeId, p.speculativeOf])).toEqual([['other', placed[9]!.unitId]]);
  });
});
