import { describe, expect, it } from 'vitest';
import { PipelineDepth } from './pipeline-depth';

const options = { minDepth: 2, maxDepth: 32, queueMs: 20 };

describe('PipelineDepth', () => {
  it('leases short tasks deeply, long ones shallowly, unknown ones at the minimum', () => {
    const depth = new PipelineDepth(options);
    expect(depth.update(['sha256:new'])).toBeUndefined();
    expect(depth.current).toBe(2);
    for (let i = 0; i < 20; i++) depth.observe('sha256:noop', 0.3);
    expect(depth.update(['sha256:noop'])).toBe(32);
    for (let i = 0; i < 20; i++) depth.observe('sha256:five', 5);
    expect(depth.update(['sha256:five'])).toBe(4);
    for (let i = 0; i < 20; i++) depth.observe('sha256:two', 2);
    expect(depth.update(['sha256:two'])).toBe(8);
    for (let i = 0; i < 20; i++) depth.observe('sha256:slow', 400);
    expect(depth.update(['sha256:slow'])).toBe(2);
  });

  it('follows the slowest module with work waiting, and keeps its depth while nothing waits', () => {
    const depth = new PipelineDepth(options);
    depth.observe('sha256:noop', 0.3);
    depth.observe('sha256:five', 5);
    expect(depth.update(['sha256:noop'])).toBe(32);
    expect(depth.update([])).toBeUndefined();
    expect(depth.current).toBe(32);
    expect(depth.update(['sha256:noop', 'sha256:unknown'])).toBe(2);
    expect(depth.update(['sha256:noop', 'sha256:five'])).toBe(4);
  });

  it('moves in powers of two, so noisy run times do not resize the nodes on every result', () => {
    const depth = new PipelineDepth(options);
    depth.observe('sha256:f', 2);
    expect(depth.update(['sha256:f'])).toBe(8);
    depth.observe('sha256:f', 1.5); // mean 1.95 ms: 10 fit, still 8
    expect(depth.update(['sha256:f'])).toBeUndefined();
    for (let i = 0; i < 30; i++) depth.observe('sha256:f', 1);
    expect(depth.update(['sha256:f'])).toBe(16);
  });

  it('bounds what a bogus duration can do: zero or negative reads as tiny, NaN as endless', () => {
    const depth = new PipelineDepth(options);
    depth.observe('sha256:zero', -5);
    expect(depth.update(['sha256:zero'])).toBe(32);
    depth.observe('sha256:nan', Number.NaN);
    expect(depth.update(['sha256:nan'])).toBe(2);
  });
});
