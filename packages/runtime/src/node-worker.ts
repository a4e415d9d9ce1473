import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createRuntimeWorker } from './runtime-worker';

if (parentPort === null) throw new Error('node-worker.ts must run in a worker thread');
expose(createRuntimeWorker(), nodeEndpoint(parentPort));
