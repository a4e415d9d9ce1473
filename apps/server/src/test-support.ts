// Test helpers: a real orchestrator in-process and Node volunteers on the relay.
import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { connect, httpModuleFetcher, MemoryModuleStore, ModuleCache, realTimers, Volunteer, type VolunteerSnapshot } from '@tabgrid/node';
import { createNodePool } from '@tabgrid/runtime/node';
import type { RunningServer } from './server';

export const FUNCTIONS = path.resolve(import.meta.dirname, '../../../public/functions');
export const PROGRAMS = path.resolve(import.meta.dirname, '../../../packages/runtime/conformance/programs');
export const API_KEY = 'test-key-123';

export function startVolunteer(url: string, region: string, nodeId: string) {
  let last: VolunteerSnapshot | undefined;
  const volunteer = new Volunteer({
    nodeId,
    capabilities: { cores: 2, memoryMb: 1024, userAgent: 'vitest', region, features: [] },
    createPool: () => createNodePool({ size: 2 }),
    modules: new ModuleCache(new MemoryModuleStore(), httpModuleFetcher(url)),
    connect: () =>
      connect({ serverUrl: url, nodeId, forceRelay: true, WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket }),
    timers: realTimers,
    onChange: (s) => (last = s),
  });
  volunteer.start();
  return { volunteer, snapshot: () => last };
}

export async function api(server: RunningServer, method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${API_KEY}`, ...headers } };
  if (body instanceof Uint8Array) init.body = body as Uint8Array<ArrayBuffer>;
  else if (typeof body === 'string') init.body = body;
  else if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined && !(body instanceof Uint8Array) && !headers['Content-Type']) {
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${server.url}${route}`, init);
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

export async function upload(server: RunningServer, name: string, dir = FUNCTIONS, query = '') {
  const bytes = fs.readFileSync(path.join(dir, `${name}.wasm`));
  return api(server, 'POST', `/v1/functions?name=${name}&version=1${query}`, new Uint8Array(bytes), {
    'Content-Type': 'application/wasm',
  });
}

export async function waitFor<T>(probe: () => Promise<T> | T, accept: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

