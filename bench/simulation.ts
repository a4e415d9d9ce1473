// Simulation section of `npm run bench`: the real scheduler at 10,000 nodes and 1,000,000 tasks
// (issue 4's target: ≥ 100,000 placement decisions/s with p99 < 1 ms), in a seeded simulated
// network with churn, stragglers and poison tasks; invariants are checked as it runs (SimFailure).
// CI runs the same simulator at a smaller size (packages/scheduler/src/sim.test.ts).
import os from 'node:os';
import { simulate } from '@tabgrid/scheduler/sim';

export interface SimulationRow {
  nodes: number;
  tasks: number;
  churnPerMin: number;
  completed: number;
  quarantined: number;
  'decisions/s': number;
  'p50 µs': number;
  'p99 µs': number;
  'place() p99 µs': number;
  'wall s': number;
  load: string;
}

export function benchSimulation(): SimulationRow[] {
  const nodes = Number(process.env.TABGRID_BENCH_SIM_NODES ?? 10_000);
  const tasks = Number(process.env.TABGRID_BENCH_SIM_TASKS ?? 1_000_000);
  return [0.05, 0.2].map((churn) => {
    const started = performance.now();
    const r = simulate({ nodes, tasks, seed: 1, churn, poison: 0.0001, fullCheckEvery: 100_000, timer: () => performance.now() });
    return {
      nodes,
      tasks,
      churnPerMin: churn,
      completed: r.completed,
      quarantined: r.quarantined,
      'decisions/s': Math.round(r.decisionsPerSec),
      'p50 µs': Math.round(r.p50DecisionUs * 100) / 100,
      'p99 µs': Math.round(r.p99DecisionUs * 100) / 100,
      'place() p99 µs': Math.round(r.p99PlaceCallUs * 100) / 100,
      'wall s': Math.round((performance.now() - started) / 100) / 10,
      load: os.loadavg()[0]!.toFixed(1),
    };
  });
}
