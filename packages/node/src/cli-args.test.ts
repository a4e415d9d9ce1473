import { describe, expect, it } from 'vitest';
import { DEFAULT_URL, parseNodeCli, usage, UsageError } from './cli-args';

const defaults = { slots: 4, dataDir: '/home/v/.tabgrid-node', region: 'eu' };
const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseNodeCli(argv, env, defaults);

describe('tabgrid-node arguments', () => {
  it('has machine defaults', () => {
    expect(parse([])).toEqual({
      kind: 'run',
      serverUrl: DEFAULT_URL,
      region: 'eu',
      slots: 4,
      forceRelay: false,
      dataDir: '/home/v/.tabgrid-node',
      cacheMaxBytes: 512 * 1024 * 1024,
      iceBindAddress: undefined,
      verbose: false,
    });
  });

  it('takes every flag', () => {
    const argv = ['--url', 'https://grid.example/', '--region', 'asia', '--slots', '8', '--relay', '--data', '/d', '--cache-mb', '64', '--ice-bind', '127.0.0.1', '-v'];
    expect(parse(argv)).toEqual({
      kind: 'run',
      serverUrl: 'https://grid.example',
      region: 'asia',
      slots: 8,
      forceRelay: true,
      dataDir: '/d',
      cacheMaxBytes: 64 * 1024 * 1024,
      iceBindAddress: '127.0.0.1',
      verbose: true,
    });
  });

  it('reads TABGRID_URL and TABGRID_NODE_DATA; flags win', () => {
    const env = { TABGRID_URL: 'http://orch:9000', TABGRID_NODE_DATA: '/env-data' };
    expect(parse([], env)).toMatchObject({ serverUrl: 'http://orch:9000', dataDir: '/env-data' });
    expect(parse(['--url', 'http://other', '--data', '/flag'], env)).toMatchObject({ serverUrl: 'http://other', dataDir: '/flag' });
  });

  it('answers --help with usage that shows the defaults', () => {
    expect(parse(['--help'])).toEqual({ kind: 'help' });
    expect(parse(['-h', '--slots', 'x'])).toEqual({ kind: 'help' });
    expect(usage(defaults)).toContain('default 4');
    expect(usage(defaults)).toContain('/home/v/.tabgrid-node');
  });

  it.each([
    [['--slots', '0'], /--slots must be a positive integer/],
    [['--slots', '2.5'], /--slots must be a positive integer/],
    [['--slots', '2000'], /at most 1024/],
    [['--url', 'ftp://x'], /http or https/],
    [['--url', 'not a url'], /http\(s\) URL/],
    [['--region', 'eu west'], /--region/],
    [['--region', 'r'.repeat(65)], /--region/],
    [['--cache-mb', '-1'], /--cache-mb/],
    [['--ice-bind', 'localhost'], /--ice-bind must be an IP address/],
    [['--bogus'], /Unknown option/],
    [['stray'], /positional/],
  ])('rejects %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
