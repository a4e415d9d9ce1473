// Minimal reader/writer for the WebAssembly binary format: LEB128, sections, byte splicing.
// Just enough to rewrite a module without re-encoding the parts we do not touch.
import { TabgridError } from '@tabgrid/protocol';

/** Thrown for bytes that do not parse; `prepareModule` turns it into a 400 `invalid_wasm`. */
export function malformed(what: string): TabgridError {
  return new TabgridError('invalid_wasm', `malformed WebAssembly module: ${what}`);
}

export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.byteLength,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  byte(): number {
    if (this.pos >= this.end) throw malformed(`unexpected end at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
  }

  skip(n: number): void {
    if (this.pos + n > this.end) throw malformed(`unexpected end at byte ${this.pos}`);
    this.pos += n;
  }

  /** Unsigned LEB128 up to 32 bits (indices, counts, sizes). */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      if (shift === 28 && b > 0x0f) throw malformed(`u32 out of range at byte ${this.pos - 1}`);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }

  /** Unsigned LEB128 up to 64 bits, as a bigint (memory64 limits and offsets). */
  u64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw malformed(`u64 too long at byte ${this.pos}`);
  }

  /** Any signed or unsigned LEB128 whose value we do not need (constants, s33 block types). */
  skipLeb(): void {
    for (let i = 0; i < 10; i++) if ((this.byte() & 0x80) === 0) return;
    throw malformed(`LEB128 too long at byte ${this.pos}`);
  }

  name(): string {
    const len = this.u32();
    const start = this.pos;
    this.skip(len);
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytes.subarray(start, start + len));
  }
}

export class Writer {
  private chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  byte(b: number): this {
    this.pending.push(b);
    this.size++;
    return this;
  }

  u32(value: number): this {
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  u64(value: bigint): this {
    let v = value;
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      this.byte(b);
    } while (v !== 0n);
    return this;
  }

  s64(value: bigint): this {
    let v = value;
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  name(text: string): this {
    const encoded = new TextEncoder().encode(text);
    return this.u32(encoded.byteLength).raw(encoded);
  }

  raw(bytes: Uint8Array): this {
    this.flushPending();
    if (bytes.byteLength > 0) this.chunks.push(bytes);
    this.size += bytes.byteLength;
    return this;
  }

  get length(): number {
    return this.size;
  }

  finish(): Uint8Array<ArrayBuffer> {
    this.flushPending();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.pending = [];
  }
}

export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** Position of each known section id in the order the spec requires (custom sections go anywhere). */
const SECTION_ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

export function sectionOrder(id: number): number {
  return SECTION_ORDER[id] ?? 0;
}

export interface Section {
  id: number;
  /** The section's payload (without id and size). */
  body: Uint8Array;
}

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.byteLength < 8 || MAGIC_AND_VERSION.some((b, i) => bytes[i] !== b)) {
    throw new TabgridError('invalid_wasm', 'not a WebAssembly module: the \\0asm version 1 header is missing');
  }
  const r = new Reader(bytes, 8);
  const sections: Section[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    sections.push({ id, body: bytes.subarray(start, start + size) });
  }
  return sections;
}

export function writeModule(sections: readonly Section[]): Uint8Array<ArrayBuffer> {
  const w = new Writer().raw(Uint8Array.from(MAGIC_AND_VERSION));
  for (const s of sections) w.byte(s.id).u32(s.body.byteLength).raw(s.body);
  return w.finish();
}

/** Inserts `section` before the first non-custom section that must come after it. */
export function insertSection(sections: Section[], section: Section): void {
  const order = sectionOrder(section.id);
  const at = sections.findIndex((s) => s.id !== SECTION.custom && sectionOrder(s.id) > order);
  sections.splice(at === -1 ? sections.length : at, 0, section);
}
