#!/usr/bin/env node
// `npm run test:e2e`: builds the web app if it is missing or stale, then runs Playwright.
// As root on Linux (CI, containers) Playwright, the orchestrator it starts and every browser run in a
// private network namespace (scripts/netns.sh), so no test packet can leave the machine.
// Elsewhere Playwright runs directly. Extra arguments go to `playwright test`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const distIndex = path.join(root, 'apps/web/dist/index.html');
// Everything that ends up in the browser bundle.
const webSources = ['apps/web', 'packages/protocol/src', 'packages/runtime/src', 'packages/node/src', 'packages/client/src', 'vite.config.ts'];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

function webBuildIsStale() {
  if (process.env.TABGRID_E2E_SKIP_BUILD === '1') return false;
  if (!existsSync(distIndex)) return true;
  const built = statSync(distIndex).mtimeMs;
  return webSources.some((s) => newestMtime(path.join(root, s)) > built);
}

function commandExists(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

if (webBuildIsStale()) {
  console.log('[e2e] building the web app (vite build)…');
  const vite = spawnSync(process.execPath, [require.resolve('vite/bin/vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) {
    console.error('[e2e] vite build failed');
    process.exit(vite.status ?? 1);
  }
} else {
  console.log('[e2e] web app build is up to date');
}

const playwright = [process.execPath, require.resolve('@playwright/test/cli'), 'test', ...process.argv.slice(2)];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canIsolate =
  process.platform === 'linux' && isRoot && process.env.TABGRID_E2E_NO_NETNS !== '1' && commandExists('unshare') && commandExists('ip');

let argv;
if (canIsolate) {
  console.log('[e2e] mode: private network namespace (root; unshare --net + scripts/netns.sh)');
  argv = ['unshare', '--net', 'bash', path.join(root, 'scripts/netns.sh'), ...playwright];
} else {
  const why = process.platform !== 'linux' ? 'not Linux' : !isRoot ? 'not root' : process.env.TABGRID_E2E_NO_NETNS === '1' ? 'TABGRID_E2E_NO_NETNS=1' : 'unshare/ip missing';
  console.log(`[e2e] mode: direct (${why}; no network namespace)`);
  argv = playwright;
}

const started = Date.now();
const [cmd, ...args] = argv;
const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (err) => {
  console.error(`[e2e] could not start ${cmd}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  console.log(`[e2e] playwright finished in ${((Date.now() - started) / 1000).toFixed(1)} s (${signal ?? `exit ${code}`})`);
  process.exit(code ?? 1);
});
