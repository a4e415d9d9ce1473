// The guest side of the runtime bench, shared by Node (imported) and the Chromium worker (its
// source is sent as text): instantiate a compiled module with @bjorn3/browser_wasi_shim, as the
// runtime does, give it `tabgrid.memory` and a fuel budget when it asks for them, and time one run.
import type * as Shim from '@bjorn3/browser_wasi_shim';

export interface GuestRun {
  ms: number;
  stdout: string;
  exitCode: number;
  /** null for an unmetered module. */
  fuelUsed: string | null;
}

export interface GuestSpec {
  args: string[];
  /** Limits of `tabgrid.memory` when the module imports it. */
  memory: { initialPages: number; maximumPages: number | null } | null;
}

const BUDGET = 2n ** 62n;

export function runGuest(shim: typeof Shim, module: WebAssembly.Module, spec: GuestSpec): GuestRun {
  const started = performance.now();
  const stdout = new shim.File([]);
  const fds = [new shim.OpenFile(new shim.File([])), new shim.OpenFile(stdout), new shim.OpenFile(new shim.File([]))];
  const wasi = new shim.WASI(['bench', ...spec.args], [], fds, { debug: false });
  const imports: WebAssembly.Imports = { wasi_snapshot_preview1: wasi.wasiImport };
  if (spec.memory) {
    // A per-task cap as the runtime would set it: 1 GiB, or less if the module says so.
    const maximum = Math.min(spec.memory.maximumPages ?? 16384, 16384);
    imports.tabgrid = { memory: new WebAssembly.Memory({ initial: spec.memory.initialPages, maximum }) };
  }
  const instance = new WebAssembly.Instance(module, imports);
  const fuel = instance.exports.__tabgrid_fuel as WebAssembly.Global | undefined;
  if (fuel) fuel.value = BUDGET;
  let exitCode: number;
  try {
    exitCode = wasi.start(instance as Parameters<Shim.WASI['start']>[0]);
  } catch (e) {
    if (e instanceof shim.WASIProcExit) exitCode = e.code;
    else throw e;
  }
  const ms = performance.now() - started;
  const remaining = fuel ? (fuel.value as bigint) : null;
  return {
    ms,
    stdout: new TextDecoder().decode(stdout.data),
    exitCode,
    fuelUsed: remaining === null ? null : String(BUDGET - (remaining > 0n ? remaining : 0n)),
  };
}
