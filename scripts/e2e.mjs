#!/usr/bin/env node
// `npm run test:e2e` (and the last stage of `npm test`): builds the web app, then runs Playwright.
// Extra arguments go to `playwright test`, e.g. `npm run test:e2e -- relay --repeat-each=3`.
//
// As root on Linux (CI, containers) Playwright, the orchestrator it starts and every browser run in a
// private network namespace (scripts/netns.sh), so no test packet can leave the machine. Elsewhere
// Playwright runs directly.
//
// Each run gets its own directory under the OS temp dir for the web build and Playwright's
// artifacts. Several people work in this checkout at once: a rebuild of apps/web/dist mid-run swaps
// the hashed assets under the running server (tabs load index.html as their script and stay blank),
// and a second Playwright run empties a shared outputDir under the first one's traces.
// TABGRID_E2E_WEB_DIR=path skips the build and serves that directory instead.
import { spawn, spawnSync } from 'node:child_process';
import { isolatedArgv } from './isolated.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const runDir = mkdtempSync(path.join(tmpdir(), 'tabgrid-e2e-run-'));
const resultsDir = path.join(runDir, 'results');

function finish(code) {
  if (code === 0) rmSync(runDir, { recursive: true, force: true });
  else console.log(`[e2e] artifacts (screenshots, traces, logs) kept in ${resultsDir}`);
  process.exit(code);
}

let webDir = process.env.TABGRID_E2E_WEB_DIR;
if (webDir) {
  console.log(`[e2e] serving the prebuilt web app in ${webDir}`);
} else {
  webDir = path.join(runDir, 'web');
  console.log(`[e2e] building the web app (vite build → ${webDir})`);
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  // --outDir is relative to the vite root (apps/web), so pass it absolute; emptyOutDir is set in vite.config.ts.
  const vite = spawnSync(process.execPath, [viteBin, 'build', '--outDir', webDir, '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) {
    console.error('[e2e] vite build failed');
    finish(vite.status ?? 1);
  }
}

const playwright = [process.execPath, require.resolve('@playwright/test/cli'), 'test', ...process.argv.slice(2)];
const { argv, mode } = isolatedArgv(playwright);
console.log(`[e2e] mode: ${mode}`);

const started = Date.now();
const [cmd, ...args] = argv;
const child = spawn(cmd, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TABGRID_E2E_WEB_DIR: webDir, TABGRID_E2E_OUTPUT_DIR: resultsDir },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (err) => {
  console.error(`[e2e] could not start ${cmd}: ${err.message}`);
  finish(1);
});
child.on('exit', (code, signal) => {
  console.log(`[e2e] playwright finished in ${((Date.now() - started) / 1000).toFixed(1)} s (${signal ?? `exit ${code}`})`);
  finish(code ?? 1);
});
