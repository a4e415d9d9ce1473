// Prepares an uploaded WASI module for running on volunteers: the module's memory becomes an import
// (so the runtime can cap it per task) and, optionally, a deterministic fuel counter is injected.
//
// The rewrite works on the binary directly and copies every byte it does not need to change: the
// functions keep LLVM's (or any producer's) exact instruction sequence, with stack-neutral metering
// sequences spliced in between instructions (see meter.ts for the cost model and where they go).
// binaryen (lazily loaded, optional) re-validates the output with a second, independent validator.
import { TabgridError } from '@tabgrid/protocol';
import { Reader, SECTION, type Section, Writer, insertSection, malformed, readSections, writeModule } from './binary';
import { type MeterStrategy, meterFunction } from './meter';

export const FUEL_EXPORT = '__tabgrid_fuel';
export const MEMORY_IMPORT = { module: 'tabgrid', name: 'memory' } as const;
/** 64 KiB wasm pages in 4 GiB, the most a 32-bit memory can declare. */
const MAX_PAGES_32 = 65536;

export interface PrepareOptions {
  /** Reject modules whose memory starts larger than this many 64 KiB pages. */
  maxInitialPages: number;
  /** Inject the fuel counter (default true). `false` only moves the memory to an import. */
  meter?: boolean;
  /** How the counter is kept; both count identically (default `local`, the fast one). */
  strategy?: MeterStrategy;
  /** Also validate the output with binaryen (slower: loads ~13 MB of JS once; default false). */
  binaryenValidate?: boolean;
}

export interface MemoryLimits {
  initialPages: number;
  /** The module's declared maximum, or null when it declared none. */
  maximumPages: number | null;
}

export interface PreparedModule {
  /** The rewritten module: imports `tabgrid.memory`; exports `__tabgrid_fuel` when metered. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The limits of the memory the runtime must provide as `tabgrid.memory` (the module's own). */
  memory: MemoryLimits;
  /** The export name the memory keeps (normally `memory`), or null if it was not exported. */
  memoryExport: string | null;
  /** Charge sites injected (0 when not metered). */
  meteredBlocks: number;
}

interface ModuleShape {
  paramsByType: number[];
  importedFunctions: number;
  importedGlobals: number;
  definedFunctionTypes: number[];
  definedGlobals: number;
}

/**
 * Rewrites an uploaded module for the runtime. Throws `TabgridError('invalid_wasm')` for anything
 * it cannot run: malformed bytes, memory64, several or shared memories, an imported memory, a
 * memory starting above `maxInitialPages`, a start section, or instructions from proposals we do
 * not meter (exceptions, GC, threads).
 *
 * Runtime contract: instantiate with `{ tabgrid: { memory } }` where `memory` is a
 * `WebAssembly.Memory` with `initial >= memory.initialPages` and a `maximum` no larger than
 * `memory.maximumPages` (when set). When metered, set the exported i64 global `__tabgrid_fuel` to
 * the budget before calling `_start`; afterwards `fuelUsed = budget - max(remaining, 0)`, and a trap
 * with `remaining < 0` is an out-of-fuel. The global is negative only after the fuel trap.
 */
export async function prepareModule(input: Uint8Array<ArrayBuffer>, options: PrepareOptions): Promise<PreparedModule> {
  const meter = options.meter ?? true;
  const sections = readSections(input);
  const shape = readShape(sections);
  const { limits, memoryExport } = importMemory(sections, options.maxInitialPages);
  // After our own checks, which name the unsupported feature (V8 just says "invalid").
  if (!WebAssembly.validate(input)) throw new TabgridError('invalid_wasm', 'the body is not a valid WebAssembly module');
  let meteredBlocks = 0;
  if (meter) meteredBlocks = addFuel(sections, shape, options.strategy ?? 'local');
  const bytes = writeModule(sections);
  if (!WebAssembly.validate(bytes)) {
    // Our rewrite produced something invalid: a bug here, or an input feature we mis-decoded.
    throw new TabgridError('invalid_wasm', 'the module could not be prepared (the instrumented module does not validate)');
  }
  if (options.binaryenValidate) await validateWithBinaryen(bytes);
  return { bytes, memory: limits, memoryExport, meteredBlocks };
}

