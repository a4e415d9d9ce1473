import type { Verdict } from './judge';

export interface ConformanceRow {
  id: string;
  /** Engine name to verdict. */
  results: Record<string, Verdict>;
}

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

export function totals(rows: readonly ConformanceRow[]): Totals {
  const all = rows.flatMap((row) => Object.values(row.results));
  return {
    passed: all.filter((result) => result.verdict === 'pass').length,
    failed: all.filter((result) => result.verdict === 'fail').length,
    skipped: all.filter((result) => result.verdict === 'skip').length,
  };
}

/** A Markdown table (test × engine), reasons for failures and skips under it, and the totals line last. */
export function formatReport(engines: readonly string[], rows: readonly ConformanceRow[]): string {
  const lines = [`| test | ${engines.join(' | ')} |`, `|---|${engines.map(() => '---|').join('')}`];
  const reasons: string[] = [];
  for (const row of rows) {
    const cells = engines.map((engine) => {
      const result = row.results[engine];
      if (result === undefined) return '-';
      if (result.verdict !== 'pass') reasons.push(`${row.id} [${engine}] ${result.verdict}: ${result.reason}`);
      return result.verdict;
    });
    lines.push(`| ${row.id} | ${cells.join(' | ')} |`);
  }
  const sum = totals(rows);
  return [...lines, '', ...reasons, ...(reasons.length > 0 ? [''] : []), `${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`].join('\n');
}
