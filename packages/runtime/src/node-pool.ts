import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { connectWorker } from './connect';
import { describeThrown } from './outcome';
import { createWorkerPool, type WorkerHandle } from './pool';
import type { PoolOptions, WorkerPool } from './types';

// Workers run the TypeScript source, under tsx (server) and vitest (tests) alike. `--import tsx`
// in a worker's execArgv does not take effect on Node 20, so a plain-JS bootstrap registers tsx
// inside the worker and then imports the entry.
const BOOTSTRAP_URL = new URL('./node-worker-bootstrap.mjs', import.meta.url);
const ENTRY_URL = new URL('./node-worker.ts', import.meta.url).href;

export function createNodePool(options: PoolOptions): WorkerPool {
  return createWorkerPool(spawnNodeWorker, options);
}

function spawnNodeWorker(): WorkerHandle {
  const worker = new Worker(BOOTSTRAP_URL, { workerData: { entry: ENTRY_URL } });
  const listeners: Array<(reason: string) => void> = [];
  const fail = (reason: string): void => {
    for (const listener of listeners.splice(0)) listener(reason);
  };
  // Without an 'error' listener a crashing worker would take the host process down with it.
  worker.on('error', (error) => fail(describeThrown(error)));
  worker.on('exit', (code) => fail(`worker exited with code ${code}`));
  return connectWorker(
    nodeEndpoint(worker),
    async () => {
      await worker.terminate();
    },
    (listener) => listeners.push(listener),
  );
}
