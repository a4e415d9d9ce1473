import { describe, expect, it } from 'vitest';
import { buildInvokeRequest, guestPathFor, type InvokeDraft } from './invoke-request';

const draft: InvokeDraft = { functionRef: 'hello@1', stdin: '', argsText: '', envText: '', timeoutText: '' };

describe('buildInvokeRequest', () => {
  it('sends only the function when the form is empty', () => {
    expect(buildInvokeRequest(draft, {})).toEqual({ function: 'hello@1' });
  });

  it('maps every field', () => {
    const request = buildInvokeRequest(
      { functionRef: 'wordfreq@2', stdin: 'a b a\n', argsText: '--top\n3\n', envText: 'LANG=C\nX=1=2', timeoutText: ' 5000 ' },
      { [guestPathFor('words.txt')]: 'YQ==' },
    );
    expect(request).toEqual({
      function: 'wordfreq@2',
      stdin: 'a b a\n',
      args: ['--top', '3'],
      env: { LANG: 'C', X: '1=2' },
      files: { '/input/words.txt': 'YQ==' },
      timeoutMs: 5000,
    });
  });

  it('explains bad input', () => {
    expect(() => buildInvokeRequest({ ...draft, functionRef: '' }, {})).toThrow(/Choose a function/);
    expect(() => buildInvokeRequest({ ...draft, timeoutText: '2.5' }, {})).toThrow(/Timeout/);
    expect(() => buildInvokeRequest({ ...draft, timeoutText: '0' }, {})).toThrow(/Timeout/);
    expect(() => buildInvokeRequest({ ...draft, envText: 'JUSTAKEY' }, {})).toThrow(/KEY=VALUE/);
  });
});
