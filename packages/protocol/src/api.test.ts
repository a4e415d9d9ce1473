import { describe, expect, it } from 'vitest';
import { parseFunctionRef, parseInvokeRequest } from './api';
import { TabgridError } from './errors';

function errorOf(fn: () => unknown): TabgridError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TabgridError) return e;
    throw e;
  }
  throw new Error('expected a TabgridError');
}

describe('parseInvokeRequest', () => {
  it('accepts the documented fields', () => {
    const body = {
      function: 'hello@1.0.0',
      stdin: 'hi',
      args: ['-v'],
      env: { A: '1' },
      files: { 'data.txt': 'aGk=' },
      replicas: 2,
      timeoutMs: 5000,
      fuel: 1000,
      region: 'eu',
    };
    expect(parseInvokeRequest(body)).toEqual(body);
  });

  it('names the offending field', () => {
    expect(errorOf(() => parseInvokeRequest({ function: 'x', args: 'nope' })).message).toMatch(/body.args/);
    expect(errorOf(() => parseInvokeRequest({ function: 'bad name!' })).code).toBe('bad_request');
    expect(errorOf(() => parseInvokeRequest({ function: 'x', replicas: 0 })).message).toMatch(/replicas/);
    expect(errorOf(() => parseInvokeRequest({ function: 'x', env: { 'A=B': 'c' } })).message).toMatch(/env key/);
    expect(errorOf(() => parseInvokeRequest({ function: 'x', files: { a: 'not base64!' } })).message).toMatch(/base64/);
  });

  it('reports oversized input as payload_too_large', () => {
    expect(errorOf(() => parseInvokeRequest({ function: 'x', stdin: 'x'.repeat(8 * 1024 * 1024 + 1) })).code).toBe(
      'payload_too_large',
    );
  });
});

describe('parseFunctionRef', () => {
  it('splits name and version', () => {
    expect(parseFunctionRef('sieve@2')).toEqual({ name: 'sieve', version: '2' });
    expect(parseFunctionRef('sieve')).toEqual({ name: 'sieve', version: undefined });
  });
});
