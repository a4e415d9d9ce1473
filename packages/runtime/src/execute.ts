import { WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { CappedSink } from './capped-sink';
import { buildDefaultRoot, collectFiles, nodeToTree, preopen, treeToNode } from './guest-fs';
import { planGuestFiles } from './guest-path';
import { DEFAULT_FUEL, DEFAULT_MEMORY_LIMIT_PAGES, MAX_MEMORY_PAGES } from './limits';
import { MemoryPool, PAGE_BYTES } from './memory-pool';
import { MEMORY_IMPORT, type MemoryLimits } from './module-imports';
import { describeThrown, failedOutcome } from './outcome';
import type { GuestDir, TaskOutcome, TaskSpec } from './types';
import { SinkFd, SourceFd, type AnyFd, type DirFd } from './wasi/fds';
import { GuestWasi } from './wasi/guest-wasi';
import type { FsContext } from './wasi/inodes';
import { SeededRandom } from './wasi/prng';
import { VirtualClock } from './wasi/virtual-clock';

/** A compiled module with what the worker learnt from its bytes. */
export interface PreparedModule {
  module: WebAssembly.Module;
  /** Limits of the `tabgrid.memory` import; null when the module defines its own memory. */
  memoryImport: MemoryLimits | null;
}

export interface ExecuteCaps {
  stdioCapBytes: number;
  outputFilesCapBytes: number;
}

export const FUEL_EXPORT = '__tabgrid_fuel';

interface CommandExports {
  memory: WebAssembly.Memory;
  _start: () => unknown;
}

/** What a worker builds once and lends to each task in turn. */
export interface Scaffold {
  wasi: GuestWasi;
  memories: MemoryPool;
}

export function createScaffold(): Scaffold {
  return { wasi: new GuestWasi(), memories: new MemoryPool() };
}

/**
 * Runs one WASI command to completion on the current thread. Never throws: every failure,
 * guest or host, becomes an outcome. Borrows the scaffold for the run and hands it back clean.
 */
export async function executeModule(scaffold: Scaffold, prepared: PreparedModule, task: TaskSpec, caps: ExecuteCaps): Promise<TaskOutcome> {
  const held: { lease: MemoryLease | null } = { lease: null };
  try {
    return await runCommand(scaffold, prepared, task, caps, held);
  } finally {
    scaffold.wasi.end();
    if (held.lease !== null) scaffold.memories.give(held.lease.memory, held.lease.initial, held.lease.maximum);
  }
}

interface MemoryLease {
  memory: WebAssembly.Memory;
  initial: number;
  maximum: number;
}

async function runCommand(
  scaffold: Scaffold,
  prepared: PreparedModule,
  task: TaskSpec,
  caps: ExecuteCaps,
  held: { lease: MemoryLease | null },
): Promise<TaskOutcome> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const stdout = new CappedSink(caps.stdioCapBytes);
  const stderr = new CappedSink(caps.stdioCapBytes);
  const budget = BigInt(task.fuel ?? DEFAULT_FUEL);
  const memoryLimit = task.memoryLimitPages ?? DEFAULT_MEMORY_LIMIT_PAGES;
  const { wasi } = scaffold;

  let fuel: WebAssembly.Global | null = null;
  const fuelUsed = (): bigint => {
    if (fuel === null) return 0n;
    const remaining = fuel.value as bigint;
    return budget - (remaining > 0n ? remaining : 0n);
  };
  const clock = new VirtualClock(fuelUsed);
  let nextIno = 1n;
  const ctx: FsContext = { now: () => clock.realtime(), nextIno: () => nextIno++ };

  let instance: WebAssembly.Instance;
  let root: DirFd | null = null;
  let preopens: Array<[string, DirFd]> = [];
  try {
    const argvError = findArgvError(task);
    if (argvError !== null) return failedOutcome(argvError, elapsed());
    if (task.preopens === undefined) {
      root = buildDefaultRoot(ctx, planGuestFiles(task.files));
    } else {
      if (Object.keys(task.files).length > 0) return failedOutcome('task.files must be empty when task.preopens is given', elapsed());
      preopens = Object.entries(task.preopens).map(([name, tree]) => [name, preopen(name, treeToNode(ctx, tree))]);
    }
    const fds: AnyFd[] = [
      new SourceFd(task.stdin),
      new SinkFd((bytes) => stdout.write(bytes)),
      new SinkFd((bytes) => stderr.write(bytes)),
      ...(root === null ? preopens.map(([, fd]) => fd) : [root]),
    ];
    const env = Object.entries(task.env).map(([key, value]) => `${key}=${value}`);
    const random = SeededRandom.cached(task.seed ?? '') ?? (await SeededRandom.fromSeed(task.seed ?? ''));
    wasi.begin({
      args: [task.programName, ...task.args],
      env,
      fds,
      clock,
      random,
      ctx,
      onHostError: (call, thrown) => stderr.note(`runtime: host error in ${call}: ${describeThrown(thrown)}\n`),
    });
    const imports: WebAssembly.Imports = { wasi_snapshot_preview1: wasi.wasiImport };
    const declared = prepared.memoryImport;
    if (declared !== null) {
      const leased = reserving(() => importedMemory(scaffold.memories, declared, memoryLimit));
      const lease = leased instanceof Promise ? await leased : leased;
      if (typeof lease === 'string') return failedOutcome(lease, elapsed());
      held.lease = lease;
      imports[MEMORY_IMPORT.module] = { [MEMORY_IMPORT.name]: lease.memory };
    }
    // Synchronous: workers may block, and it spares a turn of the event loop per task.
    const made = reserving(() => new WebAssembly.Instance(prepared.module, imports));
    instance = made instanceof Promise ? await made : made;
  } catch (thrown) {
    return failedOutcome(`cannot start module: ${describeThrown(thrown)}`, elapsed());
  }
  const exports = asCommand(instance.exports);
  if (typeof exports === 'string') return failedOutcome(exports, elapsed());
  const memoryProblem = ownMemoryProblem(exports.memory, prepared, memoryLimit);
  if (memoryProblem !== null) return failedOutcome(memoryProblem, elapsed());
  const fuelExport = instance.exports[FUEL_EXPORT];
  if (fuelExport instanceof WebAssembly.Global) {
    try {
      fuelExport.value = budget;
    } catch (thrown) {
      return failedOutcome(`${FUEL_EXPORT} must be a mutable i64 global: ${describeThrown(thrown)}`, elapsed());
    }
    fuel = fuelExport;
  }

  let exitCode: number | null;
  let outOfFuel = false;
  try {
    exitCode = wasi.start({ exports });
  } catch (thrown) {
    exitCode = null;
    outOfFuel = fuel !== null && (fuel.value as bigint) < 0n;
    stderr.note(outOfFuel ? `out of fuel: the budget of ${budget} ran out\n` : `${describeTrap(thrown)}\n`);
  }
  if (exitCode !== null && exports.memory.buffer.byteLength > memoryLimit * PAGE_BYTES) {
    // A module with its own memory and no declared maximum is capped only after the fact.
    stderr.note(`memory limit exceeded: the guest grew its memory past ${memoryLimit} pages\n`);
    exitCode = null;
  }
  const output = root === null ? { files: {}, truncated: false } : collectFiles(root.node.entries.get('output'), '/output', caps.outputFilesCapBytes);
  const outcome: TaskOutcome = {
    status: outOfFuel ? 'out_of_fuel' : exitCode === 0 ? 'ok' : 'error',
    exitCode,
    stdout: stdout.bytes(),
    stderr: stderr.bytes(),
    truncated: stdout.truncated || stderr.truncated || output.truncated,
    durationMs: elapsed(),
    fuelUsed: Number(fuelUsed()),
    files: output.files,
  };
  if (task.returnPreopens === true) {
    const trees: Record<string, GuestDir> = {};
    for (const [name, fd] of preopens) trees[name] = nodeToTree(fd.node);
    outcome.preopens = trees;
  }
  return outcome;
}

