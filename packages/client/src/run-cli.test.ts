import { describe, expect, it } from 'vitest';
import { EXIT_USAGE, runCli } from './run-cli';
import { fakeFetch, jsonResponse, type RecordedCall } from './test-fetch';

async function run(argv: string[], respond: (call: RecordedCall) => Response) {
  const out: string[] = [];
  const err: string[] = [];
  const { fetch, calls } = fakeFetch(respond);
  const code = await runCli({
    argv,
    env: { TABGRID_URL: 'http://orch:9', TABGRID_API_KEY: 'sekrit' },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: () => new Uint8Array([0, 0x61, 0x73, 0x6d]),
    fetch,
  });
  return { code, stdout: out.join(''), stderr: err.join(''), calls };
}

const invokeResult = {
  status: 'ok',
  exitCode: 3,
  stdout: 'out\n',
  stderr: 'err\n',
  fuelUsed: 1,
  durationMs: 2,
  nodes: ['n1'],
  verified: false,
  truncated: false,
  files: {},
};

describe('runCli', () => {
  it('invoke prints the streams and exits with the function exit code', async () => {
    const r = await run(['invoke', 'hello', '--stdin', 'x'], () => jsonResponse(200, invokeResult));
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(r.calls[0]?.url).toBe('http://orch:9/v1/invoke');
    expect(r.calls[0]?.headers.authorization).toBe('Bearer sekrit');
  });

  it('invoke --json prints the result and exits 0', async () => {
    const r = await run(['invoke', 'hello', '--json'], () => jsonResponse(200, invokeResult));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(invokeResult);
  });

  it('a timed-out function without an exit code fails with its status on stderr', async () => {
    const r = await run(['invoke', 'spin'], () => jsonResponse(200, { ...invokeResult, status: 'timeout', exitCode: null, stdout: '', stderr: '' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('status timeout');
  });

  it('upload posts the file and prints the digest', async () => {
    const r = await run(['upload', 'dir/hello.wasm', '--version', '2'], () =>
      jsonResponse(201, { name: 'hello', version: '2', digest: 'sha256:ff', size: 4 }),
    );
    expect(r.calls[0]?.url).toBe('http://orch:9/v1/functions?name=hello&version=2');
    expect(r).toMatchObject({ code: 0, stdout: 'hello@2 sha256:ff 4 bytes\n' });
  });

  it('prints tables for functions and nodes', async () => {
    const fn = { name: 'hello', version: '1', digest: 'sha256:aa', size: 10, createdAt: '2024-05-01T10:00:00Z' };
    const r = await run(['functions'], () => jsonResponse(200, [fn]));
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+DIGEST\s+SIZE\s+CREATED$/);
    expect(r.stdout).toContain('hello  1        sha256:aa');
    const empty = await run(['nodes'], () => jsonResponse(200, []));
    expect(empty.stdout).toBe('no nodes connected\n');
  });

  it('reports API errors with code and status', async () => {
    const r = await run(['functions'], () => jsonResponse(401, { error: { code: 'unauthorized', message: 'missing key' } }));
    expect(r).toMatchObject({ code: 1, stderr: 'tabgrid: unauthorized (HTTP 401): missing key\n' });
  });

  it('usage errors exit 2 without calling the server', async () => {
    const r = await run(['invoke'], () => jsonResponse(500, {}));
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toContain('usage: tabgrid');
    expect(r.calls).toHaveLength(0);
  });
});
