/** Collects guest output up to a byte cap; the rest is dropped and remembered as truncation. */
export class CappedSink {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;
  #truncated = false;
  #notes = '';

  constructor(readonly capBytes: number) {}

  get truncated(): boolean {
    return this.#truncated;
  }

  write(data: Uint8Array): void {
    const room = this.capBytes - this.#length;
    if (data.length > room) this.#truncated = true;
    const kept = data.length > room ? data.subarray(0, Math.max(room, 0)) : data;
    if (kept.length === 0) return;
    // The WASI shim hands us a copy of guest memory, so keeping a view is safe.
    this.#chunks.push(kept);
    this.#length += kept.length;
  }

  /** Host diagnostics (trap messages) go past the cap: they are short and must not be lost. */
  note(line: string): void {
    this.#notes += line;
  }

  bytes(): Uint8Array {
    const notes = new TextEncoder().encode(
      this.#notes && this.#length > 0 && this.#lastByte() !== 0x0a ? `\n${this.#notes}` : this.#notes,
    );
    const out = new Uint8Array(this.#length + notes.length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    out.set(notes, offset);
    return out;
  }

  #lastByte(): number | undefined {
    const last = this.#chunks[this.#chunks.length - 1];
    return last?.[last.length - 1];
  }
}
