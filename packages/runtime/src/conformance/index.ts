// The conformance runner behind `npm run conformance`; Node-only (it reads host directories).
import type { ConformanceEngine } from './engines';
import { judge, type Verdict } from './judge';
import { formatReport, totals, type ConformanceRow } from './report';
import { loadSuite } from './suite';

export { chromiumEngine, type ChromiumEngine, type ChromiumOptions } from './engine-chromium';
export { wasmerEngine } from './engine-wasmer';
export { moduleOf, poolEngine, type ConformanceEngine } from './engines';
export { formatReport, totals, type ConformanceRow } from './report';
export { loadSuite, type ConformanceTest } from './suite';
export { conformanceDirs } from './dirs';

/** Runs every test of every directory on every engine, one engine at a time. */
export async function runConformance(dirs: readonly string[], engines: readonly ConformanceEngine[]): Promise<ConformanceRow[]> {
  const tests = dirs.flatMap((dir) => loadSuite(dir));
  const rows: ConformanceRow[] = tests.map((test) => ({ id: test.id, results: {} }));
  for (const engine of engines) {
    await Promise.all(
      tests.map(async (test, index) => {
        let verdict: Verdict;
        try {
          const result = await engine.run(test);
          verdict = 'skip' in result ? { verdict: 'skip', reason: result.skip } : judge(test, result);
        } catch (thrown) {
          verdict = { verdict: 'fail', reason: `engine threw: ${thrown instanceof Error ? thrown.message : String(thrown)}` };
        }
        (rows[index] as ConformanceRow).results[engine.name] = verdict;
      }),
    );
  }
  return rows;
}

export function summary(engines: readonly ConformanceEngine[], rows: readonly ConformanceRow[]): { text: string; failed: number } {
  return { text: formatReport(engines.map((engine) => engine.name), rows), failed: totals(rows).failed };
}
