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
}

export type TaskStatus = 'ok' | 'error' | 'timeout' | 'out_of_fuel';

export interface TaskOutcome {
  /** 'ok' iff the guest exited with code 0; a non-zero exit or a trap is 'error'. */
  status: TaskStatus;
  /** null when the guest trapped, timed out or never started. */
  exitCode: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** stdout or stderr hit the cap and was cut. */
  truncated: boolean;
  durationMs: number;
  /** Always 0 until fuel metering lands. */
  fuelUsed: number;
}

export interface WorkerPool {
  readonly size: number;
  /** Tasks currently running on a worker (queued tasks are not counted). */
  readonly busy: number;
  /** Never rejects: guest, host and cancellation problems all come back as an outcome. Queues when all workers are busy. */
  run(module: ModuleRef, task: TaskSpec, signal?: AbortSignal): Promise<TaskOutcome>;
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
  timers?: PoolTimers;
}
