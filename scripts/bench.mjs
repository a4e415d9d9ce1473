#!/usr/bin/env node
// `npm run bench`: builds the web app, then runs bench/run.ts (in a private network namespace as root).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedArgv } from './isolated.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const webDir = mkdtempSync(path.join(tmpdir(), 'tabgrid-bench-web-'));
const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
const vite = spawnSync(process.execPath, [viteBin, 'build', '--outDir', webDir, '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (vite.status !== 0) process.exit(vite.status ?? 1);

// The distributed section runs Dask next to Tabgrid: install Debian's python3-distributed now, while
// there is a network (the bench itself runs in a namespace without one). Root only; else a note.
const only = process.env.TABGRID_BENCH_ONLY;
if (only === undefined || only === 'distributed') ensureDask();

function ensureDask() {
  const hasDask = () =>
    [process.env.TABGRID_BENCH_PYTHON, 'python3', '/usr/bin/python3']
      .filter(Boolean)
      .some((python) => spawnSync(python, ['-c', 'import distributed'], { stdio: 'ignore' }).status === 0);
  if (hasDask()) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) {
    console.log('[bench] note: Dask (python3-distributed) is missing and cannot be installed here (needs root and apt-get); the distributed section reports Tabgrid only');
    return;
  }
  console.log('[bench] installing python3-distributed for the Dask comparison…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'python3-distributed'], { stdio: ['ignore', 'ignore', 'inherit'], env }).status === 0;
  if (!install()) {
    // Usually: no package lists yet.
    spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    install();
  }
  if (!hasDask()) console.log('[bench] note: installing python3-distributed failed; the distributed section reports Tabgrid only');
}

const { argv, mode } = isolatedArgv([process.execPath, '--import', 'tsx', path.join(root, 'bench/run.ts'), ...process.argv.slice(2)]);
console.log(`[bench] mode: ${mode}`);
const [cmd, ...args] = argv;
const run = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, TABGRID_BENCH_WEB_DIR: webDir } });
rmSync(webDir, { recursive: true, force: true });
process.exit(run.status ?? 1);
