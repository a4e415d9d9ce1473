// Warm no-op latency through the Node pool: `npx tsx packages/runtime/bench-noop.ts [runs]`.
import { readFileSync } from 'node:fs';
import { createNodePool } from './src/node-pool';
import type { TaskSpec } from './src/types';

const runs = Number(process.argv[2] ?? 200);
const bytes = new Uint8Array(readFileSync(new URL('../../public/functions/noop.wasm', import.meta.url)));
const module = { digest: 'sha256:bench-noop', bytes };
const spec: TaskSpec = { args: [], programName: 'noop', env: {}, stdin: new Uint8Array(0), files: {}, timeoutMs: 5_000 };

const pool = createNodePool({ size: 1 });
const coldStart = performance.now();
const first = await pool.run(module, spec);
console.log(`first run (worker start + compile): ${(performance.now() - coldStart).toFixed(1)} ms, status ${first.status}`);

const latencies: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const outcome = await pool.run(module, spec);
  latencies.push(performance.now() - started);
  if (outcome.status !== 'ok') throw new Error(`run ${i}: ${outcome.status}`);
}
latencies.sort((a, b) => a - b);
const at = (q: number): string => (latencies[Math.floor(q * (latencies.length - 1))] ?? NaN).toFixed(3);
console.log(`warm no-op x${runs}: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`);
await pool.stop();
