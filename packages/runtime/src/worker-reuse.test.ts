// One warm worker runs task after task on the same WASI scaffolding: nothing of one task may reach the next.
import { describe, expect, it } from 'vitest';
import { createRuntimeWorker } from './runtime-worker';
import { conformanceProgram, exampleFunction, fromWat, task } from './test-modules';
import type { ModuleRef, TaskOutcome, TaskSpec } from './types';

const CAP = 1024 * 1024;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function sameWorker(): (module: ModuleRef, spec: TaskSpec) => Promise<TaskOutcome> {
  const worker = createRuntimeWorker();
  return async (module, spec) => {
    const reply = await worker.run({ ...module, task: spec, stdioCapBytes: CAP, outputFilesCapBytes: CAP });
    if (reply.type !== 'outcome') throw new Error('expected an outcome');
    return reply.outcome;
  };
}

const PATH_OPEN = `(import "wasi_snapshot_preview1" "path_open"
  (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))`;
/** Opens input/a.txt under the preopen (fd 3), never closes it, and exits with the new fd. */
const leaveOpen = fromWat(`(module ${PATH_OPEN}
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "input/a.txt")
  (func (export "_start")
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 11) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 200)))
    (call $exit (i32.load (i32.const 200)))))`);
/** Exits with the errno of fd_fdstat_get on fd 4. */
const probeFd4 = fromWat(`(module
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $stat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (call $stat (i32.const 4) (i32.const 0)))))`);
const ERRNO_BADF = 8;

describe('a reused worker', () => {
  it('gives each task only its own argv, environment and files', async () => {
    const run = sameWorker();
    const inspect = exampleFunction('inspect');
    const first = await run(inspect, task({ programName: 'inspect', args: ['--read', '/input/a.txt'], env: { SECRET: '1' }, files: { 'a.txt': new TextEncoder().encode('A') } }));
    expect(text(first.stdout)).toBe('arg[0]=inspect\narg[1]=--read\narg[2]=/input/a.txt\nenv SECRET=1\nfile /input/a.txt: A\n');
    const second = await run(inspect, task({ programName: 'inspect', args: ['--read', '/input/a.txt'] }));
    expect(text(second.stdout)).toMatch(/^arg\[0\]=inspect\narg\[1\]=--read\narg\[2\]=\/input\/a\.txt\nfile \/input\/a\.txt: error /);
  });

  it('closes every descriptor a task left open', async () => {
    const run = sameWorker();
    expect((await run(leaveOpen, task({ files: { 'a.txt': new Uint8Array([1]) } }))).exitCode).toBe(4);
    expect((await run(probeFd4, task())).exitCode).toBe(ERRNO_BADF);
  });

  it('restarts the clocks and the random stream for every task', async () => {
    const run = sameWorker();
    const clocks = conformanceProgram('clocks');
    const first = await run(clocks, task({ seed: 'same' }));
    const second = await run(clocks, task({ seed: 'same' }));
    expect(first.status).toBe('ok');
    expect(second.stdout).toEqual(first.stdout);
    expect(second.files).toEqual(first.files);
  });
});
