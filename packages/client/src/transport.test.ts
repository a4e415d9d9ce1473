import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TabgridClient } from './client';
import { TabgridApiError } from './errors';
import { nodeHttpTransport } from './transport';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('nodeHttpTransport', () => {
  const seen: Seen[] = [];
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url === '/slow') return; // never answers
        if (req.url === '/v1/invoke' && req.headers.authorization !== 'Bearer k') {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unauthorized', message: 'no key' } }));
          return;
        }
        res.writeHead(req.url === '/v1/invoke' ? 200 : 201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', exitCode: 0, stdout: 'é', stderr: '', fuelUsed: 1, durationMs: 0.1, nodes: ['n1'], verified: false, truncated: false, files: {} }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers and exactly the bytes of a body view; returns status and UTF-8 text', async () => {
    const transport = nodeHttpTransport()!;
    const backing = new TextEncoder().encode('xxABCyy');
    const answer = await transport({ method: 'POST', url: `${base}/up`, headers: { 'content-type': 'application/wasm', accept: 'application/json' }, body: backing.subarray(2, 5) });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.text).stdout).toBe('é');
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/up', body: 'ABC' });
    expect(last.headers['content-type']).toBe('application/wasm');
    expect(last.headers['content-length']).toBe('3');
  });

  it('rejects with a TypeError whose cause says why when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error: unknown = await nodeHttpTransport()!({ method: 'GET', url: `http://127.0.0.1:${port}/healthz`, headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = nodeHttpTransport()!({ method: 'GET', url: `${base}/slow`, headers: {}, signal: controller.signal });
    await expect.poll(() => seen.some((s) => s.url === '/slow')).toBe(true);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('is what a client without a fetch of its own uses under Node: results and API errors alike', async () => {
    const client = new TabgridClient({ baseUrl: base, apiKey: 'k' });
    expect((await client.invoke({ function: 'noop' })).stdout).toBe('é');
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ function: 'noop' });
    const anonymous = new TabgridClient({ baseUrl: base });
    const error: unknown = await anonymous.invoke({ function: 'noop' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TabgridApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });
});
