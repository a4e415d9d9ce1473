// CPU-bound example functions: native (gcc -O2) vs the wasm under Node (V8, the shim, in-process)
// vs in a Chromium Web Worker, each unmetered and metered (both fuel strategies: the per-block
// global counter, "before", and the local counter, "after"). One warm-up run per configuration,
// then rounds that interleave every configuration so background load hits all of them alike.
import * as shim from '@bjorn3/browser_wasi_shim';
import fs from 'node:fs';
import path from 'node:path';
import { type PrepareOptions, prepareModule } from '../apps/server/src/wasm/prepare-module';
import { ChromiumWorkerBench } from './runtime-chromium';
import { type GuestRun, type GuestSpec, runGuest } from './runtime-guest';
import { buildNative, runNative } from './runtime-native';

const FUNCTIONS = path.resolve(import.meta.dirname, '../public/functions');

const PROGRAMS = [
  { name: 'sha256', args: ['--zeros', '64'] },
  { name: 'primes', args: ['200000000'] },
] as const;

const VARIANTS: ReadonlyArray<{ key: string; metered: string; options: Omit<PrepareOptions, 'maxInitialPages'> }> = [
  { key: 'unmetered', metered: 'no', options: { meter: false } },
  { key: 'global', metered: 'per-block global (before)', options: { strategy: 'global' } },
  { key: 'local', metered: 'local counter (after)', options: { strategy: 'local' } },
];

export interface RuntimeRow {
  module: string;
  engine: 'native' | 'node' | 'chromium-worker';
  metered: string;
  'median ms': number;
  '× native': number | null;
  '× unmetered': number | null;
  /** The fastest run: the machine's background load shows in the median, much less here. */
  'best ms': number;
  'best × native': number | null;
  runs: number;
  fuelUsed: string | null;
}

interface Config {
  program: (typeof PROGRAMS)[number];
  engine: RuntimeRow['engine'];
  variant: (typeof VARIANTS)[number] | null;
  run: () => Promise<GuestRun | { ms: number; stdout: string }>;
  samples: number[];
  stdout: string | null;
  fuelUsed: string | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

export async function benchRuntime(runs = 5): Promise<{ rows: RuntimeRow[]; notes: string[] }> {
  const notes: string[] = [];
  const prepared = new Map<string, { bytes: Uint8Array<ArrayBuffer>; spec: GuestSpec }>();
  for (const program of PROGRAMS) {
    const original = new Uint8Array(fs.readFileSync(path.join(FUNCTIONS, `${program.name}.wasm`)));
    for (const variant of VARIANTS) {
      const p = await prepareModule(original, { maxInitialPages: 16384, ...variant.options });
      prepared.set(`${program.name}.${variant.key}`, { bytes: p.bytes, spec: { args: [...program.args], memory: p.memory } });
    }
  }

  const native = buildNative(PROGRAMS.map((p) => p.name));
  const chromium = await ChromiumWorkerBench.start(new Map([...prepared].map(([k, v]) => [k, v.bytes])));
  const configs: Config[] = [];
  const config = (c: Omit<Config, 'samples' | 'stdout' | 'fuelUsed'>) => configs.push({ ...c, samples: [], stdout: null, fuelUsed: null });
  for (const program of PROGRAMS) {
    const build = native.builds.get(program.name)!;
    if (build.binary) {
      const binary = build.binary;
      config({ program, engine: 'native', variant: null, run: async () => runNative(binary, program.args) });
    } else notes.push(`${program.name}: ${build.note}`);
    for (const variant of VARIANTS) {
      const key = `${program.name}.${variant.key}`;
      const { bytes, spec } = prepared.get(key)!;
      const module = new WebAssembly.Module(bytes);
      config({ program, engine: 'node', variant, run: async () => runGuest(shim, module, spec) });
      config({ program, engine: 'chromium-worker', variant, run: () => chromium.run(key, spec) });
    }
  }

  try {
    // Warm-up: V8 tiers a long-running `_start` up only after its first run.
    for (const c of configs) await c.run();
    for (let round = 0; round < runs; round++) {
      for (const c of configs) {
        const result = await c.run();
        c.samples.push(result.ms);
        c.stdout ??= result.stdout;
        if (result.stdout !== c.stdout) throw new Error(`${c.program.name} on ${c.engine}: output changed between runs`);
        if ('fuelUsed' in result) {
          if (c.fuelUsed !== null && result.fuelUsed !== c.fuelUsed) throw new Error(`${c.program.name}: fuelUsed changed between runs`);
          c.fuelUsed = result.fuelUsed;
        }
      }
    }
  } finally {
    await chromium.stop();
    native.cleanup();
  }

  const rows: RuntimeRow[] = [];
  for (const program of PROGRAMS) {
    const mine = configs.filter((c) => c.program === program);
    const outputs = new Set(mine.map((c) => c.stdout));
    if (outputs.size !== 1) throw new Error(`${program.name}: engines disagree on the output: ${[...outputs].join(' | ')}`);
    const fuel = new Set(mine.filter((c) => c.variant && c.variant.key !== 'unmetered').map((c) => c.fuelUsed));
    if (fuel.size !== 1) throw new Error(`${program.name}: fuelUsed differs between engines or strategies: ${[...fuel].join(', ')}`);
    const nativeConfig = mine.find((c) => c.engine === 'native');
    const nativeMs = nativeConfig ? median(nativeConfig.samples) : null;
    const nativeBest = nativeConfig ? Math.min(...nativeConfig.samples) : null;
    for (const c of mine) {
      const ms = median(c.samples);
      const unmetered = mine.find((u) => u.engine === c.engine && u.variant?.key === 'unmetered');
      rows.push({
        module: `${program.name} ${program.args.join(' ')}`,
        engine: c.engine,
        metered: c.variant?.metered ?? '—',
        'median ms': round2(ms),
        '× native': nativeMs === null ? null : round2(ms / nativeMs),
        '× unmetered': unmetered && c.variant ? round2(ms / median(unmetered.samples)) : null,
        'best ms': round2(Math.min(...c.samples)),
        'best × native': nativeBest === null ? null : round2(Math.min(...c.samples) / nativeBest),
        runs: c.samples.length,
        fuelUsed: c.fuelUsed,
      });
    }
  }
  return { rows, notes };
}