function readShape(sections: readonly Section[]): ModuleShape {
  const shape: ModuleShape = { paramsByType: [], importedFunctions: 0, importedGlobals: 0, definedFunctionTypes: [], definedGlobals: 0 };
  for (const s of sections) {
    const r = new Reader(s.body);
    switch (s.id) {
      case SECTION.type:
        for (let n = r.u32(), i = 0; i < n; i++) {
          const form = r.byte();
          if (form !== 0x60) throw new TabgridError('invalid_wasm', `the module uses GC types (type form 0x${form.toString(16)}), which Tabgrid does not run`);
          const params = r.u32();
          r.skip(params);
          r.skip(r.u32());
          shape.paramsByType.push(params);
        }
        break;
      case SECTION.import:
        for (let n = r.u32(), i = 0; i < n; i++) {
          r.name();
          r.name();
          const kind = r.byte();
          if (kind === 0) {
            shape.importedFunctions++;
            r.u32();
          } else if (kind === 3) {
            shape.importedGlobals++;
            r.skip(2);
          } else if (kind === 1) {
            r.byte();
            skipLimits(r);
          } else if (kind === 2) {
            skipLimits(r);
          } else {
            r.byte(); // tag: attribute, type index
            r.u32();
          }
        }
        break;
      case SECTION.function:
        for (let n = r.u32(), i = 0; i < n; i++) shape.definedFunctionTypes.push(r.u32());
        break;
      case SECTION.global:
        shape.definedGlobals = r.u32();
        break;
      case SECTION.start:
        throw new TabgridError('invalid_wasm', `the module has a start function (${r.u32()}): Tabgrid runs WASI commands through _start only`);
    }
  }
  return shape;
}

function skipLimits(r: Reader): void {
  const flags = r.byte();
  r.u64();
  if (flags & 1) r.u64();
}

/** Moves the single defined memory to the import `tabgrid.memory` with the same limits. */
function importMemory(sections: Section[], maxInitialPages: number): { limits: MemoryLimits; memoryExport: string | null } {
  for (const s of sections.filter((x) => x.id === SECTION.import)) {
    const r = new Reader(s.body);
    for (let n = r.u32(), i = 0; i < n; i++) {
      const module = r.name();
      const name = r.name();
      const kind = r.byte();
      if (kind === 2) throw new TabgridError('invalid_wasm', `the module imports its memory (${module}.${name}); it must define it`);
      if (kind === 0) r.u32();
      else if (kind === 3) r.skip(2);
      else if (kind === 1) {
        r.byte();
        skipLimits(r);
      } else {
        r.byte();
        r.u32();
      }
    }
  }
  const memIndex = sections.findIndex((x) => x.id === SECTION.memory);
  const memSection = sections[memIndex];
  if (memSection === undefined) throw new TabgridError('invalid_wasm', 'the module defines no memory: a WASI command must define and export one');
  const r = new Reader(memSection.body);
  const count = r.u32();
  if (count === 0) throw new TabgridError('invalid_wasm', 'the module defines no memory: a WASI command must define and export one');
  if (count > 1) throw new TabgridError('invalid_wasm', `the module defines ${count} memories; Tabgrid runs modules with exactly one`);
  const limitsStart = r.pos;
  const flags = r.byte();
  if (flags & 0x04) throw new TabgridError('invalid_wasm', 'the module uses a 64-bit memory (memory64), which Tabgrid does not run');
  if (flags & 0x02) throw new TabgridError('invalid_wasm', 'the module uses a shared memory (threads), which Tabgrid does not run');
  if (flags & ~0x01) throw new TabgridError('invalid_wasm', `the module's memory has unsupported limit flags 0x${flags.toString(16)}`);
  const initial = r.u64();
  const maximum = flags & 1 ? r.u64() : null;
  if (!r.done) throw malformed('trailing bytes in the memory section');
  if (initial > BigInt(MAX_PAGES_32) || (maximum !== null && (maximum > BigInt(MAX_PAGES_32) || maximum < initial))) {
    throw malformed('memory limits out of range');
  }
  const limits: MemoryLimits = { initialPages: Number(initial), maximumPages: maximum === null ? null : Number(maximum) };
  if (limits.initialPages > maxInitialPages) {
    throw new TabgridError(
      'invalid_wasm',
      `the module's memory starts at ${limits.initialPages} pages (${mib(limits.initialPages)}); the server allows at most ${maxInitialPages} pages (${mib(maxInitialPages)})`,
    );
  }
  const limitsBytes = memSection.body.subarray(limitsStart);
  sections.splice(memIndex, 1);

  const entry = new Writer().name(MEMORY_IMPORT.module).name(MEMORY_IMPORT.name).byte(2).raw(limitsBytes).finish();
  // An imported memory takes index 0 just as the defined one had: exports and data segments stay valid.
  appendEntry(sections, SECTION.import, entry);
  return { limits, memoryExport: findExport(sections, 2, 0) };
}

