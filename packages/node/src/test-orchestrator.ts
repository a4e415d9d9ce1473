import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The real orchestrator as a child process, for the agent's integration tests. A child rather
 * than startServer() in-process: packages never import from apps/, and the agent then talks to
 * it exactly as a deployed one would (own process, own node-datachannel instance).
 */
export interface TestOrchestrator {
  url: string;
  apiKey: string;
  api(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  stop(): Promise<void>;
}

const REPO = path.resolve(import.meta.dirname, '../../..');
const MAIN = path.join(REPO, 'apps/server/src/main.ts');

export async function startTestOrchestrator(dataDir: string, env: Record<string, string> = {}): Promise<TestOrchestrator> {
  const apiKey = 'node-agent-test-key';
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TABGRID_DATA: dataDir,
      TABGRID_API_KEY: apiKey,
      TABGRID_WEB_DIR: path.join(dataDir, 'no-web'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await listeningPort(child);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiKey,
    async api(method, route, body) {
      const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}` };
      const init: RequestInit = { method, headers };
      if (body instanceof Uint8Array) {
        headers['Content-Type'] = 'application/wasm';
        init.body = body as Uint8Array<ArrayBuffer>;
      } else if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const response = await fetch(`${url}${route}`, init);
      const text = await response.text();
      return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
    },
    stop: async () => {
      await stopChild(child);
    },
  };
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/[^:\s]+:(\d+)/.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`orchestrator exited with ${code}:\n${output}`)));
  });
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(force);
      resolve(code);
    });
    child.kill(signal);
  });
}
