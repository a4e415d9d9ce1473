// Test support: runs a (prepared or original) WASI command the way the runtime does — the shim,
// a host-made `tabgrid.memory`, the fuel global set before `_start` and read after.
import { Directory, File, OpenFile, PreopenDirectory, WASI, WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import type { MemoryLimits } from './prepare-module';

const wabt = await wabtInit();

export function exampleFunction(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(new URL(`../../../../public/functions/${name}.wasm`, import.meta.url)));
}

export function fromWat(text: string, features: Record<string, boolean> = {}): Uint8Array<ArrayBuffer> {
  const parsed = wabt.parseWat('test.wat', text, features);
  try {
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

export function toWat(bytes: Uint8Array): string {
  const module = wabt.readWasm(bytes, { readDebugNames: false, mutable_globals: true, sat_float_to_int: true, sign_extension: true, bulk_memory: true });
  try {
    return module.toText({ foldExprs: false, inlineExport: false });
  } finally {
    module.destroy();
  }
}

export interface RunOptions {
  args?: string[];
  stdin?: string;
  /** Budget for a metered module (the `__tabgrid_fuel` global); omit for an unmetered one. */
  fuel?: bigint;
  /** Limits of the memory to provide as `tabgrid.memory`; omit for a module that defines its own. */
  memory?: MemoryLimits;
  /** Files under the preopened `/` (path → contents), e.g. `input/a.txt`. */
  files?: Record<string, string>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  trap: Error | null;
  /** The fuel global after the run (metered modules only). */
  remaining: bigint | null;
}

export async function runWasi(bytes: Uint8Array<ArrayBuffer>, options: RunOptions = {}): Promise<RunResult> {
  const stdout = new File([]);
  const stderr = new File([]);
  const root = new Map<string, File | Directory>([
    ['input', new Directory(new Map())],
    ['output', new Directory(new Map())],
  ]);
  for (const [path, text] of Object.entries(options.files ?? {})) {
    const [dir, name] = path.split('/') as [string, string];
    (root.get(dir) as Directory).contents.set(name, new File(new TextEncoder().encode(text)));
  }
  const fds = [
    new OpenFile(new File(new TextEncoder().encode(options.stdin ?? ''))),
    new OpenFile(stdout),
    new OpenFile(stderr),
    new PreopenDirectory('/', root),
  ];
  const wasi = new WASI(['main', ...(options.args ?? [])], [], fds, { debug: false });
  const imports: WebAssembly.Imports = { wasi_snapshot_preview1: wasi.wasiImport };
  if (options.memory) {
    const { initialPages, maximumPages } = options.memory;
    imports.tabgrid = { memory: new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages ?? 65536 }) };
  }
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  const fuel = instance.exports.__tabgrid_fuel as WebAssembly.Global | undefined;
  if (options.fuel !== undefined) {
    if (!fuel) throw new Error('the module is not metered');
    fuel.value = options.fuel;
  }
  let exitCode: number | null = null;
  let trap: Error | null = null;
  try {
    exitCode = wasi.start(instance as Parameters<WASI['start']>[0]);
  } catch (e) {
    if (e instanceof WASIProcExit) exitCode = e.code;
    else trap = e as Error;
  }
  const decode = (f: File) => new TextDecoder().decode(f.data);
  return { stdout: decode(stdout), stderr: decode(stderr), exitCode, trap, remaining: fuel ? (fuel.value as bigint) : null };
}

/** fuelUsed as the runtime reports it. */
export function fuelUsed(budget: bigint, remaining: bigint | null): bigint {
  if (remaining === null) throw new Error('the module is not metered');
  return budget - (remaining > 0n ? remaining : 0n);
}
