import { existsSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(new URL('.', import.meta.url).pathname, '../../../..');

/**
 * The shared wasi-testsuite sets (beside the checkout, or `TABGRID_WASI_TESTSUITE`) where present,
 * and our own tests under packages/runtime/conformance/. `npm test` insists on the shared sets in
 * CI (scripts/test.mjs); a laptop without them still runs ours.
 */
export function conformanceDirs(): string[] {
  const shared = process.env['TABGRID_WASI_TESTSUITE'] ?? path.resolve(REPO_ROOT, '../shared/conformance/wasi-testsuite');
  const sets = [path.join(shared, 'c'), path.join(shared, 'assemblyscript')].filter((dir) => existsSync(dir));
  return [...sets, ...ownDirs()];
}

export function ownDirs(): string[] {
  return [path.join(REPO_ROOT, 'packages/runtime/conformance/tabgrid')];
}
