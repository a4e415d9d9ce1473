import { transfer } from 'comlink';
import { executeModule } from './execute';
import { MODULE_CACHE_ENTRIES } from './limits';
import { Lru } from './lru';
import { describeThrown, failedOutcome } from './outcome';
import { WORKER_PROTOCOL_VERSION, parseRunRequest, type RunReply, type RuntimeWorkerApi } from './worker-messages';

/**
 * The worker side, identical in a Web Worker and a worker thread: keeps compiled modules warm by
 * digest and runs one task at a time. Replies are plain data; nothing throws across the boundary.
 */
export function createRuntimeWorker(cacheEntries = MODULE_CACHE_ENTRIES): RuntimeWorkerApi {
  const modules = new Lru<string, WebAssembly.Module>(cacheEntries);

  async function run(raw: unknown): Promise<RunReply> {
    const request = parseRunRequest(raw);
    if (!request.ok) return { type: 'outcome', outcome: failedOutcome(`bad run request: ${request.error}`, 0), moduleCached: false };
    const { digest, bytes, task, stdioCapBytes } = request.value;

    let module = modules.get(digest);
    if (module === undefined) {
      if (bytes === null) return { type: 'module_missing' };
      const started = performance.now();
      try {
        module = await WebAssembly.compile(unshared(bytes));
      } catch (thrown) {
        const outcome = failedOutcome(`invalid module ${digest}: ${describeThrown(thrown)}`, performance.now() - started);
        return { type: 'outcome', outcome, moduleCached: false };
      }
      modules.set(digest, module);
    }
    const outcome = await executeModule(module, task, stdioCapBytes);
    return { type: 'outcome', outcome, moduleCached: true };
  }

  return {
    ping: () => Promise.resolve(WORKER_PROTOCOL_VERSION),
    async run(raw) {
      try {
        const reply = await run(raw);
        // Output buffers are fresh per run, so they can move instead of being copied.
        return reply.type === 'outcome' ? transfer(reply, [reply.outcome.stdout.buffer, reply.outcome.stderr.buffer]) : reply;
      } catch (thrown) {
        return { type: 'outcome', outcome: failedOutcome(`runtime worker failure: ${describeThrown(thrown)}`, 0), moduleCached: false };
      }
    },
  };
}

// WebAssembly.compile refuses views of a SharedArrayBuffer; bytes that came through postMessage never are.
function unshared(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
