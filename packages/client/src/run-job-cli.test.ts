import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { fakeFetch, jsonResponse, streamResponse, type RecordedCall } from './test-fetch';

const base = {
  id: 'j1', function: 'hello@1', status: 'running', total: 3, done: 1, failed: 0, running: 2, queued: 0,
  createdAt: '2026-01-01T00:00:00.000Z', finishedAt: null,
};
const done = { ...base, status: 'done', done: 3, running: 0, finishedAt: '2026-01-01T00:00:02.000Z' };
const failed = { ...done, status: 'failed', done: 2, failed: 1 };
const frame = (job: object) => `event: job\ndata: ${JSON.stringify({ type: 'job', job })}\n\n`;
const row = (index: number, stdout: string, status = 'ok', exitCode: number | null = 0) => ({
  index, status, exitCode, stdout, stderr: '', fuelUsed: 1, durationMs: 1.25, nodes: ['n1'], verified: false, truncated: false, files: {},
});

async function run(argv: string[], respond: (call: RecordedCall) => Response) {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const { fetch, calls } = fakeFetch(respond);
  const code = await runCli({
    argv,
    env: { TABGRID_URL: 'http://orch:9', TABGRID_API_KEY: 'k' },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: () => new TextEncoder().encode('a\nb\nc\n'),
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { code, stdout: out.join(''), stderr: err.join(''), calls, sleeps };
}

describe('runCli: jobs', () => {
  it('submit prints the id; --wait follows the job on stderr and exits with its outcome', async () => {
    const plain = await run(['job', 'submit', 'hello', '--stdin-lines', 'x'], () => jsonResponse(202, { ...base, status: 'queued' }));
    expect(plain).toMatchObject({ code: 0, stdout: 'j1\n', stderr: '' });
    expect(JSON.parse(plain.calls[0]?.body as string)).toEqual({ function: 'hello', tasks: [{ stdin: 'a\n' }, { stdin: 'b\n' }, { stdin: 'c\n' }] });

    const waited = await run(['job', 'submit', 'hello', '--stdin-lines', 'x', '--wait'], (call) =>
      call.method === 'POST' ? jsonResponse(202, base) : streamResponse([frame(base), frame(failed)]),
    );
    expect(waited.stdout).toBe('j1\n');
    expect(waited.stderr).toBe('j1 running 1/3: 1 done, 0 failed, 2 running, 0 queued\nj1 failed 3/3: 2 done, 1 failed, 0 running, 0 queued\n');
    expect(waited.code).toBe(1);
    expect(waited.calls[1]?.url).toBe('http://orch:9/v1/jobs/j1/events');
  });

  it('watch prints a line per event and exits 0 when the job is done', async () => {
    const r = await run(['job', 'watch', 'j1'], () => streamResponse([': hi\n\n', frame(base), frame(done)]));
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toContain('j1 done 3/3');
  });

  it('watch asks and follows again when the stream closes before the job ends', async () => {
    let streams = 0;
    const r = await run(['job', 'watch', 'j1'], (call) => {
      if (!call.url.endsWith('/events')) return jsonResponse(200, base);
      streams++;
      return streamResponse(streams === 1 ? [frame(base)] : streams === 2 ? [] : [frame(done)]);
    });
    expect(r).toMatchObject({ code: 0 });
    expect(streams).toBe(3);
    expect(r.sleeps).toEqual([1000, 1000]);
  });

  it('watch gives up when the stream keeps closing without news', async () => {
    const r = await run(['job', 'watch', 'j1'], (call) => (call.url.endsWith('/events') ? streamResponse([]) : jsonResponse(200, base)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/keeps closing; giving up \(the job is still running\)/);
  });

  it('results prints a table by default and raw rows with --ndjson', async () => {
    const rows = [row(0, 'A\n'), row(1, 'first\nsecond\n', 'error', 2), { ...row(2, '', 'error', null), error: { code: 'node_failure', message: 'lost' } }];
    const ndjson = rows.map((r) => `${JSON.stringify(r)}\n`).join('');
    const table = await run(['job', 'results', 'j1'], () => streamResponse([ndjson]));
    expect(table.stdout.split('\n')).toEqual([
      'INDEX  STATUS        EXIT  MS   STDOUT',
      '0      ok            0     1.3  A',
      '1      error         2     1.3  first …',
      '2      node_failure  -     1.3',
      '',
    ]);
    const raw = await run(['job', 'results', 'j1', '--ndjson'], () => streamResponse([ndjson]));
    expect(raw.stdout).toBe(ndjson);
    expect(raw.calls[0]?.headers.accept).toBe('application/x-ndjson');
  });

  it('status, cancel and jobs', async () => {
    const status = await run(['job', 'status', 'j1'], () => jsonResponse(200, base));
    expect(status.stdout).toBe('j1 running 1/3: 1 done, 0 failed, 2 running, 0 queued\n');
    const cancel = await run(['job', 'cancel', 'j1', '--json'], () => jsonResponse(200, { ...base, status: 'cancelled' }));
    expect(cancel.calls[0]?.method).toBe('DELETE');
    expect(JSON.parse(cancel.stdout)).toMatchObject({ status: 'cancelled' });
    const list = await run(['jobs', '--limit', '2'], () => jsonResponse(200, [done]));
    expect(list.calls[0]?.url).toBe('http://orch:9/v1/jobs?limit=2');
    expect(list.stdout.split('\n')[1]).toMatch(/^j1\s+hello@1\s+done\s+3\/3\s+3\s+0\s+0\s+0\s+2026-01-01T00:00:00.000Z$/);
    expect((await run(['jobs'], () => jsonResponse(200, []))).stdout).toBe('no jobs yet\n');
  });
});