const mib = (pages: number) => `${(pages * 65536) / 2 ** 20} MiB`;

/** Adds the fuel global and its export, and meters every function body. */
function addFuel(sections: Section[], shape: ModuleShape, strategy: MeterStrategy): number {
  if (findExport(sections, null, null, FUEL_EXPORT) !== null) {
    throw new TabgridError('invalid_wasm', `the module already exports ${FUEL_EXPORT}: was it prepared twice?`);
  }
  const fuelGlobal = shape.importedGlobals + shape.definedGlobals;
  // (global (mut i64) (i64.const 0)): a budget of 0 until the runtime sets one.
  appendEntry(sections, SECTION.global, Uint8Array.from([0x7e, 0x01, 0x42, 0x00, 0x0b]));
  appendEntry(sections, SECTION.export, new Writer().name(FUEL_EXPORT).byte(3).u32(fuelGlobal).finish());

  const codeIndex = sections.findIndex((s) => s.id === SECTION.code);
  const code = sections[codeIndex];
  if (code === undefined) return 0;
  const r = new Reader(code.body);
  const n = r.u32();
  if (n !== shape.definedFunctionTypes.length) throw malformed('function and code section counts differ');
  const w = new Writer().u32(n);
  let charges = 0;
  for (let i = 0; i < n; i++) {
    const size = r.u32();
    const body = code.body.subarray(r.pos, r.pos + size);
    r.skip(size);
    const params = shape.paramsByType[shape.definedFunctionTypes[i]!];
    if (params === undefined) throw malformed(`function ${i} has an unknown type`);
    const metered = meterFunction(body, params, { strategy, fuelGlobal, importedFunctions: shape.importedFunctions });
    charges += metered.charges;
    w.u32(metered.body.byteLength).raw(metered.body);
  }
  sections[codeIndex] = { id: SECTION.code, body: w.finish() };
  return charges;
}

/** Appends one entry to a vector section (creating the section in its place if needed). */
function appendEntry(sections: Section[], id: number, entry: Uint8Array): void {
  const index = sections.findIndex((s) => s.id === id);
  const existing = sections[index];
  if (existing === undefined) {
    insertSection(sections, { id, body: new Writer().u32(1).raw(entry).finish() });
    return;
  }
  const r = new Reader(existing.body);
  const count = r.u32();
  sections[index] = { id, body: new Writer().u32(count + 1).raw(existing.body.subarray(r.pos)).raw(entry).finish() };
}

/** The name of an export of `kind` (0 func, 2 memory, 3 global; null: any) with index `index` or name `name`. */
function findExport(sections: readonly Section[], kind: number | null, index: number | null, name?: string): string | null {
  const s = sections.find((x) => x.id === SECTION.export);
  if (s === undefined) return null;
  const r = new Reader(s.body);
  for (let n = r.u32(), i = 0; i < n; i++) {
    const exportName = r.name();
    const k = r.byte();
    const idx = r.u32();
    if ((kind === null || k === kind) && (index === null || idx === index) && (name === undefined || name === exportName)) return exportName;
  }
  return null;
}

async function validateWithBinaryen(bytes: Uint8Array): Promise<void> {
  const { default: binaryen } = await import('binaryen');
  const module = binaryen.readBinary(bytes);
  try {
    module.setFeatures(binaryen.Features.All);
    if (!module.validate()) throw new TabgridError('invalid_wasm', 'the module could not be prepared (binaryen rejects the instrumented module)');
  } finally {
    module.dispose();
  }
}
