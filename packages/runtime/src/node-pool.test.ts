// End to end through real worker threads running the TypeScript worker entry.
import { afterAll, describe, expect, it } from 'vitest';
import { createNodePool } from './node-pool';
import { catWat, echoOrHangWat, exampleFunction, floodWat, printWat, task } from './test-modules';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const pool = createNodePool({ size: 2, stdioCapBytes: 256 * 1024 });
afterAll(() => pool.stop());

describe('node pool', () => {
  it('runs a command: stdout, stdin, args, env, exit code', async () => {
    const [hello, inspect, failing] = await Promise.all([
      pool.run(exampleFunction('hello'), task({ stdin: new TextEncoder().encode('abc') })),
      pool.run(exampleFunction('inspect'), task({ programName: 'inspect', args: ['x'], env: { K: 'V' } })),
      pool.run(printWat('bad\n', 2, 3), task()),
    ]);
    expect(hello).toMatchObject({ status: 'ok', exitCode: 0, truncated: false, fuelUsed: 0 });
    expect(text(hello.stdout)).toBe('ABC');
    expect(text(inspect.stdout)).toBe('arg[0]=inspect\narg[1]=x\nenv K=V\n');
    expect(failing).toMatchObject({ status: 'error', exitCode: 3 });
    expect(text(failing.stderr)).toBe('bad\n');
  });

  it('serves task files at /input paths', async () => {
    const outcome = await pool.run(
      exampleFunction('inspect'),
      task({ args: ['--read', '/input/dir/in.txt'], files: { 'dir/in.txt': new TextEncoder().encode('payload') } }),
    );
    expect(text(outcome.stdout)).toContain('file /input/dir/in.txt: payload\n');
  });

  it('rejects escaping paths with an error outcome', async () => {
    const outcome = await pool.run(exampleFunction('noop'), task({ files: { '../../x': new Uint8Array(0) } }));
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toMatch(/escapes/);
  });

  it('reports a trap as an error with its message', async () => {
    const outcome = await pool.run(exampleFunction('trap'), task());
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toMatch(/wasm trap: unreachable/);
  });

  it('reports invalid module bytes as an error', async () => {
    const outcome = await pool.run({ digest: 'sha256:00', bytes: new TextEncoder().encode('not wasm') }, task());
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toMatch(/invalid module sha256:00: CompileError/);
  });

  it('caps stdout at the configured size and marks it truncated', async () => {
    const outcome = await pool.run(floodWat(8), task());
    expect(outcome).toMatchObject({ status: 'ok', truncated: true });
    expect(outcome.stdout.length).toBe(256 * 1024);
  });

  it('moves large stdin and stdout through the worker boundary intact', async () => {
    const stdin = new Uint8Array(200_000).map((_, i) => i % 251);
    const outcome = await pool.run(catWat(), task({ stdin }));
    expect(Buffer.compare(outcome.stdout, stdin)).toBe(0);
  });

  it('times out a runaway task promptly, replaces the worker and keeps serving', async () => {
    const started = performance.now();
    const outcome = await pool.run(exampleFunction('spin'), task({ timeoutMs: 300 }));
    const waited = performance.now() - started;
    expect(outcome).toMatchObject({ status: 'timeout', exitCode: null });
    expect(waited).toBeGreaterThanOrEqual(299);
    expect(waited).toBeLessThan(300 + 1000);

    const next = await pool.run(exampleFunction('hello'), task({ stdin: new TextEncoder().encode('still here') }));
    expect(text(next.stdout)).toBe('STILL HERE');
  });

  it('queues more tasks than workers and completes them all', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => pool.run(exampleFunction('hello'), task({ stdin: new TextEncoder().encode(`t${i}`) }))),
    );
    expect(outcomes.map((outcome) => text(outcome.stdout))).toEqual(Array.from({ length: 12 }, (_, i) => `T${i}`));
    expect(pool.busy).toBe(0);
  });

  it('runs a burst of quick tasks in batches, each with its own result', async () => {
    const echo = echoOrHangWat();
    const inputs = Array.from({ length: 300 }, (_, i) => `t${i}`);
    const outcomes = await Promise.all(inputs.map((input) => pool.run(echo, task({ stdin: new TextEncoder().encode(input) }))));
    expect(outcomes.map((outcome) => text(outcome.stdout))).toEqual(inputs);
    expect(pool.busy).toBe(0);
  });

  it('times out a task that hangs in the middle of a batch; the tasks around it still finish', async () => {
    const echo = echoOrHangWat();
    await Promise.all(['w1', 'w2', 'w3'].map((input) => pool.run(echo, task({ stdin: new TextEncoder().encode(input) }))));
    const inputs = Array.from({ length: 40 }, (_, i) => (i === 20 ? 'hang' : `q${i}`));
    const started = performance.now();
    let timedOutAfter = Infinity;
    const runs = inputs.map((input) => pool.run(echo, task({ stdin: new TextEncoder().encode(input), timeoutMs: 500 })));
    void runs[20]?.then(() => (timedOutAfter = performance.now() - started));
    const outcomes = await Promise.all(runs);
    expect(outcomes[20]).toMatchObject({ status: 'timeout', exitCode: null });
    expect(timedOutAfter).toBeGreaterThanOrEqual(499);
    expect(timedOutAfter).toBeLessThan(500 + 1000);
    const others = outcomes.filter((_, i) => i !== 20);
    expect(others.map((outcome) => text(outcome.stdout))).toEqual(inputs.filter((_, i) => i !== 20));
    expect(others.every((outcome) => outcome.status === 'ok')).toBe(true);
  });
});
