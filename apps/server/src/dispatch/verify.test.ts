import { describe, expect, it } from 'vitest';
import type { TaskOutcomeWire } from '@tabgrid/protocol';
import { decide, isDecided } from './verify';

const out = (stdout: string, durationMs = 1): TaskOutcomeWire => ({ status: 'ok', exitCode: 0, stdout, stderr: '', truncated: false, durationMs, fuelUsed: 0, files: {} });

describe('decide', () => {
  it('takes a single result as it is, unverified, whatever the replica count', () => {
    expect(decide(1, [{ nodeId: 'a', outcome: out('eA==') }])).toEqual({ outcome: out('eA=='), nodes: ['a'], verified: false });
    expect(decide(3, [{ nodeId: 'a', outcome: out('eA==') }]).verified).toBe(false);
  });

  it('picks the agreeing majority, ignoring run times, and verifies it', () => {
    const verdict = decide(3, [
      { nodeId: 'a', outcome: out('eA==', 5) },
      { nodeId: 'liar', outcome: out('eQ==') },
      { nodeId: 'b', outcome: out('eA==', 9) },
    ]);
    expect(verdict.outcome.stdout).toBe('eA==');
    expect(verdict.nodes).toEqual(['a', 'b']);
    expect(verdict.verified).toBe(true);
  });

  it('does not verify two replicas that disagree', () => {
    expect(decide(2, [{ nodeId: 'a', outcome: out('eA==') }, { nodeId: 'b', outcome: out('eQ==') }]).verified).toBe(false);
  });
});

describe('isDecided', () => {
  it('waits for a majority or for every replica', () => {
    expect(isDecided(3, [{ nodeId: 'a', outcome: out('eA==') }])).toBe(false);
    expect(isDecided(3, [{ nodeId: 'a', outcome: out('eA==') }, { nodeId: 'b', outcome: out('eA==') }])).toBe(true);
    expect(isDecided(2, [{ nodeId: 'a', outcome: out('eA==') }, { nodeId: 'b', outcome: out('eQ==') }])).toBe(true);
  });
});
