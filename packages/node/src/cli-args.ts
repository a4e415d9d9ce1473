import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { LIMITS } from '@tabgrid/protocol';

/** argv → what `tabgrid-node` should do. Pure: defaults that depend on the machine come in. */

export const DEFAULT_URL = 'http://localhost:8080';

export interface CliDefaults {
  slots: number;
  dataDir: string;
  region: string;
}

export const usage = (d: CliDefaults): string => `usage: tabgrid-node [--url URL] [--region R] [--slots N] [--relay] [--data DIR]

Runs a headless Tabgrid volunteer: registers with the orchestrator over WebRTC (falling back to the
WebSocket relay), runs WASI tasks on N worker threads, keeps modules and its node id in DIR.

  --url URL          orchestrator (TABGRID_URL, default ${DEFAULT_URL})
  --region R         region the scheduler places by (default from the time zone: ${d.region})
  --slots N          worker threads = tasks run at once (default ${d.slots})
  --relay            skip WebRTC, use the WebSocket relay
  --data DIR         node id, lock and module cache (TABGRID_NODE_DATA, default ${d.dataDir})
  --cache-mb MB      bound of the on-disk module cache (default 512)
  --ice-bind ADDR    local address for WebRTC (default: all; 127.0.0.1 if there is no other interface)
  --verbose, -v      log every task
  --help, -h         this text

Stops cleanly on SIGINT/SIGTERM.
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type NodeCli =
  | { kind: 'help' }
  | {
      kind: 'run';
      serverUrl: string;
      region: string;
      slots: number;
      forceRelay: boolean;
      dataDir: string;
      cacheMaxBytes: number;
      iceBindAddress: string | undefined;
      verbose: boolean;
    };

const OPTIONS = {
  url: { type: 'string' },
  region: { type: 'string' },
  slots: { type: 'string' },
  relay: { type: 'boolean' },
  data: { type: 'string' },
  'cache-mb': { type: 'string' },
  'ice-bind': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

const REGION = /^[A-Za-z0-9_-]+$/;
/** The protocol's ceiling for advertised cores. */
const MAX_SLOTS = 1024;

function positiveInt(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${flag} must be a positive integer, got "${text}"`);
  }
  return value;
}

function httpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https, got "${text}"`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function ipAddress(text: string): string {
  if (isIP(text) === 0) throw new UsageError(`--ice-bind must be an IP address, got "${text}"`);
  return text;
}

export function parseNodeCli(argv: readonly string[], env: NodeJS.ProcessEnv, defaults: CliDefaults): NodeCli {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: 'help' };
  const region = values.region ?? defaults.region;
  if (!REGION.test(region) || region.length > LIMITS.maxRegionLength) {
    throw new UsageError(`--region must be 1-${LIMITS.maxRegionLength} characters of [A-Za-z0-9_-], got "${region}"`);
  }
  const slots = values.slots === undefined ? defaults.slots : positiveInt('slots', values.slots);
  if (slots > MAX_SLOTS) throw new UsageError(`--slots must be at most ${MAX_SLOTS}, got ${slots}`);
  return {
    kind: 'run',
    serverUrl: httpUrl(values.url ?? env.TABGRID_URL ?? DEFAULT_URL),
    region,
    slots,
    forceRelay: values.relay ?? false,
    dataDir: values.data ?? env.TABGRID_NODE_DATA ?? defaults.dataDir,
    cacheMaxBytes: (values['cache-mb'] === undefined ? 512 : positiveInt('cache-mb', values['cache-mb'])) * 1024 * 1024,
    iceBindAddress: values['ice-bind'] === undefined ? undefined : ipAddress(values['ice-bind']),
    verbose: values.verbose ?? false,
  };
}
