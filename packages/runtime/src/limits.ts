export const DEFAULT_STDIO_CAP_BYTES = 1024 * 1024;
export const MAX_GUEST_PATH_LENGTH = 4096;
/** Compiled modules each worker keeps warm. */
export const MODULE_CACHE_ENTRIES = 32;
/** Largest delay setTimeout honours; anything above fires immediately. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Total bytes of /output/ files returned with an outcome. */
export const DEFAULT_OUTPUT_FILES_CAP_BYTES = 16 * 1024 * 1024;
/** 1 GiB of guest memory unless the task says otherwise. */
export const DEFAULT_MEMORY_LIMIT_PAGES = 16384;
/** wasm32's own ceiling: 4 GiB. */
export const MAX_MEMORY_PAGES = 65536;
/** The fuel a metered module gets when the task names no budget: effectively unlimited, yet exact as a double. */
export const DEFAULT_FUEL = 2 ** 62;
/** Most tasks one host-to-worker message carries (and one worker-to-host message answers). */
export const MAX_BATCH_TASKS = 64;
