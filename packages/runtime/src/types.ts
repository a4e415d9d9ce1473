import type { CancelSignal } from './cancellation';

/** A compiled-once, content-addressed WebAssembly module. */
export interface ModuleRef {
  /** `sha256:<hex>` of `bytes`; the cache key everywhere. Verified where bytes enter a node, not here. */
  digest: string;
  bytes: Uint8Array;
}

export interface TaskSpec {
  /** argv[1..]; argv[0] is `programName`. */
  args: string[];
  programName: string;
  env: Record<string, string>;
  stdin: Uint8Array;
  /** Guest paths (see `normalizeGuestPath`): relative keys land under /input/. */
  files: Record<string, Uint8Array>;
  timeoutMs: number;
  /** Seeds `random_get` (SHA-256 of the string); replicas given the same seed see the same bytes. Default ''. */
  seed?: string;
  /** Fuel budget for a metered module (one that exports `__tabgrid_fuel`); a non-negative integer. Default 2^62. */
  fuel?: number;
  /** Cap on guest linear memory, in 64 KiB pages. Default `DEFAULT_MEMORY_LIMIT_PAGES`. */
  memoryLimitPages?: number;
  /**
   * Directory trees to preopen by guest name, in key order from fd 3. When given they replace the
   * default "/" (with /input/ and /output/), so `files` must then be empty.
   */
  preopens?: Record<string, GuestDir>;
  /** Return the final state of `preopens` in `TaskOutcome.preopens`. */
  returnPreopens?: boolean;
}

/** A directory tree crossing into or out of the sandbox: entry name to entry. */
export interface GuestDir {
  [name: string]: GuestEntry;
}

export type GuestEntry =
  | { type: 'file'; data: Uint8Array }
  | { type: 'dir'; entries: GuestDir }
  /** Stored verbatim; resolved inside the sandbox when followed. */
  | { type: 'symlink'; target: string };

export type TaskStatus = 'ok' | 'error' | 'timeout' | 'out_of_fuel';

export interface TaskOutcome {
  /** 'ok' iff the guest exited with code 0; a non-zero exit or a trap is 'error'. */
  status: TaskStatus;
  /** null when the guest trapped, timed out or never started. */
  exitCode: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** stdout or stderr hit the cap and was cut, or an output file was left out for the files cap. */
  truncated: boolean;
  durationMs: number;
  /** Fuel the guest consumed; 0 for an unmetered module. Equal on every replica. */
  fuelUsed: number;
  /**
   * Set when the guest did not run to an end because of this host (worker failed to start or
   * died, pool stopped, cancelled) rather than because of the function: retry it elsewhere.
   */
  hostFailure?: string;
  /**
   * Regular files the guest left under /output/, by absolute guest path. Always set by the runtime
   * (empty when there are none); optional only so hand-made outcomes stay valid.
   */
  files?: Record<string, Uint8Array>;
  /** The preopened trees as the guest left them; only when the task asked with `returnPreopens`. */
  preopens?: Record<string, GuestDir>;
}

export interface WorkerPool {
  readonly size: number;
  /** Tasks currently running on a worker (queued tasks are not counted). */
  readonly busy: number;
  /** Never rejects: guest, host and cancellation problems all come back as an outcome. Queues when all workers are busy. */
  run(module: ModuleRef, task: TaskSpec, signal?: CancelSignal): Promise<TaskOutcome>;
  /** Terminates all workers; queued and running tasks resolve as cancelled. */
  stop(): Promise<void>;
}

/** Timer functions the pool uses, injectable so tests can drive time. */
export interface PoolTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds, monotonic. */
  now(): number;
}

export interface PoolOptions {
  size: number;
  /** Cap for stdout and for stderr, each. Default `DEFAULT_STDIO_CAP_BYTES`. */
  stdioCapBytes?: number;
  /** Cap on the total bytes of `TaskOutcome.files`. Default `DEFAULT_OUTPUT_FILES_CAP_BYTES`. */
  outputFilesCapBytes?: number;
  timers?: PoolTimers;
}
