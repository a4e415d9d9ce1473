/** Declared limits of a memory, in 64 KiB pages. */
export interface MemoryLimits {
  initial: number;
  maximum: number | null;
  shared: boolean;
  memory64: boolean;
}

export interface ImportInfo {
  module: string;
  name: string;
  /** 0 func, 1 table, 2 memory, 3 global, 4 tag. */
  kind: number;
  /** Only for memories. */
  limits: MemoryLimits | null;
}

/** Where a prepared module takes its memory from (DESIGN: memory caps via an imported memory). */
export const MEMORY_IMPORT = { module: 'tabgrid', name: 'memory' } as const;

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array, private readonly end = bytes.length) {}

  byte(): number {
    if (this.offset >= this.end) throw new RangeError('unexpected end of module');
    return this.bytes[this.offset++] as number;
  }

  /** Unsigned LEB128 of at most `bits` bits. */
  uleb(bits: 32 | 64): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < Math.ceil(bits / 7); i++) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new RangeError('malformed LEB128 integer');
  }

  name(): string {
    const length = this.uleb(32);
    if (this.offset + length > this.end) throw new RangeError('name runs past its section');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  limits(): MemoryLimits {
    const flags = this.byte();
    if (flags > 7) throw new RangeError(`unknown limits flags 0x${flags.toString(16)}`);
    const memory64 = (flags & 4) !== 0;
    const initial = this.uleb(memory64 ? 64 : 32);
    const maximum = flags & 1 ? this.uleb(memory64 ? 64 : 32) : null;
    return { initial, maximum, shared: (flags & 2) !== 0, memory64 };
  }
}

/**
 * Reads the import section of a wasm binary. Bounded: every read is checked against the section
 * end, so a malformed module is a RangeError, never a hang or an out-of-bounds read. Everything
 * but the import section is skipped without parsing.
 */
export function readImports(bytes: Uint8Array): ImportInfo[] {
  const header = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const expected of magic) if (header.byte() !== expected) throw new RangeError('not a wasm module (bad magic or version)');
  let at = header.offset;
  while (at < bytes.length) {
    const sectionHead = new Reader(bytes);
    sectionHead.offset = at;
    const id = sectionHead.byte();
    const size = sectionHead.uleb(32);
    const start = sectionHead.offset;
    const end = start + size;
    if (end > bytes.length) throw new RangeError(`section ${id} runs past the end of the module`);
    if (id === 2) return readImportSection(bytes, start, end);
    at = end;
  }
  return [];
}

function readImportSection(bytes: Uint8Array, start: number, end: number): ImportInfo[] {
  const reader = new Reader(bytes, end);
  reader.offset = start;
  const count = reader.uleb(32);
  const imports: ImportInfo[] = [];
  for (let i = 0; i < count; i++) {
    const module = reader.name();
    const name = reader.name();
    const kind = reader.byte();
    let limits: MemoryLimits | null = null;
    switch (kind) {
      case 0:
        reader.uleb(32);
        break;
      case 1:
        reader.byte();
        reader.limits();
        break;
      case 2:
        limits = reader.limits();
        break;
      case 3:
        reader.byte();
        reader.byte();
        break;
      case 4:
        reader.byte();
        reader.uleb(32);
        break;
      default:
        throw new RangeError(`import ${module}.${name} has unknown kind ${kind}`);
    }
    imports.push({ module, name, kind, limits });
  }
  return imports;
}

/** The checks a module must pass before it can run: known imports only. Returns a problem or null. */
export function findImportProblem(imports: readonly ImportInfo[]): string | null {
  const unknown = imports
    .filter((entry) => entry.module !== 'wasi_snapshot_preview1' && !(entry.module === MEMORY_IMPORT.module && entry.name === MEMORY_IMPORT.name && entry.kind === 2))
    .map((entry) => `${entry.module}.${entry.name}`);
  if (unknown.length > 0) return `module imports what the runtime does not provide: ${unknown.join(', ')}`;
  const memory = imports.find((entry) => entry.kind === 2);
  if (memory?.limits?.shared) return 'module imports a shared memory, which the runtime does not provide';
  if (memory?.limits?.memory64) return 'module imports a 64-bit memory, which the runtime does not provide';
  return null;
}
