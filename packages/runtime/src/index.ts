// Environment-neutral surface: types and pure helpers. Pools live at "@tabgrid/runtime/browser"
// and "@tabgrid/runtime/node".
export type { ModuleRef, PoolOptions, PoolTimers, TaskOutcome, TaskSpec, TaskStatus, WorkerPool } from './types';
export { DEFAULT_STDIO_CAP_BYTES, MAX_GUEST_PATH_LENGTH } from './limits';
export { normalizeGuestPath, planGuestFiles } from './guest-path';
