import { createHash } from 'node:crypto';
import type { ModuleRef, TaskOutcome, TaskSpec, WorkerPool } from '../types';
import type { EngineResult } from './judge';
import type { ConformanceTest } from './suite';

export type EngineRun = EngineResult | { skip: string };

export interface ConformanceEngine {
  readonly name: string;
  run(test: ConformanceTest): Promise<EngineRun>;
  close(): Promise<void>;
}

export function moduleOf(test: ConformanceTest): ModuleRef {
  return { digest: `sha256:${createHash('sha256').update(test.wasm).digest('hex')}`, bytes: test.wasm };
}

/** How our runtime runs a conformance test: only the test's preopens, seeded by its id. */
export function taskOf(test: ConformanceTest): TaskSpec {
  return {
    args: test.args,
    programName: `${test.id.split('/').pop() ?? 'test'}.wasm`,
    env: test.env,
    stdin: new Uint8Array(0),
    files: {},
    timeoutMs: 20_000,
    seed: test.id,
    preopens: test.preopens,
  };
}

export function resultOf(outcome: TaskOutcome): EngineResult {
  return { exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
}

/** Our runtime through a worker pool (Node worker_threads or anything else that implements WorkerPool). */
export function poolEngine(name: string, pool: WorkerPool): ConformanceEngine {
  return {
    name,
    run: async (test) => resultOf(await pool.run(moduleOf(test), taskOf(test))),
    close: () => pool.stop(),
  };
}
