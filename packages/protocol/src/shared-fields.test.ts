import { describe, expect, it } from 'vitest';
import { TabgridError } from './errors';
import { encodeNodeToServer, encodeServerToNode, parseNodeToServer, parseServerToNode } from './parse-node';
import type { TaskOutcomeWire } from './node-to-server';
import type { TaskAssignment } from './server-to-node';
import { MAX_SHARED_CHARS, shareFields, withShared } from './shared-fields';

const task = (i: number, args: string[] = ['7']): TaskAssignment => ({
  taskId: `j1_${i}`,
  functionName: 'primes',
  moduleDigest: `sha256:${'a'.repeat(64)}`,
  args,
  env: { MODE: 'fast' },
  stdin: '',
  files: {},
  timeoutMs: 30_000,
  fuel: null,
  memoryLimitPages: 4096,
  seed: `${i}`.padStart(64, '0'),
});
const outcome = (stdout: string, durationMs: number): TaskOutcomeWire => ({ status: 'ok', exitCode: 0, stdout, stderr: '', truncated: false, durationMs, fuelUsed: 0, files: {} });
/** What the other end receives: the encoded message through JSON, as the framing carries it. */
const overWire = (message: unknown): unknown => JSON.parse(JSON.stringify(message));

describe('shareFields', () => {
  it('moves the fields every item agrees on into shared, and each item keeps the rest', () => {
    const items = [task(0, ['1']), task(1, ['2']), task(2, ['1'])];
    const { shared, own } = shareFields(items);
    expect(Object.keys(shared).sort()).toEqual(['env', 'files', 'fuel', 'functionName', 'memoryLimitPages', 'moduleDigest', 'stdin', 'timeoutMs']);
    expect(own[0]).toEqual({ taskId: 'j1_0', args: ['1'], seed: items[0]!.seed });
    expect(own.map((o) => ({ ...shared, ...o }))).toEqual(items);
  });

  it('shares nothing for a single item or a long value', () => {
    expect(shareFields([task(0)]).shared).toEqual({});
    const long = [task(0, ['x'.repeat(300)]), task(1, ['x'.repeat(300)])];
    expect(shareFields(long).shared).not.toHaveProperty('args');
  });
});

describe('withShared', () => {
  it('restores an item as {...shared, ...own} does: own fields win, order kept', () => {
    const shared = { status: 'ok', exitCode: 0, stderr: '' };
    const own = { stdout: 'MQ==', exitCode: 1 };
    expect(withShared(shared, own)).toEqual({ ...shared, ...own });
    expect(Object.keys(withShared(shared, own))).toEqual(Object.keys({ ...shared, ...own }));
  });

  it('never lets a __proto__ key from the wire set the prototype of the item', () => {
    // JSON.parse makes "__proto__" an own field; a literal with __proto__ would set the prototype instead.
    const fromWire = JSON.parse('{"shared": {"__proto__": {"status": "ok"}}, "own": {"__proto__": {"exitCode": 0}, "stdout": ""}}') as {
      shared: Record<string, unknown>;
      own: Record<string, unknown>;
    };
    expect(Object.keys(fromWire.own)).toEqual(['__proto__', 'stdout']);
    const item = withShared(fromWire.shared, fromWire.own);
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(item).toEqual({ stdout: '' });
    expect('status' in item || 'exitCode' in item).toBe(false);
  });
});

describe('messages with shared fields', () => {
  it('an assign arrives as the tasks that were sent, in fewer bytes', () => {
    const message = { type: 'assign' as const, tasks: Array.from({ length: 16 }, (_, i) => task(i)) };
    const wire = encodeServerToNode(message);
    expect(JSON.stringify(wire).length).toBeLessThan(JSON.stringify(message).length / 2);
    expect(parseServerToNode(overWire(wire))).toEqual(message);
  });

  it('a results batch arrives as the outcomes that were sent', () => {
    const message = { type: 'results' as const, results: [{ taskId: 'j1_0', outcome: outcome('MQ==', 4.2) }, { taskId: 'j1_1', outcome: outcome('Mg==', 4.9) }] };
    expect(parseNodeToServer(overWire(encodeNodeToServer(message)))).toEqual(message);
  });

  it('an item overrides a shared field, and every merged item is still checked', () => {
    const wire = { type: 'assign', shared: { ...task(0), taskId: undefined }, tasks: [{ taskId: 'j1_0' }, { taskId: 'j1_1', timeoutMs: 5 }] };
    const parsed = parseServerToNode(overWire(wire));
    expect(parsed.type === 'assign' && parsed.tasks.map((t) => t.timeoutMs)).toEqual([30_000, 5]);
    const bad = { type: 'assign', shared: { ...task(0), taskId: undefined }, tasks: [{ taskId: 'j1_0', timeoutMs: -1 }] };
    expect(() => parseServerToNode(overWire(bad))).toThrow(TabgridError);
  });

  it('refuses a shared part that is not an object or too large, which would be checked once per item', () => {
    expect(() => parseNodeToServer({ type: 'results', shared: [], results: [{ taskId: 'j1_0', outcome: outcome('', 1) }] })).toThrow(/results.shared must be an object/);
    const huge = { stdout: 'A'.repeat(MAX_SHARED_CHARS) };
    expect(() => parseNodeToServer({ type: 'results', shared: huge, results: [{ taskId: 'j1_0', outcome: { ...outcome('', 1), stdout: undefined } }] })).toThrow(/results.shared is larger/);
  });
});
