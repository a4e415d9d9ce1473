import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { GuestDir } from '../types';

/** One test of a wasi-testsuite-style directory: NAME.wasm plus the optional NAME.json. */
export interface ConformanceTest {
  /** `<dir basename>/<NAME>`, unique across the directories of one run. */
  id: string;
  wasm: Uint8Array;
  args: string[];
  env: Record<string, string>;
  /** Guest preopen name to tree. `dirs` preopen each by its own name; the older `root` is preopened as "/". */
  preopens: Record<string, GuestDir>;
  expected: { exitCode: number; stdout: string | null; stderr: string | null };
}

/** The JSON beside a test, as upstream wasi-testsuite writes it. */
interface TestSpecFile {
  args?: unknown;
  env?: unknown;
  dirs?: unknown;
  root?: unknown;
  exit_code?: unknown;
  stdout?: unknown;
  stderr?: unknown;
}

export function loadSuite(dir: string): ConformanceTest[] {
  const set = path.basename(path.resolve(dir));
  return readdirSync(dir)
    .filter((file) => file.endsWith('.wasm'))
    .sort()
    .map((file) => loadTest(dir, set, file.slice(0, -'.wasm'.length)));
}

function loadTest(dir: string, set: string, name: string): ConformanceTest {
  const specPath = path.join(dir, `${name}.json`);
  const spec: TestSpecFile = existsSync(specPath) ? (JSON.parse(readFileSync(specPath, 'utf8')) as TestSpecFile) : {};
  const strings = (raw: unknown, what: string): string[] => {
    if (raw === undefined) return [];
    if (!Array.isArray(raw) || !raw.every((item) => typeof item === 'string')) throw new Error(`${specPath}: ${what} must be an array of strings`);
    return raw;
  };
  const env = spec.env ?? {};
  if (typeof env !== 'object' || env === null || !Object.values(env).every((value) => typeof value === 'string')) {
    throw new Error(`${specPath}: env must map names to strings`);
  }
  const preopens: Record<string, GuestDir> = {};
  if (typeof spec.root === 'string') preopens['/'] = readTree(path.join(dir, spec.root));
  for (const name of strings(spec.dirs, 'dirs')) preopens[name] = readTree(path.join(dir, name));
  const text = (raw: unknown): string | null => (typeof raw === 'string' ? raw : null);
  return {
    id: `${set}/${name}`,
    wasm: new Uint8Array(readFileSync(path.join(dir, `${name}.wasm`))),
    args: strings(spec.args, 'args'),
    env: env as Record<string, string>,
    preopens,
    expected: { exitCode: typeof spec.exit_code === 'number' ? spec.exit_code : 0, stdout: text(spec.stdout), stderr: text(spec.stderr) },
  };
}

/**
 * A fresh in-memory copy of a host directory; the host tree is never written. `*.cleanup` files
 * are what tests leave behind under upstream runners, so a stale one is not carried in.
 */
export function readTree(dir: string): GuestDir {
  const tree: GuestDir = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.cleanup')) continue;
    const full = path.join(dir, name);
    const stat = lstatSync(full);
    if (stat.isSymbolicLink()) tree[name] = { type: 'symlink', target: readlinkSync(full) };
    else if (stat.isDirectory()) tree[name] = { type: 'dir', entries: readTree(full) };
    else if (stat.isFile()) tree[name] = { type: 'file', data: new Uint8Array(readFileSync(full)) };
  }
  return tree;
}
