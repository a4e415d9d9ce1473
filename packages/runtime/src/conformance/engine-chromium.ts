import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import type { ModuleRef, TaskOutcome, TaskSpec } from '../types';
import { moduleOf, resultOf, taskOf, type ConformanceEngine } from './engines';
import { fromJson, toJson } from './wire';

export interface ChromiumOptions {
  /** The browser binary; Playwright's own when absent. */
  executablePath?: string;
  args: string[];
}

const PAGE_DIR = new URL('./page/', import.meta.url);
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/**
 * Our runtime in a Chromium Web Worker: the browser pool bundled by Vite into a page served from
 * 127.0.0.1, driven by Playwright. Building the page takes a second or two, once per engine.
 */
export interface ChromiumEngine extends ConformanceEngine {
  /** Any task through the page's browser pool. */
  runTask(module: ModuleRef, task: TaskSpec): Promise<TaskOutcome>;
  /** Wall time of `times` back-to-back runs of one task, measured inside the page. */
  timeTask(module: ModuleRef, task: TaskSpec, times: number): Promise<number[]>;
  /** `times` runs of one task submitted at once to the page's 2-worker pool: wall time, measured inside the page, and the sum of durationMs. */
  timeBurst(module: ModuleRef, task: TaskSpec, times: number): Promise<{ wallMs: number; durationMs: number }>;
  /** `times` runs of one task, each after `gapMs` idle: [wall ms, durationMs] per run, measured inside the page. */
  timeIdle(module: ModuleRef, task: TaskSpec, times: number, gapMs: number): Promise<Array<[number, number]>>;
  /** Round trips to a bare echoing Web Worker, `gapMs` apart: what any pool pays at least. */
  pingPong(times: number, gapMs: number): Promise<number[]>;
}

export async function chromiumEngine(options: ChromiumOptions): Promise<ChromiumEngine> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'tabgrid-conformance-'));
  await build({
    configFile: false,
    root: PAGE_DIR.pathname,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false },
  });
  const server = await serve(outDir);
  const browser = await chromium.launch(options);
  const page = await browser.newPage();
  const { port } = server.address() as AddressInfo;
  await page.goto(`http://127.0.0.1:${port}/index.html`);
  await page.waitForFunction(() => document.title === 'ready');
  const runTask = async (module: ModuleRef, task: TaskSpec): Promise<TaskOutcome> => {
    const reply = await page.evaluate((text) => window.tabgridRun(text), toJson({ module, task }));
    return fromJson<TaskOutcome>(reply);
  };
  return {
    name: 'chromium',
    runTask,
    timeTask: (module, task, times) =>
      page.evaluate(([text, n]) => window.tabgridTime(text, n), [toJson({ module, task }), times] as const),
    timeBurst: (module, task, times) =>
      page.evaluate(([text, n]) => window.tabgridBurst(text, n), [toJson({ module, task }), times] as const),
    timeIdle: (module, task, times, gapMs) =>
      page.evaluate(([text, n, gap]) => window.tabgridIdle(text, n, gap), [toJson({ module, task }), times, gapMs] as const),
    pingPong: (times, gapMs) => page.evaluate(([n, gap]) => window.tabgridPingPong(n, gap), [times, gapMs] as const),
    run: async (test) => resultOf(await runTask(moduleOf(test), taskOf(test))),
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

function serve(root: string): Promise<Server> {
  const server = createServer((request, response) => {
    const file = path.join(root, path.normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.writeHead(404).end());
    stream.on('open', () => {
      response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      stream.pipe(response);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
