// No-op invoke round trip through POST /v1/invoke with one volunteer tab (WebRTC, then relayed).
import { chromium, type Browser } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TabgridClient } from '@tabgrid/client';
import { loadConfig } from '../apps/server/src/config';
import { startServer } from '../apps/server/src/server';
import { chromiumLaunchOptions } from '../e2e/fixtures/chromium';

const ROOT = path.resolve(import.meta.dirname, '..');
const API_KEY = 'bench-key';

export interface LatencyRow {
  transport: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(client: TabgridClient, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const result = await client.invoke({ function: 'noop' });
    samples.push(performance.now() - started);
    if (result.status !== 'ok') throw new Error(`noop returned ${result.status}: ${result.stderr}`);
  }
  return samples;
}

async function oneTab(browser: Browser, url: string, client: TabgridClient, relay: boolean, n: number): Promise<LatencyRow> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/contribute?autostart=1${relay ? '&relay=1' : ''}`);
  await page.getByTestId('volunteer-phase').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
  const transport = (await page.getByTestId('volunteer-transport').textContent())?.trim() ?? '?';
  await measure(client, 20); // warm: worker started, module compiled and cached
  const samples = (await measure(client, n)).sort((a, b) => a - b);
  await context.close();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    transport,
    n,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

export async function benchInvokeLatency(n = 200): Promise<LatencyRow[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-bench-'));
  const webDir = process.env.TABGRID_BENCH_WEB_DIR ?? path.join(ROOT, 'apps/web/dist');
  const server = await startServer({
    ...loadConfig({ PORT: '0', TABGRID_DATA: dataDir, TABGRID_API_KEY: API_KEY }, ROOT),
    webDir,
  });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const client = new TabgridClient({ baseUrl: server.url, apiKey: API_KEY });
    await client.uploadFunction('noop', '1', new Uint8Array(fs.readFileSync(path.join(ROOT, 'public/functions/noop.wasm'))));
    return [await oneTab(browser, server.url, client, false, n), await oneTab(browser, server.url, client, true, n)];
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
