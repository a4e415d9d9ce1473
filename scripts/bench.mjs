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

const { argv, mode } = isolatedArgv([process.execPath, '--import', 'tsx', path.join(root, 'bench/run.ts'), ...process.argv.slice(2)]);
console.log(`[bench] mode: ${mode}`);
const [cmd, ...args] = argv;
const run = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, TABGRID_BENCH_WEB_DIR: webDir } });
rmSync(webDir, { recursive: true, force: true });
process.exit(run.status ?? 1);
