import { describe, expect, it } from 'vitest';
import { base64ToUtf8 } from '@tabgrid/protocol';
import { DEFAULT_URL, parseCli, UsageError } from './cli-args';

const files: Record<string, string> = { 'in.txt': 'from a file', 'data/x.csv': 'a,b\n1,2\n' };
const readFile = (path: string): Uint8Array => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return new TextEncoder().encode(text);
};
const parse = (argv: string[], env: Record<string, string> = {}) => parseCli(argv, env, readFile);

describe('parseCli', () => {
  it('maps every invoke flag onto the request body', () => {
    const cmd = parse([
      'invoke', 'wordfreq@2.0',
      '--stdin', 'hello world',
      '--arg', '-n', '--arg', '10',
      '--env', 'LANG=C', '--env', 'X=a=b',
      '--file', '/input/x.csv=data/x.csv',
      '--timeout', '5000', '--replicas', '3', '--fuel', '1000000', '--region', 'eu',
    ]);
    expect(cmd).toEqual({
      kind: 'invoke',
      config: { url: DEFAULT_URL, apiKey: undefined },
      json: false,
      request: {
        function: 'wordfreq@2.0',
        stdin: 'hello world',
        args: ['-n', '10'],
        env: { LANG: 'C', X: 'a=b' },
        files: { '/input/x.csv': expect.any(String) },
        timeoutMs: 5000,
        replicas: 3,
        fuel: 1_000_000,
        region: 'eu',
      },
    });
    if (cmd.kind !== 'invoke') throw new Error('unreachable');
    expect(base64ToUtf8(cmd.request.files?.['/input/x.csv'] ?? '')).toBe('a,b\n1,2\n');
  });

  it('sends only what was given', () => {
    expect(parse(['invoke', 'hello', '--json'])).toMatchObject({ request: { function: 'hello' }, json: true });
    const cmd = parse(['invoke', 'hello']);
    expect(cmd.kind === 'invoke' && Object.keys(cmd.request)).toEqual(['function']);
  });

  it('reads stdin from a file', () => {
    expect(parse(['invoke', 'f', '--stdin-file', 'in.txt'])).toMatchObject({ request: { stdin: 'from a file' } });
  });

  it('takes the url and key from flags before the environment', () => {
    const env = { TABGRID_URL: 'http://env:1', TABGRID_API_KEY: 'envkey' };
    expect(parse(['nodes'], env)).toEqual({ kind: 'nodes', config: { url: 'http://env:1', apiKey: 'envkey' }, json: false });
    expect(parse(['--url', 'http://flag:2', 'functions', '--key', 'flagkey'], env)).toMatchObject({
      config: { url: 'http://flag:2', apiKey: 'flagkey' },
    });
  });

  it('defaults the upload name to the base name and the version to 1', () => {
    expect(parse(['upload', 'public/functions/hello.wasm'])).toMatchObject({ kind: 'upload', name: 'hello', version: '1' });
    expect(parse(['upload', 'x.wasm', '--name', 'n', '--version', '2.1'])).toMatchObject({ name: 'n', version: '2.1' });
  });

  it('returns help for no command, help or -h', () => {
    expect(parse([])).toEqual({ kind: 'help' });
    expect(parse(['help'])).toEqual({ kind: 'help' });
    expect(parse(['invoke', '-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['frobnicate'], /unknown command/],
    [['invoke'], /takes 1 argument/],
    [['nodes', 'extra'], /takes no arguments/],
    [['invoke', 'f', '--timeout', '-5'], /--timeout must be a positive integer/],
    [['invoke', 'f', '--timeout', '1.5'], /--timeout must be a positive integer/],
    [['invoke', 'f', '--env', 'NOEQUALS'], /KEY=VALUE/],
    [['invoke', 'f', '--file', 'nolocal='], /GUESTPATH=LOCALFILE/],
    [['invoke', 'f', '--stdin', 'a', '--stdin-file', 'in.txt'], /either --stdin or --stdin-file/],
    [['functions', '--stdin', 'x'], /--stdin does not apply to "functions"/],
    [['invoke', 'f', '--bogus'], /bogus/],
  ])('rejects %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
