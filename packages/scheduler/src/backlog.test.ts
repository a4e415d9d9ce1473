import { describe, expect, it } from 'vitest';
import { setup, unit } from './test-helpers';

describe('backlog', () => {
  it('counts a unit backing off as queued in its job until it is placed again or cancelled', () => {
    const { s, clock } = setup({ retryBackoffMs: 100 });
    s.addNode({ id: 'a', slots: 2, region: 'eu' });
    s.submit([unit('x', 0, { jobId: 'j' }), unit('y', 0, { jobId: 'j' })]);
    expect(s.place()).toHaveLength(2);
    s.removeNode('a');
    expect(s.stats()).toMatchObject({ queued: 0, backingOff: 2, running: 0 });
    expect(s.jobProgress('j')).toMatchObject({ remaining: 2, queued: 2, running: 0 });

    expect(s.cancel('x.0')).toEqual([]);
    expect(s.stats()).toMatchObject({ queued: 0, backingOff: 1 });
    expect(s.jobProgress('j')).toMatchObject({ remaining: 1, queued: 1 });

    clock.advance(100);
    expect(s.place()).toEqual([]); // no node: back in the queue, still counted once
    expect(s.stats()).toMatchObject({ queued: 1, backingOff: 0 });
    expect(s.jobProgress('j')).toMatchObject({ remaining: 1, queued: 1 });
    s.addNode({ id: 'b', slots: 1, region: 'eu' });
    expect(s.place()).toMatchObject([{ unitId: 'y.0', nodeId: 'b' }]);
    expect(s.jobProgress('j')).toMatchObject({ remaining: 1, queued: 0, running: 1 });
    expect(s.nextWakeAt()).toBe(clock.now() + 10_000); // only the lease is left to wake for
  });
});
