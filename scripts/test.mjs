#!/usr/bin/env node
// `npm test`: type-check, unit tests (vitest), the WASI conformance runner (Node and Chromium), then
// the Playwright multi-tab suite. Ends with one summary line "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isolatedArgv } from './isolated.mjs';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'build', 'reports');
fs.mkdirSync(reports, { recursive: true });
const vitestReport = path.join(reports, 'vitest.json');
const playwrightReport = path.join(reports, 'playwright.json');
for (const file of [vitestReport, playwrightReport]) fs.rmSync(file, { force: true });

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${label}: exit ${result.status ?? result.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// The official WASI test suite sits beside the checkout (../shared) on the dev and CI machines.
const wasiTestsuite = process.env.TABGRID_WASI_TESTSUITE ?? path.resolve(root, '../shared/conformance/wasi-testsuite');
const sharedSets = ['c', 'assemblyscript'].map((set) => path.join(wasiTestsuite, set));
const missingSets = sharedSets.filter((dir) => !fs.existsSync(dir));
if (missingSets.length > 0 && process.env.CI) {
  console.error(`CI needs the official WASI test suite; missing: ${missingSets.join(', ')} (set TABGRID_WASI_TESTSUITE)`);
  process.exit(1);
}
if (missingSets.length > 0) console.log(`note: WASI test suite not found at ${wasiTestsuite}; running our own conformance tests only`);
const conformanceDirs = [
  ...sharedSets.filter((dir) => fs.existsSync(dir)),
  path.join(root, 'packages/runtime/conformance/tabgrid'),
];

/** Runs the conformance runner (Node + Chromium worker) and returns its "N passed, N failed, N skipped" counts. */
function conformance() {
  console.log(`\n=== conformance: ${conformanceDirs.map((d) => path.relative(root, d)).join(' ')}`);
  const { argv } = isolatedArgv([process.execPath, '--import', 'tsx', path.join(root, 'scripts/conformance.ts'), ...conformanceDirs]);
  const [cmd, ...args] = argv;
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(result.stdout ?? '');
  const counts = /(\d+) passed, (\d+) failed, (\d+) skipped\s*$/.exec(result.stdout ?? '');
  console.log(`=== conformance: exit ${result.status ?? result.signal}`);
  return { ok: result.status === 0, counts: counts ? counts.slice(1).map(Number) : [0, 0, 0] };
}

const only = process.argv[2]; // "unit" | "e2e" | undefined (all)
const results = [];
let conformanceCounts = [0, 0, 0];
if (only !== 'e2e') {
  results.push(run('typecheck', 'npx', ['tsc', '-b']));
  results.push(run('unit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${vitestReport}`]));
  const c = conformance();
  results.push(c.ok);
  conformanceCounts = c.counts;
}
if (only !== 'unit') {
  results.push(run('e2e', 'node', ['scripts/e2e.mjs'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport }));
}

let [passed, failed, skipped] = conformanceCounts;
const vitest = readJson(vitestReport);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
}
const playwright = readJson(playwrightReport);
if (playwright?.stats) {
  passed += playwright.stats.expected;
  failed += playwright.stats.unexpected + playwright.stats.flaky;
  skipped += playwright.stats.skipped;
}
const ok = results.every(Boolean) && failed === 0;
if (!ok && failed === 0) failed = 1; // a runner failed before reporting (build or type error)
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
