export const PAGE_BYTES = 65536;
/** Zeroing a larger memory costs more than mapping a fresh one. */
export const REUSE_MAX_BYTES = 1024 * 1024;
/** Distinct (initial, maximum) shapes kept; a worker runs one task at a time, so one memory each. */
const MAX_SHAPES = 4;

/**
 * Imported guest memories (`tabgrid.memory`) kept for the next task of the same shape. A memory
 * comes back only if the guest left it at its initial size, and is zeroed on the way in; a new
 * instance re-applies its data segments, so a reused memory is indistinguishable from a fresh one.
 */
export class MemoryPool {
  readonly #free = new Map<string, WebAssembly.Memory>();

  take(initial: number, maximum: number): WebAssembly.Memory {
    const key = shapeKey(initial, maximum);
    const memory = this.#free.get(key);
    if (memory === undefined) return new WebAssembly.Memory({ initial, maximum });
    this.#free.delete(key);
    return memory;
  }

  give(memory: WebAssembly.Memory, initial: number, maximum: number): void {
    const bytes = memory.buffer.byteLength;
    if (bytes !== initial * PAGE_BYTES || bytes > REUSE_MAX_BYTES) return;
    new Uint8Array(memory.buffer).fill(0);
    const key = shapeKey(initial, maximum);
    this.#free.delete(key);
    if (this.#free.size >= MAX_SHAPES) this.#free.delete(this.#free.keys().next().value as string);
    this.#free.set(key, memory);
  }
}

function shapeKey(initial: number, maximum: number): string {
  return `${initial}:${maximum}`;
}
