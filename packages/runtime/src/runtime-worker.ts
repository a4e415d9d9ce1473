import { serveBatches, type BatchRunner, type ModuleLookup } from './batch-server';
import { createScaffold, executeModule, type PreparedModule } from './execute';
import { MODULE_CACHE_ENTRIES } from './limits';
import { Lru } from './lru';
import { MEMORY_IMPORT, findImportProblem, readImports } from './module-imports';
import { describeThrown, failedOutcome } from './outcome';
import { progressCells } from './progress-cell';
import { WORKER_PROTOCOL_VERSION, parseRunRequest, type RunReply, type RunRequest, type RuntimeWorkerApi } from './worker-messages';

/** The comlink API plus a single in-process run, which tests use to drive a worker without threads. */
export interface RuntimeWorker extends RuntimeWorkerApi {
  run(request: RunRequest): Promise<RunReply>;
}

/** Compiled modules kept warm by digest, and the scaffolding every task of this worker borrows. */
export function createBatchRunner(cacheEntries = MODULE_CACHE_ENTRIES): BatchRunner {
  const modules = new Lru<string, PreparedModule>(cacheEntries);
  const scaffold = createScaffold();
  return {
    cached: (digest) => modules.get(digest),
    async moduleFor(digest, bytes): Promise<ModuleLookup> {
      const cached = modules.get(digest);
      if (cached !== undefined) return { type: 'ready', prepared: cached };
      if (bytes === null) return { type: 'missing' };
      const started = performance.now();
      const compiled = await prepare(bytes);
      if (typeof compiled === 'string') return { type: 'invalid', error: compiled, durationMs: performance.now() - started };
      modules.set(digest, compiled);
      return { type: 'ready', prepared: compiled };
    },
    execute: (prepared, task, caps) => executeModule(scaffold, prepared, task, caps),
    tidy: () => scaffold.memories.scrub(),
  };
}

/**
 * The worker side, identical in a Web Worker and a worker thread: keeps compiled modules warm by
 * digest and runs one task at a time. Replies are plain data; nothing throws across the boundary.
 */
export function createRuntimeWorker(cacheEntries = MODULE_CACHE_ENTRIES): RuntimeWorker {
  const runner = createBatchRunner(cacheEntries);

  async function run(raw: unknown): Promise<RunReply> {
    const request = parseRunRequest(raw);
    if (!request.ok) return { type: 'outcome', outcome: failedOutcome(`bad run request: ${request.error}`, 0), moduleCached: false };
    const { digest, bytes, task, stdioCapBytes, outputFilesCapBytes } = request.value;
    const lookup = await runner.moduleFor(digest, bytes);
    switch (lookup.type) {
      case 'missing':
        return { type: 'module_missing' };
      case 'invalid':
        return { type: 'outcome', outcome: failedOutcome(`invalid module ${digest}: ${lookup.error}`, lookup.durationMs), moduleCached: false };
      case 'ready':
        return { type: 'outcome', outcome: await runner.execute(lookup.prepared, task, { stdioCapBytes, outputFilesCapBytes }), moduleCached: true };
    }
  }

  return {
    ping: () => Promise.resolve(WORKER_PROTOCOL_VERSION),
    open(port, progress) {
      serveBatches(runner, port, progress === null ? null : progressCells(progress));
      return Promise.resolve();
    },
    async run(raw) {
      try {
        return await run(raw);
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

// WebAssembly.compile refuses views of a SharedArrayBuffer; bytes that came through postMessage never are.
function unshared(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
