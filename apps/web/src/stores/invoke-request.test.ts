import { describe, expect, it } from 'vitest';
import { buildInvokeRequest, EMPTY_DRAFT, guestPathFor, type InvokeDraft } from './invoke-request';

const draft: InvokeDraft = { ...EMPTY_DRAFT, functionRef: 'hello@1' };

describe('buildInvokeRequest', () => {
  it('sends only the function when the form is empty', () => {
    expect(buildInvokeRequest(draft, {})).toEqual({ function: 'hello@1' });
  });

  it('maps every field', () => {
    const request = buildInvokeRequest(
      {
        functionRef: 'wordfreq@2',
        stdin: 'a b a\n',
        argsText: '--top\n3\n',
        envText: 'LANG=C\nX=1=2',
        timeoutText: ' 5000 ',
        memoryText: '64',
        fuelText: '1000000',
        replicasText: '2',
      },
      { [guestPathFor('words.txt')]: 'YQ==' },
    );
    expect(request).toEqual({
      function: 'wordfreq@2',
      stdin: 'a b a\n',
      args: ['--top', '3'],
      env: { LANG: 'C', X: '1=2' },
      files: { '/input/words.txt': 'YQ==' },
      timeoutMs: 5000,
      memoryMb: 64,
      fuel: 1_000_000,
      replicas: 2,
    });
  });

  it('explains bad input', () => {
    expect(() => buildInvokeRequest({ ...draft, functionRef: '' }, {})).toThrow(/Choose a function/);
    expect(() => buildInvokeRequest({ ...draft, timeoutText: '2.5' }, {})).toThrow(/Timeout/);
    expect(() => buildInvokeRequest({ ...draft, timeoutText: '0' }, {})).toThrow(/Timeout/);
    expect(() => buildInvokeRequest({ ...draft, memoryText: '99999' }, {})).toThrow(/Memory/);
    expect(() => buildInvokeRequest({ ...draft, replicasText: '0' }, {})).toThrow(/Replicas/);
    expect(() => buildInvokeRequest({ ...draft, envText: 'JUSTAKEY' }, {})).toThrow(/KEY=VALUE/);
  });
});
