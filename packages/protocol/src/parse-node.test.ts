import { describe, expect, it } from 'vitest';
import { TabgridError } from './errors';
import { parseNodeToServer, parseServerToNode } from './parse-node';
import { PROTOCOL_VERSION } from './version';

const hello = {
  type: 'hello',
  protocolVersion: PROTOCOL_VERSION,
  nodeId: 'node_abcdef12',
  capabilities: { cores: 4, memoryMb: 8192, userAgent: 'test', region: 'eu', features: ['simd'] },
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TabgridError);
    return (e as TabgridError).code;
  }
  throw new Error('expected a TabgridError');
}

describe('parseNodeToServer', () => {
  it('accepts a well-formed hello and returns only known fields', () => {
    const parsed = parseNodeToServer({ ...hello, extra: 'dropped' });
    expect(parsed).toEqual(hello);
  });

  it.each([
    ['not an object', 42],
    ['null', null],
    ['an array', [hello]],
    ['unknown type', { type: 'bogus' }],
    ['missing capabilities', { ...hello, capabilities: undefined }],
    ['fractional cores', { ...hello, capabilities: { ...hello.capabilities, cores: 1.5 } }],
    ['zero cores', { ...hello, capabilities: { ...hello.capabilities, cores: 0 } }],
    ['node id with spaces', { ...hello, nodeId: 'has space in it' }],
    ['huge user agent', { ...hello, capabilities: { ...hello.capabilities, userAgent: 'x'.repeat(10_000) } }],
    ['heartbeat with negative running', { type: 'heartbeat', running: -1 }],
    ['results without any', { type: 'results', results: [] }],
    ['result without outcome', { type: 'results', results: [{ taskId: 't1' }] }],
    ['result with non-base64 stdout', {
      type: 'results',
      results: [{
        taskId: 't1',
        outcome: { status: 'ok', exitCode: 0, stdout: '!!', stderr: '', truncated: false, durationMs: 1, fuelUsed: 0, files: {} },
      }],
    }],
    ['result with unknown status', {
      type: 'results',
      results: [{
        taskId: 't1',
        outcome: { status: 'great', exitCode: 0, stdout: '', stderr: '', truncated: false, durationMs: 1, fuelUsed: 0, files: {} },
      }],
    }],
    ['the old single result message', { type: 'result', taskId: 't1', outcome: {} }],
  ])('rejects %s with bad_request', (_name, raw) => {
    expect(codeOf(() => parseNodeToServer(raw))).toBe('bad_request');
  });

  it('accepts a batch of results, one with a null exit code (trap or timeout)', () => {
    const timedOut = {
      taskId: 'task-1',
      outcome: {
        status: 'timeout',
        exitCode: null,
        stdout: '',
        stderr: 'aGk=',
        truncated: false,
        durationMs: 5,
        fuelUsed: 0,
        files: { '/output/a.txt': 'aGk=' },
      },
    };
    const ok = { taskId: 'task-2', outcome: { ...timedOut.outcome, status: 'ok', exitCode: 0, files: {} } };
    const raw = { type: 'results', results: [timedOut, ok] };
    expect(parseNodeToServer(raw)).toEqual(raw);
  });
});

describe('parseServerToNode', () => {
  const task = {
      taskId: 'abc',
      functionName: 'hello',
      moduleDigest: `sha256:${'a'.repeat(64)}`,
      args: ['x'],
      env: { A: 'b' },
      stdin: 'aGk=',
      files: { 'in.txt': 'aGk=' },
      timeoutMs: 1000,
      fuel: null,
      memoryLimitPages: 4096,
      seed: 'abc',
  };
  const assign = { type: 'assign', tasks: [task, { ...task, taskId: 'def' }] };

  it('accepts an assignment', () => {
    expect(parseServerToNode(assign)).toEqual(assign);
  });

  it('rejects output files that are not base64 or too many', () => {
    const outcome = { status: 'ok', exitCode: 0, stdout: '', stderr: '', truncated: false, durationMs: 1, fuelUsed: 0 };
    const files = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`/output/${i}`, '']));
    const results = (files: Record<string, string>) => ({ type: 'results', results: [{ taskId: 't', outcome: { ...outcome, files } }] });
    expect(codeOf(() => parseNodeToServer(results(files)))).toBe('bad_request');
    expect(codeOf(() => parseNodeToServer(results({ '/output/a': '%%' })))).toBe('bad_request');
  });

  it('rejects a malformed digest and unknown refusal codes', () => {
    expect(codeOf(() => parseServerToNode({ ...assign, tasks: [{ ...task, moduleDigest: 'md5:00' }] }))).toBe('bad_request');
    expect(codeOf(() => parseServerToNode({ type: 'assign', tasks: [] }))).toBe('bad_request');
    expect(codeOf(() => parseServerToNode({ type: 'refused', code: 'whatever', message: 'x' }))).toBe('bad_request');
  });

  it('accepts a protocol refusal', () => {
    const refused = { type: 'refused', code: 'protocol_mismatch', message: 'reload' };
    expect(parseServerToNode(refused)).toEqual(refused);
  });
});
