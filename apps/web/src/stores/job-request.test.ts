import { describe, expect, it } from 'vitest';
import { buildJobRequest, EMPTY_JOB_DRAFT } from './job-request';

describe('buildJobRequest', () => {
  it('makes a task per non-blank line and gives every task the common arguments', () => {
    const request = buildJobRequest({
      functionRef: 'hello@1',
      linesText: 'one\n\n  \ntwo\r\n',
      argsText: '-n\n3\n',
      replicasText: '2',
      timeoutText: ' 5000 ',
    });
    expect(request).toEqual({
      function: 'hello@1',
      tasks: [{ stdin: 'one\n', args: ['-n', '3'] }, { stdin: 'two\n', args: ['-n', '3'] }],
      replicas: 2,
      timeoutMs: 5000,
    });
  });

  it('sends only what was filled in', () => {
    expect(buildJobRequest({ ...EMPTY_JOB_DRAFT, functionRef: 'f', linesText: 'x' })).toEqual({ function: 'f', tasks: [{ stdin: 'x\n' }] });
  });

  it.each([
    [{ linesText: 'x' }, /Choose a function/],
    [{ functionRef: 'f', linesText: '\n \n' }, /at least one line/],
    [{ functionRef: 'f', linesText: 'x', replicasText: '0' }, /Replicas must be a whole number/],
    [{ functionRef: 'f', linesText: 'x', timeoutText: '1.5' }, /Timeout must be a whole number/],
  ])('explains what is wrong with %j', (patch, message) => {
    expect(() => buildJobRequest({ ...EMPTY_JOB_DRAFT, ...patch })).toThrow(message);
  });
});
