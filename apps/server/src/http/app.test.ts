import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startServer, type RunningServer } from '../server';

describe('serving the web app', () => {
  let server: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-web-'));
    const webDir = path.join(dir, 'web');
    fs.mkdirSync(path.join(webDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>shell</title>');
    fs.writeFileSync(path.join(webDir, 'assets', 'app-123.js'), 'console.log(1)');
    server = await startServer({
      ...loadConfig({ TABGRID_DATA: path.join(dir, 'data'), TABGRID_API_KEY: 'k', PORT: '0', HOST: '127.0.0.1' }),
      webDir,
    });
  });

  afterAll(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/', '/contribute', '/contribute?autostart=1'])('serves the app shell at %s', async (route) => {
    const res = await fetch(`${server.url}${route}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('<title>shell</title>');
    const head = await fetch(`${server.url}${route}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('serves assets, and 404s a missing one instead of returning the shell', async () => {
    const asset = await fetch(`${server.url}/assets/app-123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    const shell = await fetch(`${server.url}/`);
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    // Cross-origin isolated, so the tab's workers get SharedArrayBuffer.
    for (const res of [asset, shell]) {
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    }
    const missing = await fetch(`${server.url}/assets/app-999.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await fetch(`${server.url}/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
