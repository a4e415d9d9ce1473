/** Bounds on everything that crosses a boundary. Servers may lower them, never raise them past these. */
export const LIMITS = {
  maxModuleBytes: 32 * 1024 * 1024,
  maxStdinBytes: 8 * 1024 * 1024,
  maxArgs: 256,
  maxArgLength: 4096,
  maxEnvEntries: 256,
  maxEnvKeyLength: 256,
  maxEnvValueLength: 4096,
  maxFiles: 64,
  maxFilesBytes: 16 * 1024 * 1024,
  maxPathLength: 4096,
  maxReplicas: 7,
  maxJobTasks: 100_000,
  /** Tasks in one assign or results message. */
  maxBatch: 1024,
  /** stdin + files of all tasks of one job, decoded. */
  maxJobInputBytes: 64 * 1024 * 1024,
  maxTimeoutMs: 10 * 60 * 1000,
  defaultTimeoutMs: 30_000,
  maxFuel: Number.MAX_SAFE_INTEGER,
  maxMemoryMb: 4096,
  defaultMemoryMb: 256,
  /** WebAssembly pages are 64 KiB. */
  pagesPerMb: 16,
  maxRegionLength: 64,
  maxOutputBytes: 16 * 1024 * 1024,
  /** Largest reassembled message on a data channel or relay socket. */
  maxMessageBytes: 64 * 1024 * 1024,
  /** Data channel frames stay well under the 256 KiB SCTP message limit. */
  chunkBytes: 16 * 1024,
} as const;

export const FUNCTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const FUNCTION_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;
