import { describe, expect, it } from 'vitest';
import { DEFAULT_URL, parseCli, UsageError } from './cli-args';

const files: Record<string, string> = {
  'tasks.jsonl': '{"stdin":"a"}\n\n{"args":["-n","3"],"env":{"K":"v"}}\r\n{"files":{"in.txt":"aGk="}}\n',
  'lines.txt': 'alpha\n\n  \nbeta gamma\r\ndelta',
  'bad-json.jsonl': '{"stdin":"a"}\n{oops}\n',
  'bad-field.jsonl': '{"stdin":"a"}\n{"argv":["x"]}\n',
  'bad-type.jsonl': '{"args":"x"}\n',
  'empty.txt': '\n\n',
};
const readFile = (path: string): Uint8Array => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return new TextEncoder().encode(text);
};
const parse = (argv: string[]) => parseCli(argv, {}, readFile);
const config = { url: DEFAULT_URL, apiKey: undefined };

describe('parseCli: jobs', () => {
  it('submits one task per JSON line with the shared options', () => {
    const cmd = parse(['job', 'submit', 'hello@1', '--tasks', 'tasks.jsonl', '--replicas', '2', '--timeout', '5000', '--memory', '64', '--fuel', '9', '--region', 'eu', '--wait']);
    expect(cmd).toEqual({
      kind: 'job-submit',
      config,
      wait: true,
      json: false,
      request: {
        function: 'hello@1',
        tasks: [{ stdin: 'a' }, { args: ['-n', '3'], env: { K: 'v' } }, { files: { 'in.txt': 'aGk=' } }],
        replicas: 2,
        timeoutMs: 5000,
        memoryMb: 64,
        fuel: 9,
        region: 'eu',
      },
    });
  });

  it('makes a task of every non-blank line with --stdin-lines, the line as stdin', () => {
    expect(parse(['job', 'submit', 'hello', '--stdin-lines', 'lines.txt'])).toMatchObject({
      request: { function: 'hello', tasks: [{ stdin: 'alpha\n' }, { stdin: 'beta gamma\n' }, { stdin: 'delta\n' }] },
      wait: false,
    });
  });

  it('parses status, watch, results, cancel and the recent list', () => {
    expect(parse(['job', 'status', 'j1', '--json'])).toEqual({ kind: 'job-status', config, id: 'j1', json: true });
    expect(parse(['job', 'watch', 'j1'])).toEqual({ kind: 'job-watch', config, id: 'j1' });
    expect(parse(['job', 'results', 'j1', '--ndjson'])).toEqual({ kind: 'job-results', config, id: 'j1', ndjson: true });
    expect(parse(['job', 'cancel', 'j1'])).toEqual({ kind: 'job-cancel', config, id: 'j1', json: false });
    expect(parse(['jobs'])).toEqual({ kind: 'jobs', config, json: false, limit: undefined });
    expect(parse(['jobs', '--limit', '5', '--json'])).toEqual({ kind: 'jobs', config, json: true, limit: 5 });
  });

  it.each([
    [['job'], /needs a subcommand/],
    [['job', 'frob', 'j1'], /unknown job subcommand "frob"/],
    [['job', 'status'], /"job status" takes 1 argument/],
    [['job', 'submit', 'f'], /exactly one of --tasks/],
    [['job', 'submit', 'f', '--tasks', 'tasks.jsonl', '--stdin-lines', 'lines.txt'], /exactly one of --tasks/],
    [['job', 'submit', 'f', '--tasks', 'bad-json.jsonl'], /tasks line 2 is not JSON/],
    [['job', 'submit', 'f', '--tasks', 'bad-field.jsonl'], /tasks line 2: unknown field "argv"/],
    [['job', 'submit', 'f', '--tasks', 'bad-type.jsonl'], /tasks line 1: task\.args/],
    [['job', 'submit', 'f', '--stdin-lines', 'empty.txt'], /holds no tasks/],
    [['job', 'submit', 'f', '--stdin-lines', 'lines.txt', '--replicas', '0'], /--replicas must be a positive integer/],
    [['job', 'watch', 'j1', '--ndjson'], /--ndjson does not apply to "job watch"/],
    [['jobs', '--limit', 'x'], /--limit must be a positive integer/],
  ])('rejects %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
