export const PAGE_BYTES = 65536;
/** Zeroing a larger memory costs more than mapping a fresh one. */
export const REUSE_MAX_BYTES = 1024 * 1024;
/** Distinct (initial, maximum) shapes kept; a worker runs one task at a time, so one memory each. */
const MAX_SHAPES = 4;

/**
 * Imported guest memories (`tabgrid.memory`) kept for the next task of the same shape. A memory
 * comes back only if the guest left it at its initial size, and is zeroed before it is handed out
 * again; a new instance re-applies its data segments, so a reused memory is indistinguishable
 * from a fresh one.
 */
export class MemoryPool {
  readonly #free = new Map<string, WebAssembly.Memory>();
  /** Given back and not yet zeroed: `scrub` zeroes them while the worker waits, `take` if it did not. */
  readonly #dirty = new Set<WebAssembly.Memory>();

  take(initial: number, maximum: number): WebAssembly.Memory {
    const key = shapeKey(initial, maximum);
    const memory = this.#free.get(key);
    if (memory === undefined) return new WebAssembly.Memory({ initial, maximum });
    this.#free.delete(key);
    this.#zero(memory);
    return memory;
  }

  give(memory: WebAssembly.Memory, initial: number, maximum: number): void {
    const bytes = memory.buffer.byteLength;
    if (bytes !== initial * PAGE_BYTES || bytes > REUSE_MAX_BYTES) return;
    const key = shapeKey(initial, maximum);
    const replaced = this.#free.get(key);
    if (replaced !== undefined) this.#dirty.delete(replaced);
    this.#free.delete(key);
    if (this.#free.size >= MAX_SHAPES) this.#evictOldest();
    this.#free.set(key, memory);
    this.#dirty.add(memory);
  }

  /** Zeroes what tasks gave back, off the path of any task: the worker calls it once its results are sent. */
  scrub(): void {
    for (const memory of this.#dirty) this.#zero(memory);
  }

  #zero(memory: WebAssembly.Memory): void {
    if (!this.#dirty.delete(memory)) return;
    new Uint8Array(memory.buffer).fill(0);
  }

  #evictOldest(): void {
    const [key, memory] = this.#free.entries().next().value as [string, WebAssembly.Memory];
    this.#free.delete(key);
    this.#dirty.delete(memory);
  }
}

function shapeKey(initial: number, maximum: number): string {
  return `${initial}:${maximum}`;
}
