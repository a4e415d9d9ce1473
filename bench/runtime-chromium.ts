// Runs bench modules in a Web Worker of headless Chromium: a tiny page on 127.0.0.1 serves the shim,
// the guest runner (runtime-guest.ts, transpiled) and the module bytes; the worker keeps compiled
// modules warm, like the runtime's workers do.
import { chromium, type Browser, type Page } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ts from 'typescript';
import { chromiumLaunchOptions } from '../e2e/fixtures/chromium';
import type { GuestRun, GuestSpec } from './runtime-guest';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHIM_DIR = path.join(ROOT, 'node_modules/@bjorn3/browser_wasi_shim/dist');

const WORKER = `
import * as shim from '/shim/index.js';
import { runGuest } from '/guest.js';
const modules = new Map();
self.onmessage = async ({ data: { id, key, spec } }) => {
  try {
    let module = modules.get(key);
    if (!module) {
      module = await WebAssembly.compileStreaming(fetch('/module/' + key));
      modules.set(key, module);
    }
    self.postMessage({ id, run: runGuest(shim, module, spec) });
  } catch (e) {
    self.postMessage({ id, error: String(e && e.stack || e) });
  }
};
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>tabgrid runtime bench</title>
<script type="module">
  const worker = new Worker('/worker.js', { type: 'module' });
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({ data }) => { pending.get(data.id)(data); pending.delete(data.id); };
  window.runInWorker = (key, spec) => new Promise((resolve) => {
    const id = next++;
    pending.set(id, resolve);
    worker.postMessage({ id, key, spec });
  });
  window.ready = true;
</script>`;

export class ChromiumWorkerBench {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly server: http.Server,
  ) {}

  /** `modules`: key → wasm bytes, fetched by the worker as `/module/<key>`. */
  static async start(modules: ReadonlyMap<string, Uint8Array>): Promise<ChromiumWorkerBench> {
    const source = fs.readFileSync(path.join(import.meta.dirname, 'runtime-guest.ts'), 'utf8');
    const guest = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      const send = (type: string, body: string | Uint8Array) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (url === '/') return send('text/html', PAGE);
      if (url === '/worker.js') return send('text/javascript', WORKER);
      if (url === '/guest.js') return send('text/javascript', guest);
      const bytes = url.startsWith('/module/') ? modules.get(decodeURIComponent(url.slice('/module/'.length))) : undefined;
      if (bytes) return send('application/wasm', bytes);
      const shimFile = url.startsWith('/shim/') ? path.join(SHIM_DIR, path.basename(url)) : null;
      if (shimFile && fs.existsSync(shimFile)) return send('text/javascript', fs.readFileSync(shimFile));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const browser = await chromium.launch(chromiumLaunchOptions());
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return new ChromiumWorkerBench(browser, page, server);
  }

  async run(key: string, spec: GuestSpec): Promise<GuestRun> {
    const reply = await this.page.evaluate(
      ([k, s]) => (window as unknown as { runInWorker: (k: string, s: GuestSpec) => Promise<{ run?: GuestRun; error?: string }> }).runInWorker(k, s),
      [key, spec] as const,
    );
    if (!reply.run) throw new Error(`chromium worker: ${reply.error}`);
    return reply.run;
  }

  async stop(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
