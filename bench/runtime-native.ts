// Native builds of the example functions' C sources (gcc -O2), the baseline of the runtime bench.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SOURCES = path.resolve(import.meta.dirname, '../public/functions/src');

export interface NativeBuild {
  /** Absolute path of the binary, or null with the reason when it could not be built. */
  binary: string | null;
  note: string | null;
}

/** Compiles `public/functions/src/<name>.c` into a fresh temp dir; `cleanup()` removes it. */
export function buildNative(names: readonly string[]): { builds: Map<string, NativeBuild>; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-bench-native-'));
  const builds = new Map<string, NativeBuild>();
  const gcc = process.env.CC_NATIVE ?? 'gcc';
  for (const name of names) {
    const binary = path.join(dir, name);
    const cc = spawnSync(gcc, ['-O2', '-o', binary, path.join(SOURCES, `${name}.c`)], { encoding: 'utf8' });
    if (cc.error) builds.set(name, { binary: null, note: `${gcc} not found: native baseline skipped` });
    else if (cc.status !== 0) builds.set(name, { binary: null, note: `${gcc} failed: ${cc.stderr.trim().split('\n')[0]}` });
    else builds.set(name, { binary, note: null });
  }
  return { builds, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** One run of a native binary: wall time in ms (process start included, ~1 ms) and its stdout. */
export function runNative(binary: string, args: readonly string[]): { ms: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${binary} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return { ms, stdout: run.stdout };
}
