import { wrap, type Endpoint } from 'comlink';
import type { WorkerHandle } from './pool';
import type { RuntimeWorkerApi } from './worker-messages';

/** Wraps a comlink endpoint into the handle the pool drives; shared by the browser and Node spawners. */
export function connectWorker(
  endpoint: Endpoint,
  terminate: () => Promise<void>,
  onFailure: (listener: (reason: string) => void) => void,
): WorkerHandle {
  const remote = wrap<RuntimeWorkerApi>(endpoint);
  return {
    api: {
      ping: () => remote.ping(),
      run: (request) => remote.run(request),
    },
    terminate,
    onFailure,
  };
}
