import { connectWorker } from './connect';
import { createWorkerPool, type WorkerHandle } from './pool';
import type { PoolOptions, WorkerPool } from './types';

export function createBrowserPool(options: PoolOptions): WorkerPool {
  return createWorkerPool(spawnBrowserWorker, options);
}

function spawnBrowserWorker(): WorkerHandle {
  // Written out literally so Vite recognises and bundles the worker.
  const worker = new Worker(new URL('./browser-worker.ts', import.meta.url), { type: 'module' });
  const listeners: Array<(reason: string) => void> = [];
  const fail = (reason: string): void => {
    for (const listener of listeners.splice(0)) listener(reason);
  };
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    fail(event.message || 'worker failed to load or threw');
  });
  return connectWorker(
    worker,
    () => {
      worker.terminate();
      return Promise.resolve();
    },
    (listener) => listeners.push(listener),
  );
}
