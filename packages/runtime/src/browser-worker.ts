import { expose } from 'comlink';
import { createRuntimeWorker } from './runtime-worker';

expose(createRuntimeWorker());
