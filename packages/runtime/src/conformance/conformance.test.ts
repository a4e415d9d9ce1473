// The shared wasi-testsuite sets and our own, through the Node worker pool (Chromium: scripts/conformance.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePool } from '../node-pool';
import { formatReport, poolEngine, runConformance, totals, type ConformanceEngine } from './index';
import { conformanceDirs } from './dirs';

describe('conformance (Node worker pool)', () => {
  let engine: ConformanceEngine;
  beforeAll(() => {
    engine = poolEngine('node', createNodePool({ size: 2 }));
  });
  afterAll(() => engine.close());

  it('passes every test of both shared sets and ours', async () => {
    const rows = await runConformance(conformanceDirs(), [engine]);
    const report = formatReport(['node'], rows);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(totals(rows).failed, report).toBe(0);
    expect(totals(rows).skipped, report).toBe(0);
  });
});
