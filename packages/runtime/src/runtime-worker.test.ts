// Guest behaviour, driven through the worker API in-process (no threads): fast and exact.
import { describe, expect, it } from 'vitest';
import { createRuntimeWorker } from './runtime-worker';
import { exampleFunction, fromWat, printWat, task } from './test-modules';
import type { ModuleRef, TaskOutcome, TaskSpec } from './types';
import type { RunReply } from './worker-messages';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const CAP = 1024 * 1024;

async function runOnce(module: ModuleRef, spec: TaskSpec, cap = CAP): Promise<TaskOutcome> {
  const reply = await createRuntimeWorker().run({ digest: module.digest, bytes: module.bytes, task: spec, stdioCapBytes: cap, outputFilesCapBytes: CAP });
  if (reply.type !== 'outcome') throw new Error('expected an outcome');
  return reply.outcome;
}

describe('runtime worker', () => {
  const inspect = exampleFunction('inspect');

  it('passes argv, with programName as argv[0], and env as K=V', async () => {
    const outcome = await runOnce(inspect, task({ programName: 'inspect', args: ['one', 'två ✓'], env: { B: '2', A: 'x=y' } }));
    expect(outcome).toMatchObject({ status: 'ok', exitCode: 0, truncated: false, fuelUsed: 0 });
    expect(text(outcome.stdout)).toBe('arg[0]=inspect\narg[1]=one\narg[2]=två ✓\nenv A=x=y\nenv B=2\n');
    expect(text(outcome.stderr)).toBe('inspect done\n');
  });

  it('feeds stdin', async () => {
    const outcome = await runOnce(exampleFunction('hello'), task({ stdin: new TextEncoder().encode('hello, wörld\n') }));
    expect(text(outcome.stdout)).toBe('HELLO, WöRLD\n');
  });

  it('reports a non-zero exit code as an error', async () => {
    const outcome = await runOnce(inspect, task({ args: ['--exit', '7'] }));
    expect(outcome).toMatchObject({ status: 'error', exitCode: 7 });
    expect(text(outcome.stderr)).toBe('inspect done\n');
  });

  it('serves files under /input, by relative and absolute path, with intermediate dirs', async () => {
    const files = { 'data.txt': new TextEncoder().encode('D'), 'a/b/c.txt': new TextEncoder().encode('C\n') };
    const args = ['--read', '/input/data.txt', '--read', 'input/a/b/c.txt', '--read', '/input/missing'];
    const outcome = await runOnce(inspect, task({ args, files }));
    expect(text(outcome.stdout)).toContain('file /input/data.txt: D\nfile input/a/b/c.txt: C\nfile /input/missing: error ');
  });

  it('lets the guest write under /output', async () => {
    const outcome = await runOnce(inspect, task({ args: ['--write', '/output/r.txt', 'hi'] }));
    expect(text(outcome.stdout)).toContain('wrote /output/r.txt: 2 bytes');
  });

  it('rejects escaping file paths before running', async () => {
    const outcome = await runOnce(inspect, task({ files: { '../etc/passwd': new Uint8Array(1) } }));
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toMatch(/escapes/);
  });

  it('turns a trap into an error with the trap message after the guest output', async () => {
    const outcome = await runOnce(exampleFunction('trap'), task());
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stdout)).toBe('about to trap\n');
    expect(text(outcome.stderr)).toMatch(/^wasm trap: unreachable/);
  });

  it('caps stdout and marks the outcome truncated', async () => {
    const outcome = await runOnce(printWat('0123456789'), task(), 4);
    expect(text(outcome.stdout)).toBe('0123');
    expect(outcome).toMatchObject({ status: 'ok', truncated: true });
  });

  it('reports invalid module bytes as an error', async () => {
    const outcome = await runOnce({ digest: 'sha256:bad', bytes: new Uint8Array([0, 97, 115, 109, 9, 9]) }, task());
    expect(outcome).toMatchObject({ status: 'error', exitCode: null });
    expect(text(outcome.stderr)).toMatch(/^invalid module sha256:bad: CompileError/);
  });

  it('reports a module that is not a WASI command', async () => {
    const outcome = await runOnce(fromWat('(module (memory (export "memory") 1))'), task());
    expect(text(outcome.stderr)).toMatch(/no "_start" export/);
  });

  it('reports unknown imports as an error that lists them, not a throw', async () => {
    const wat = '(module (import "env" "f" (func)) (import "x" "g" (global i32)) (memory (export "memory") 1) (func (export "_start")))';
    const outcome = await runOnce(fromWat(wat), task());
    expect(outcome.status).toBe('error');
    expect(text(outcome.stderr)).toMatch(/module imports what the runtime does not provide: env\.f, x\.g$/);
  });

  it('reports a missing wasi function as an error, not a throw', async () => {
    const wat = '(module (import "wasi_snapshot_preview1" "nope" (func)) (memory (export "memory") 1) (func (export "_start")))';
    const outcome = await runOnce(fromWat(wat), task());
    expect(outcome.status).toBe('error');
    expect(text(outcome.stderr)).toMatch(/^cannot start module: /);
  });

  it('answers module_missing instead of failing when it lacks the digest', async () => {
    const worker = createRuntimeWorker();
    const noop = exampleFunction('noop');
    const request = { digest: noop.digest, task: task(), stdioCapBytes: CAP, outputFilesCapBytes: CAP };
    expect(await worker.run({ ...request, bytes: null })).toEqual({ type: 'module_missing' });
    expect(await worker.run({ ...request, bytes: noop.bytes })).toMatchObject<Partial<RunReply>>({ type: 'outcome', moduleCached: true });
    expect(await worker.run({ ...request, bytes: null })).toMatchObject({ type: 'outcome', outcome: { status: 'ok' } });
  });

  it('answers a malformed request with an error outcome', async () => {
    const reply = await createRuntimeWorker().run({ digest: 'x', bytes: null, task: { args: 'nope' } } as never);
    expect(reply).toMatchObject({ type: 'outcome', outcome: { status: 'error' } });
  });
});
