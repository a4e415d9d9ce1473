import { ConsoleStdout, File, OpenFile, WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { CappedSink } from './capped-sink';
import { buildGuestRoot } from './guest-fs';
import { planGuestFiles } from './guest-path';
import { GuestWasi } from './guest-wasi';
import { describeThrown, failedOutcome } from './outcome';
import type { TaskOutcome, TaskSpec } from './types';

interface CommandExports {
  memory: WebAssembly.Memory;
  _start: () => unknown;
}

/**
 * Runs one WASI command to completion on the current thread. Never throws: every failure,
 * guest or host, becomes an outcome.
 */
export async function executeModule(module: WebAssembly.Module, task: TaskSpec, stdioCapBytes: number): Promise<TaskOutcome> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const stdout = new CappedSink(stdioCapBytes);
  const stderr = new CappedSink(stdioCapBytes);

  let wasi: GuestWasi;
  let instance: WebAssembly.Instance;
  try {
    const argvError = findArgvError(task);
    if (argvError !== null) return failedOutcome(argvError, elapsed());
    const fds = [
      new OpenFile(new File(task.stdin, { readonly: true })),
      new ConsoleStdout((bytes) => stdout.write(bytes)),
      new ConsoleStdout((bytes) => stderr.write(bytes)),
      buildGuestRoot(planGuestFiles(task.files)),
    ];
    const env = Object.entries(task.env).map(([key, value]) => `${key}=${value}`);
    wasi = new GuestWasi([task.programName, ...task.args], env, fds);
    instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
  } catch (thrown) {
    return failedOutcome(`cannot start module: ${describeThrown(thrown)}`, elapsed());
  }

  const exports = asCommand(instance.exports);
  if (typeof exports === 'string') return failedOutcome(exports, elapsed());

  let exitCode: number | null;
  try {
    exitCode = wasi.start({ exports });
  } catch (thrown) {
    exitCode = null;
    stderr.note(`${describeTrap(thrown)}\n`);
  }
  return {
    status: exitCode === 0 ? 'ok' : 'error',
    exitCode,
    stdout: stdout.bytes(),
    stderr: stderr.bytes(),
    truncated: stdout.truncated || stderr.truncated,
    durationMs: elapsed(),
    fuelUsed: 0,
  };
}

function asCommand(exports: WebAssembly.Exports): CommandExports | string {
  const memory = exports['memory'];
  const start = exports['_start'];
  if (!(memory instanceof WebAssembly.Memory)) return 'module does not export its memory as "memory"';
  if (typeof start !== 'function') return 'module has no "_start" export: not a WASI command';
  return { memory, _start: start as () => unknown };
}

function describeTrap(thrown: unknown): string {
  if (thrown instanceof WebAssembly.RuntimeError) return `wasm trap: ${thrown.message}`;
  // WASIProcExit escaping start() means proc_exit was reached re-entrantly; report it plainly.
  if (thrown instanceof WASIProcExit) return `exit ${thrown.code} during another host call`;
  return `guest aborted: ${describeThrown(thrown)}`;
}

// argv and environ cross into the guest as NUL-terminated strings.
function findArgvError({ programName, args, env }: TaskSpec): string | null {
  if ([programName, ...args].some((arg) => arg.includes('\0'))) return 'arguments must not contain NUL bytes';
  for (const key of Object.keys(env)) {
    if (key === '' || key.includes('=') || key.includes('\0')) return `invalid environment variable name ${JSON.stringify(key)}`;
    if (env[key]?.includes('\0')) return `environment variable ${key} contains a NUL byte`;
  }
  return null;
}
