// Environment-neutral surface: types and pure helpers. Pools live at "@tabgrid/runtime/browser"
// and "@tabgrid/runtime/node".
export type { GuestDir, GuestEntry, ModuleRef, PoolOptions, PoolTimers, TaskOutcome, TaskSpec, TaskStatus, WorkerPool } from './types';
export {
  DEFAULT_FUEL,
  DEFAULT_MEMORY_LIMIT_PAGES,
  DEFAULT_OUTPUT_FILES_CAP_BYTES,
  DEFAULT_STDIO_CAP_BYTES,
  MAX_GUEST_PATH_LENGTH,
  MAX_MEMORY_PAGES,
} from './limits';
export { FUEL_EXPORT } from './execute';
export { MEMORY_IMPORT, findImportProblem, readImports, type ImportInfo, type MemoryLimits } from './module-imports';
export { VIRTUAL_EPOCH_NS } from './wasi/virtual-clock';
export { normalizeGuestPath, planGuestFiles } from './guest-path';
export { Lru } from './lru';
export { Cancellation, type CancelSignal } from './cancellation';
