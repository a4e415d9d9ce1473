export const DEFAULT_STDIO_CAP_BYTES = 1024 * 1024;
export const MAX_GUEST_PATH_LENGTH = 4096;
/** Compiled modules each worker keeps warm. */
export const MODULE_CACHE_ENTRIES = 32;
/** Largest delay setTimeout honours; anything above fires immediately. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
