import type { ConformanceTest } from './suite';

/** What an engine observed: an exit code (null for a trap or host failure) and the output streams. */
export interface EngineResult {
  exitCode: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

export type Verdict = { verdict: 'pass' } | { verdict: 'fail' | 'skip'; reason: string };

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const clip = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

export function judge(test: ConformanceTest, result: EngineResult): Verdict {
  const { exitCode, stdout, stderr } = test.expected;
  if (result.exitCode !== exitCode) {
    const why = result.exitCode === null ? `no exit code (${firstLine(text(result.stderr))})` : `exit ${result.exitCode}`;
    const detail = result.exitCode !== null && result.stderr.length > 0 ? `: ${firstLine(text(result.stderr))}` : '';
    return { verdict: 'fail', reason: `expected exit ${exitCode}, got ${why}${detail}` };
  }
  if (stdout !== null && text(result.stdout) !== stdout) return { verdict: 'fail', reason: `stdout ${clip(text(result.stdout))}, expected ${clip(stdout)}` };
  if (stderr !== null && text(result.stderr) !== stderr) return { verdict: 'fail', reason: `stderr ${clip(text(result.stderr))}, expected ${clip(stderr)}` };
  return { verdict: 'pass' };
}

function firstLine(value: string): string {
  const line = value.trim().split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}
