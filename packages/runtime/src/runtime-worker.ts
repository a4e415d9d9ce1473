import { transfer } from 'comlink';
import { createScaffold, executeModule, type PreparedModule } from './execute';
import { MODULE_CACHE_ENTRIES } from './limits';
import { Lru } from './lru';
import { MEMORY_IMPORT, findImportProblem, readImports } from './module-imports';
import { describeThrown, failedOutcome } from './outcome';
import type { TaskOutcome } from './types';
import { WORKER_PROTOCOL_VERSION, parseRunRequest, type RunReply, type RuntimeWorkerApi } from './worker-messages';

/**
 * The worker side, identical in a Web Worker and a worker thread: keeps compiled modules warm by
 * digest and runs one task at a time. Replies are plain data; nothing throws across the boundary.
 */
export function createRuntimeWorker(cacheEntries = MODULE_CACHE_ENTRIES): RuntimeWorkerApi {
  const modules = new Lru<string, PreparedModule>(cacheEntries);
  const scaffold = createScaffold();

  async function run(raw: unknown): Promise<RunReply> {
    const request = parseRunRequest(raw);
    if (!request.ok) return { type: 'outcome', outcome: failedOutcome(`bad run request: ${request.error}`, 0), moduleCached: false };
    const { digest, bytes, task, stdioCapBytes, outputFilesCapBytes } = request.value;

    let prepared = modules.get(digest);
    if (prepared === undefined) {
      if (bytes === null) return { type: 'module_missing' };
      const started = performance.now();
      const compiled = await prepare(bytes);
      if (typeof compiled === 'string') {
        const outcome = failedOutcome(`invalid module ${digest}: ${compiled}`, performance.now() - started);
        return { type: 'outcome', outcome, moduleCached: false };
      }
      prepared = compiled;
      modules.set(digest, prepared);
    }
    const outcome = await executeModule(scaffold, prepared, task, { stdioCapBytes, outputFilesCapBytes });
    return { type: 'outcome', outcome, moduleCached: true };
  }

  return {
    ping: () => Promise.resolve(WORKER_PROTOCOL_VERSION),
    async run(raw) {
      try {
        const reply = await run(raw);
        // Output buffers are fresh per run, so they can move instead of being copied.
        return reply.type === 'outcome' ? transfer(reply, transferables(reply.outcome)) : reply;
      } catch (thrown) {
        return { type: 'outcome', outcome: failedOutcome(`runtime worker failure: ${describeThrown(thrown)}`, 0), moduleCached: false };
      }
    },
  };
}

async function prepare(bytes: Uint8Array): Promise<PreparedModule | string> {
  try {
    const module = await WebAssembly.compile(unshared(bytes));
    const imports = readImports(bytes);
    const problem = findImportProblem(imports);
    if (problem !== null) return problem;
    const memory = imports.find((entry) => entry.module === MEMORY_IMPORT.module && entry.name === MEMORY_IMPORT.name);
    return { module, memoryImport: memory?.limits ?? null };
  } catch (thrown) {
    return describeThrown(thrown);
  }
}

function transferables(outcome: TaskOutcome): ArrayBuffer[] {
  const buffers = [outcome.stdout.buffer, outcome.stderr.buffer, ...Object.values(outcome.files ?? {}).map((file) => file.buffer)];
  // A buffer listed twice makes postMessage throw; output views never share one, but be sure.
  return [...new Set(buffers)].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
}

// WebAssembly.compile refuses views of a SharedArrayBuffer; bytes that came through postMessage never are.
function unshared(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
