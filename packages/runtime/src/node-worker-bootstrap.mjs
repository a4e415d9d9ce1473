// Plain JS on purpose: this file runs before any TypeScript loader exists in the worker thread.
import { workerData } from 'node:worker_threads';

const entry = String(workerData.entry);
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
