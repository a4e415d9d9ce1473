import { describe, expect, it } from 'vitest';
import { TabgridError } from '@tabgrid/protocol';
import { parseFunctionList, parseInvokeResult, parseNodeList } from './parse-responses';

const node = {
  id: 'n-1',
  region: 'eu',
  cores: 4,
  state: 'idle',
  score: 1,
  running: 0,
  completed: 3,
  failed: 1,
  transport: 'relay',
  userAgent: 'Chrome',
  connectedAt: '2024-01-01T00:00:00Z',
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof TabgridError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a TabgridError');
}

describe('response parsers', () => {
  it('parses a node list and ignores unknown extra fields', () => {
    expect(parseNodeList([{ ...node, extra: 1 }])).toEqual([node]);
  });

  it('names the offending field', () => {
    expect(messageOf(() => parseNodeList([node, { ...node, transport: 'carrier-pigeon' }]))).toBe(
      'internal: unexpected response: body[1].transport must be one of webrtc, relay',
    );
    expect(messageOf(() => parseFunctionList({}))).toContain('body must be an array');
    expect(messageOf(() => parseFunctionList([{ name: 'a', version: '1', digest: 'd', size: '3', createdAt: '' }]))).toContain(
      'body[0].size must be a number',
    );
  });

  it('accepts a null exit code and a missing truncated flag', () => {
    const raw = { status: 'timeout', exitCode: null, stdout: '', stderr: '', fuelUsed: 0, durationMs: 100, nodes: [], verified: false };
    expect(parseInvokeResult(raw)).toEqual({ ...raw, truncated: false, files: {} });
  });

  it('rejects node ids that are not strings', () => {
    const raw = { status: 'ok', exitCode: 0, stdout: '', stderr: '', fuelUsed: 0, durationMs: 1, nodes: [7], verified: true };
    expect(messageOf(() => parseInvokeResult(raw))).toContain('body.nodes[0] must be a string');
  });
});
