import { WASI, WASIProcExit, wasi } from '@bjorn3/browser_wasi_shim';
import { fdImports } from './fd-imports';
import { FdTable, GuestFault } from './fd-table';
import type { AnyFd } from './fds';
import type { FsContext } from './inodes';
import { pathImports } from './path-imports';
import { pollOneoff } from './poll';
import type { SeededRandom } from './prng';
import { CLOCK_RESOLUTION_NS, type VirtualClock } from './virtual-clock';

const utf8 = new TextEncoder();
type Import = (...args: never[]) => unknown;

/** Everything a task's imports may read or change; swapped whole between tasks. */
export interface GuestTask {
  args: string[];
  env: string[];
  fds: AnyFd[];
  clock: VirtualClock;
  random: SeededRandom;
  ctx: FsContext;
  /** Host-side failures inside an import (our bugs): reported, never thrown into the guest. */
  onHostError(call: string, thrown: unknown): void;
}

/**
 * The shim's WASI (argv, environ, proc_exit, start) with every other import replaced by ours:
 * our descriptor table and in-memory filesystem, a virtual clock, seeded randomness, and a
 * poll_oneoff that never blocks. Every import is guarded so a JS exception never escapes into
 * the host: bad guest pointers become FAULT, anything else IO.
 *
 * Built once per worker (building the ~45 guarded imports was a measurable share of a short task):
 * the imports reach all per-task state through `#task`, the shim's fields and the table, which
 * `begin` replaces whole and `end` clears, so nothing of one task is reachable from the next.
 */
export class GuestWasi extends WASI {
  #task: GuestTask | null = null;
  readonly #table: FdTable;

  constructor() {
    // The shim logs every call unless told not to.
    super([], [], [], { debug: false });
    const table = new FdTable(() => this.inst.exports.memory);
    this.#table = table;
    const task = (): GuestTask => {
      if (this.#task === null) throw new Error('no task is running');
      return this.#task;
    };
    const clock = (): VirtualClock => task().clock;
    const ours: Record<string, Import> = {
      ...fdImports(table),
      ...pathImports(table),
      poll_oneoff: pollOneoff(table, clock),
      // The shim sizes argv by UTF-16 length but writes UTF-8, so non-ASCII args would overrun the guest's buffer.
      args_sizes_get: (argcPtr: number, sizePtr: number): number => {
        table.u32(argcPtr, this.args.length);
        table.u32(sizePtr, this.args.reduce((sum, arg) => sum + utf8.encode(arg).length + 1, 0));
        return wasi.ERRNO_SUCCESS;
      },
      clock_res_get: (id: number, ptr: number): number => {
        if (id >>> 0 > wasi.CLOCKID_THREAD_CPUTIME_ID) return wasi.ERRNO_INVAL;
        table.u64(ptr, CLOCK_RESOLUTION_NS);
        return wasi.ERRNO_SUCCESS;
      },
      clock_time_get: (id: number, _precision: bigint, ptr: number): number => {
        if (id >>> 0 > wasi.CLOCKID_THREAD_CPUTIME_ID) return wasi.ERRNO_INVAL;
        const now = clock();
        now.tick();
        table.u64(ptr, id === wasi.CLOCKID_REALTIME ? now.realtime() : now.monotonic());
        return wasi.ERRNO_SUCCESS;
      },
      random_get: (ptr: number, len: number): number => {
        task().random.fill(table.slice(ptr, len));
        return wasi.ERRNO_SUCCESS;
      },
      sched_yield: () => wasi.ERRNO_SUCCESS,
      // Signals do not exist in preview1 as wasmtime implements it.
      proc_raise: () => wasi.ERRNO_NOSYS,
      sock_accept: (fd: number) => notSocket(table, fd),
      sock_recv: (fd: number) => notSocket(table, fd),
      sock_send: (fd: number) => notSocket(table, fd),
      sock_shutdown: (fd: number) => notSocket(table, fd),
    };
    const imports: Record<string, Import> = { ...(this.wasiImport as Record<string, Import>), ...ours };
    const onHostError = (call: string, thrown: unknown): void => task().onHostError(call, thrown);
    for (const [name, call] of Object.entries(imports)) imports[name] = guard(name, call, onHostError);
    this.wasiImport = imports as typeof this.wasiImport;
  }

  /** Makes `task` the state every import sees, until `end`. */
  begin(task: GuestTask): void {
    this.#task = task;
    this.args = task.args;
    this.env = task.env;
    this.fds = task.fds;
    this.#table.reset(task.fds, task.ctx);
  }

  /** Drops every reference to the task and its instance, so neither outlives it. */
  end(): void {
    this.#task = null;
    this.args = [];
    this.env = [];
    this.fds = [];
    this.#table.clear();
    this.inst = undefined as unknown as typeof this.inst;
  }
}

function notSocket(table: FdTable, fd: number): number {
  return table.get(fd) === undefined ? wasi.ERRNO_BADF : wasi.ERRNO_NOTSOCK;
}

function guard(name: string, call: Import, onHostError: GuestTask['onHostError']): Import {
  return (...args: never[]) => {
    try {
      return call(...args);
    } catch (thrown) {
      if (thrown instanceof WASIProcExit) throw thrown;
      // DataView and typed-array accessors throw RangeError for pointers past the end of memory.
      if (thrown instanceof GuestFault || thrown instanceof RangeError) return wasi.ERRNO_FAULT;
      onHostError(name, thrown);
      return wasi.ERRNO_IO;
    }
  };
}
