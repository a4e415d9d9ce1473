// Seeded whole-network simulations at CI size (the 10,000-node run is `npm run sim`). Every step
// is checked: each unit resolved exactly once, no node over its slots, no lease outliving its
// node, quarantined units reported. A failing random seed is printed; pin it below by name.
import { describe, expect, it } from 'vitest';
import { simulate, type SimOptions } from './sim';

// The package is pure and has no Node typings; the test runner is Node.
declare const process: { env: Record<string, string | undefined> };

const CI = { nodes: 200, tasks: 5_000, churn: 2, poison: 0.003, fullCheckEvery: 1 } satisfies Omit<SimOptions, 'seed'>;

function run(options: Partial<SimOptions> & { seed: number }) {
  const report = simulate({ ...CI, ...options });
  expect(report.completed + report.quarantined).toBe(report.units);
  return report;
}

describe('simulation, random seeds', () => {
  const base = Number(process.env.SIM_SEED ?? Date.now() % 1_000_000);
  for (let i = 0; i < 4; i++) {
    const seed = base + i;
    it(`seed ${seed} (rerun with SIM_SEED=${seed})`, () => {
      const r = run({ seed });
      expect(r.nodeLeaves).toBeGreaterThan(0);
    });
  }
});

describe('simulation, pinned seeds', () => {
  it('seed 1: the default world completes with churn, poison and stragglers', () => {
    const r = run({ seed: 1 });
    expect(r.quarantined).toBeGreaterThanOrEqual(r.poisonUnits);
    expect(r.speculative).toBeGreaterThan(0);
    expect(r.requeued).toBeGreaterThan(0);
  });

  it('seed 7: a dozen nodes under heavy churn, so regions and capabilities empty out and refill', () => {
    run({ seed: 7, nodes: 12, tasks: 400, churn: 30 });
  });

  it('seed 11: zombie nodes whose leases must expire before the hub drops them', () => {
    const r = run({ seed: 11, nodes: 40, tasks: 1_500, churn: 0.5, hang: 1 });
    expect(r.leaseExpiries).toBeGreaterThan(0);
  });

  it('seed 3: same seed, same run', () => {
    const a = simulate({ ...CI, seed: 3, fullCheckEvery: 0 });
    const b = simulate({ ...CI, seed: 3, fullCheckEvery: 0 });
    expect(b).toEqual(a);
  });
});