const RESERVE_RETRIES = 6;

/**
 * Runs `make`, which creates a wasm memory, and retries it when the engine cannot reserve the
 * address space yet: a burst of short tasks can outrun the release of dead instances' memories
 * (seen in Chromium at thousands of tasks a second), which fails as a RangeError. A first try that
 * works returns the value itself, so the usual task does not wait a turn for it.
 */
function reserving<T>(make: () => T): T | Promise<T> {
  try {
    return make();
  } catch (thrown) {
    if (!isRefusal(thrown)) throw thrown;
    return retryReserving(make);
  }
}

async function retryReserving<T>(make: () => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 2 ** attempt));
    try {
      return make();
    } catch (thrown) {
      if (!isRefusal(thrown) || attempt + 1 >= RESERVE_RETRIES) throw thrown;
    }
  }
}

function isRefusal(thrown: unknown): boolean {
  return thrown instanceof RangeError && /out of memory|could not allocate memory/i.test(thrown.message);
}

function importedMemory(memories: MemoryPool, declared: MemoryLimits, limitPages: number): MemoryLease | string {
  if (declared.initial > limitPages) {
    return `module needs ${declared.initial} pages (${declared.initial / 16} MiB) of memory at start; the limit is ${limitPages} pages`;
  }
  const maximum = Math.min(declared.maximum ?? MAX_MEMORY_PAGES, limitPages);
  return { memory: memories.take(declared.initial, maximum), initial: declared.initial, maximum };
}

/**
 * A module that defines its own memory keeps its declared maximum (we do not rewrite modules);
 * one whose initial size is already over the limit is refused. Prepared modules import theirs.
 */
function ownMemoryProblem(memory: WebAssembly.Memory, prepared: PreparedModule, limitPages: number): string | null {
  if (prepared.memoryImport !== null) return null;
  const pages = memory.buffer.byteLength / PAGE_BYTES;
  return pages > limitPages ? `module starts with ${pages} pages of memory; the limit is ${limitPages} pages` : null;
}

function asCommand(exports: WebAssembly.Exports): CommandExports | string {
  const memory = exports['memory'];
  const start = exports['_start'];
  if (!(memory instanceof WebAssembly.Memory)) return 'module does not export its memory as "memory"';
  if (typeof start !== 'function') return 'module has no "_start" export: not a WASI command';
  return { memory, _start: start as () => unknown };
}

function describeTrap(thrown: unknown): string {
  if (thrown instanceof WebAssembly.RuntimeError) return `wasm trap: ${thrown.message}`;
  // WASIProcExit escaping start() means proc_exit was reached re-entrantly; report it plainly.
  if (thrown instanceof WASIProcExit) return `exit ${thrown.code} during another host call`;
  return `guest aborted: ${describeThrown(thrown)}`;
}

// argv and environ cross into the guest as NUL-terminated strings.
function findArgvError({ programName, args, env }: TaskSpec): string | null {
  if ([programName, ...args].some((arg) => arg.includes('\0'))) return 'arguments must not contain NUL bytes';
  for (const key of Object.keys(env)) {
    if (key === '' || key.includes('=') || key.includes('\0')) return `invalid environment variable name ${JSON.stringify(key)}`;
    if (env[key]?.includes('\0')) return `environment variable ${key} contains a NUL byte`;
  }
  return null;
}
