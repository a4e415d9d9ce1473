import path from 'node:path';

const REPO_ROOT = path.resolve(new URL('.', import.meta.url).pathname, '../../../..');

/**
 * What CI runs: the shared wasi-testsuite sets (beside the checkout, or `TABGRID_WASI_TESTSUITE`)
 * and our own tests under packages/runtime/conformance/.
 */
export function conformanceDirs(): string[] {
  const shared = process.env['TABGRID_WASI_TESTSUITE'] ?? path.resolve(REPO_ROOT, '../shared/conformance/wasi-testsuite');
  return [path.join(shared, 'c'), path.join(shared, 'assemblyscript'), ...ownDirs()];
}

export function ownDirs(): string[] {
  return [path.join(REPO_ROOT, 'packages/runtime/conformance/tabgrid')];
}
