// The conformance suites in a Chromium Web Worker, so `npm test` covers the browser path too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/fixtures/chromium';
import { chromiumEngine, conformanceDirs, formatReport, runConformance, totals, type ConformanceEngine } from '@tabgrid/runtime/conformance';

describe('conformance (Chromium Web Worker)', () => {
  let engine: ConformanceEngine;
  beforeAll(async () => {
    engine = await chromiumEngine({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(() => engine?.close());

  it('passes every test of both shared sets and ours', async () => {
    const rows = await runConformance(conformanceDirs(), [engine]);
    const report = formatReport(['chromium'], rows);
    expect(totals(rows).failed, report).toBe(0);
    expect(totals(rows).skipped, report).toBe(0);
  }, 60_000);
});
