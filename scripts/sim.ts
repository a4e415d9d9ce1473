// `npm run sim -- --nodes 10000 --tasks 1000000 --seed 1 --churn 0.05`
// Drives the real scheduler through a seeded simulated network (fake clock) and prints placement
// throughput and decision latency. Exits non-zero, naming the seed, if an invariant breaks.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { simulate, SimFailure } from '@tabgrid/scheduler/sim';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10000' },
    tasks: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    churn: { type: 'string', default: '0.05' },
    poison: { type: 'string', default: '0.0001' },
    'full-check-every': { type: 'string', default: '20000' },
    json: { type: 'boolean', default: false },
  },
});

const options = {
  nodes: Number(values.nodes),
  tasks: Number(values.tasks),
  seed: Number(values.seed),
  churn: Number(values.churn),
  poison: Number(values.poison),
  fullCheckEvery: Number(values['full-check-every']),
};
for (const [name, value] of Object.entries(options)) {
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number`);
    process.exit(2);
  }
}

// Latency is wall-clock time: on a shared machine other processes show up in it, so say how busy it was.
const load = () => loadavg()[0]!.toFixed(1);
console.log(`sim: ${options.nodes} nodes, ${options.tasks} tasks, seed ${options.seed}, churn ${options.churn}/min (load average ${load()})`);
const started = performance.now();
try {
  const r = simulate({
    ...options,
    timer: () => performance.now(),
    onProgress: (resolved, total, simMs) =>
      console.log(`  ${((resolved / total) * 100).toFixed(0)} % at t=${(simMs / 1000).toFixed(0)} s (${((performance.now() - started) / 1000).toFixed(1)} s real)`),
  });
  const wall = (performance.now() - started) / 1000;
  if (values.json) console.log(JSON.stringify({ ...r, wallSeconds: wall }));
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(`units ${r.units} (${r.tasks} tasks with replicas): ${r.completed} completed, ${r.quarantined} quarantined (${r.poisonUnits} poison)`);
  console.log(`simulated ${(r.simMs / 1000).toFixed(0)} s in ${wall.toFixed(1)} s real; ${r.steps} steps, ${r.fullChecks} full invariant sweeps`);
  console.log(`churn: ${r.nodeLeaves} node departures, ${r.requeued} requeues, ${r.leaseExpiries} lease expiries`);
  console.log(`stragglers: ${r.speculative} speculative copies, ${r.speculativeWins} won; module locality ${pct(r.localityHits)}`);
  console.log(`placement: ${r.decisions} decisions in ${r.placeCalls} place() calls`);
  console.log(`  ${Math.round(r.decisionsPerSec).toLocaleString('en')} decisions/s (real time inside place())`);
  console.log(`  per decision p50 ${r.p50DecisionUs.toFixed(2)} µs, p99 ${r.p99DecisionUs.toFixed(2)} µs; place() call p99 ${r.p99PlaceCallUs.toFixed(2)} µs`);
  console.log(`invariants held (load average ${load()})`);
} catch (error) {
  if (error instanceof SimFailure) {
    console.error(`INVARIANT BROKEN: ${error.message}`);
    console.error(`reproduce: npm run sim -- --nodes ${options.nodes} --tasks ${options.tasks} --seed ${error.seed} --churn ${options.churn}`);
    process.exit(1);
  }
  throw error;
}
