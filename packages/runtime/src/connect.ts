import { transfer, wrap, type Endpoint } from 'comlink';
import type { WorkerHandle } from './pool';
import { createProgressBuffer, progressCells, readProgress } from './progress-cell';
import type { HostToWorker, RuntimeWorkerApi } from './worker-messages';

/**
 * Wraps a worker endpoint into the handle the pool drives; shared by the browser and Node spawners.
 * comlink carries the handshake; batches and results then use a port of their own, as plain
 * messages, which costs a fraction of a comlink call per task.
 */
export function connectWorker(
  endpoint: Endpoint,
  terminate: () => Promise<void>,
  onFailure: (listener: (reason: string) => void) => void,
): WorkerHandle {
  const remote = wrap<RuntimeWorkerApi>(endpoint);
  const channel = new MessageChannel();
  const progress = createProgressBuffer();
  const cells = progress === null ? null : progressCells(progress);
  return {
    ping: () => remote.ping(),
    open: () => remote.open(transfer(channel.port2, [channel.port2]), progress),
    send: (message: HostToWorker) => channel.port1.postMessage(message),
    onMessage(listener) {
      channel.port1.addEventListener('message', (event) => listener(event.data));
      channel.port1.start();
    },
    progress: () => (cells === null ? null : readProgress(cells)),
    async terminate() {
      channel.port1.close();
      await terminate();
    },
    onFailure,
  };
}
