import { parseArgs } from 'node:util';
import { bytesToBase64, type InvokeRequest, type JobRequest } from '@tabgrid/protocol';
import { positiveInt, toTaskOptions, UsageError, type ReadFile, type TaskOptionValues } from './cli-common';
import { toJobRequest } from './cli-job-args';
import { parseEnvPair } from './task-input';

export { UsageError, type ReadFile } from './cli-common';

/** argv → what the CLI should do. Pure but for `readFile`, which tests replace. */

export const DEFAULT_URL = 'http://localhost:8080';

export const USAGE = `usage: tabgrid [--url URL] [--key KEY] <command>

commands:
  upload FILE.wasm [--name N] [--version V]   upload a function (name defaults to the file's base name, version to 1)
  functions [--json]                          list uploaded functions
  invoke N[@V] [--stdin TEXT | --stdin-file F] [--arg A]... [--env K=V]...
         [--file GUESTPATH=LOCALFILE]... [--timeout MS] [--replicas R] [--memory MIB] [--fuel F] [--region R] [--json]
                                              run a function once; prints its stdout/stderr and exits with its exit code
  job submit N[@V] (--tasks FILE.jsonl | --stdin-lines FILE)
         [--timeout MS] [--replicas R] [--memory MIB] [--fuel F] [--region R] [--wait] [--json]
                                              run a batch: one task per JSON line {stdin?,args?,env?,files?}, or one
                                              per non-blank line of FILE with that line as stdin; prints the job id
                                              (--wait: then follows it like "job watch")
  job status ID [--json]                      a job's counters
  job watch ID                                a progress line per change until the job ends; exit 0 if done, 1 if not
  job results ID [--ndjson]                   finished tasks in task order (a table, or the raw rows as JSON lines)
  job cancel ID [--json]                      cancel a job's queued and running tasks
  jobs [--limit N] [--json]                   recent jobs, newest first
  nodes [--json]                              list volunteer nodes
  health                                      check that the orchestrator answers

config: --url or TABGRID_URL (default ${DEFAULT_URL}); --key or TABGRID_API_KEY
`;

export interface CliConfig {
  url: string;
  apiKey: string | undefined;
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'health'; config: CliConfig }
  | { kind: 'upload'; config: CliConfig; file: string; name: string; version: string }
  | { kind: 'functions'; config: CliConfig; json: boolean }
  | { kind: 'invoke'; config: CliConfig; request: InvokeRequest; json: boolean }
  | { kind: 'nodes'; config: CliConfig; json: boolean }
  | { kind: 'job-submit'; config: CliConfig; request: JobRequest; wait: boolean; json: boolean }
  | { kind: 'job-status' | 'job-cancel'; config: CliConfig; id: string; json: boolean }
  | { kind: 'job-watch'; config: CliConfig; id: string }
  | { kind: 'job-results'; config: CliConfig; id: string; ndjson: boolean }
  | { kind: 'jobs'; config: CliConfig; json: boolean; limit: number | undefined };

const OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  name: { type: 'string' },
  version: { type: 'string' },
  stdin: { type: 'string' },
  'stdin-file': { type: 'string' },
  arg: { type: 'string', multiple: true },
  env: { type: 'string', multiple: true },
  file: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  replicas: { type: 'string' },
  fuel: { type: 'string' },
  region: { type: 'string' },
  memory: { type: 'string' },
  tasks: { type: 'string' },
  'stdin-lines': { type: 'string' },
  limit: { type: 'string' },
  wait: { type: 'boolean' },
  ndjson: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

const GLOBAL: readonly OptionName[] = ['url', 'key', 'help'];
const TASK_OPTIONS: readonly OptionName[] = ['timeout', 'replicas', 'memory', 'fuel', 'region'];
/** Keyed by what the user types: `job submit` is two words. */
const ALLOWED = {
  health: [],
  upload: ['name', 'version'],
  functions: ['json'],
  nodes: ['json'],
  invoke: ['stdin', 'stdin-file', 'arg', 'env', 'file', ...TASK_OPTIONS, 'json'],
  'job submit': ['tasks', 'stdin-lines', ...TASK_OPTIONS, 'wait', 'json'],
  'job status': ['json'],
  'job watch': [],
  'job results': ['ndjson'],
  'job cancel': ['json'],
  jobs: ['limit', 'json'],
} satisfies Record<string, readonly OptionName[]>;

const JOB_SUBCOMMANDS = 'submit, status, watch, results or cancel';

function isCommand(word: string): word is keyof typeof ALLOWED {
  return Object.hasOwn(ALLOWED, word);
}

function isOptionName(word: string): word is OptionName {
  return Object.hasOwn(OPTIONS, word);
}

function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.wasm$/i, '');
}

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, readFile: ReadFile): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: attachValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  const [first, ...afterFirst] = positionals;
  if (values.help === true || first === undefined || first === 'help') return { kind: 'help' };
  let command: string = first;
  let rest = afterFirst;
  if (first === 'job') {
    const [sub, ...afterSub] = afterFirst;
    if (sub === undefined) throw new UsageError(`"job" needs a subcommand: ${JOB_SUBCOMMANDS}`);
    command = `job ${sub}`;
    rest = afterSub;
    if (!isCommand(command)) throw new UsageError(`unknown job subcommand "${sub}" (${JOB_SUBCOMMANDS})`);
  }
  if (!isCommand(command)) throw new UsageError(`unknown command "${command}"`);

  const allowed = new Set<string>([...GLOBAL, ...ALLOWED[command]]);
  for (const [flag, value] of Object.entries(values)) {
    if (value !== undefined && !allowed.has(flag)) throw new UsageError(`--${flag} does not apply to "${command}"`);
  }
  const config: CliConfig = {
    url: values.url ?? env.TABGRID_URL ?? DEFAULT_URL,
    apiKey: values.key ?? (env.TABGRID_API_KEY === '' ? undefined : env.TABGRID_API_KEY),
  };
  const json = values.json === true;

  switch (command) {
    case 'health':
      expectPositionals(command, rest, 0);
      return { kind: 'health', config };
    case 'functions':
    case 'nodes':
      expectPositionals(command, rest, 0);
      return { kind: command, config, json };
    case 'upload': {
      expectPositionals(command, rest, 1);
      const file = rest[0] ?? '';
      return { kind: 'upload', config, file, name: values.name ?? baseName(file), version: values.version ?? '1' };
    }
    case 'invoke': {
      expectPositionals(command, rest, 1);
      return { kind: 'invoke', config, request: toInvokeRequest(rest[0] ?? '', values, readFile), json };
    }
    case 'job submit':
      expectPositionals(command, rest, 1);
      return { kind: 'job-submit', config, request: toJobRequest(rest[0] ?? '', values, readFile), wait: values.wait === true, json };
    case 'job status':
    case 'job cancel':
      expectPositionals(command, rest, 1);
      return { kind: command === 'job status' ? 'job-status' : 'job-cancel', config, id: rest[0] ?? '', json };
    case 'job watch':
      expectPositionals(command, rest, 1);
      return { kind: 'job-watch', config, id: rest[0] ?? '' };
    case 'job results':
      expectPositionals(command, rest, 1);
      return { kind: 'job-results', config, id: rest[0] ?? '', ndjson: values.ndjson === true };
    case 'jobs':
      expectPositionals(command, rest, 0);
      return { kind: 'jobs', config, json, limit: values.limit === undefined ? undefined : positiveInt('limit', values.limit) };
  }
}

/**
 * `--arg -n` is what people type, but parseArgs refuses a value that starts with a dash unless it is
 * written `--arg=-n`; a string option always takes the next word, so glue it on.
 */
function attachValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    const next = argv[i + 1];
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = token.startsWith('--') ? token.slice(2) : '';
    if (next !== undefined && isOptionName(name) && OPTIONS[name].type === 'string') {
      out.push(`${token}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

function expectPositionals(command: string, rest: readonly string[], count: number): void {
  if (rest.length !== count) {
    throw new UsageError(`"${command}" takes ${count === 0 ? 'no arguments' : `${count} argument`}, got ${rest.length}`);
  }
}

type Values = TaskOptionValues & {
  stdin?: string | undefined;
  'stdin-file'?: string | undefined;
  arg?: string[] | undefined;
  env?: string[] | undefined;
  file?: string[] | undefined;
};

/** The `invoke` flags → the /v1/invoke body. */
export function toInvokeRequest(fn: string, values: Values, readFile: ReadFile): InvokeRequest {
  const request: InvokeRequest = { function: fn };
  if (values.stdin !== undefined && values['stdin-file'] !== undefined) {
    throw new UsageError('use either --stdin or --stdin-file, not both');
  }
  if (values.stdin !== undefined) request.stdin = values.stdin;
  if (values['stdin-file'] !== undefined) request.stdin = new TextDecoder().decode(readFile(values['stdin-file']));
  if (values.arg !== undefined) request.args = [...values.arg];
  if (values.env !== undefined) {
    const env: Record<string, string> = {};
    for (const pair of values.env) {
      const [k, v] = parseEnvOrUsage(pair);
      env[k] = v;
    }
    request.env = env;
  }
  if (values.file !== undefined) {
    const files: Record<string, string> = {};
    for (const spec of values.file) {
      const eq = spec.indexOf('=');
      if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--file "${spec}" must look like GUESTPATH=LOCALFILE`);
      files[spec.slice(0, eq)] = bytesToBase64(readFile(spec.slice(eq + 1)));
    }
    request.files = files;
  }
  return { ...request, ...toTaskOptions(values) };
}

function parseEnvOrUsage(pair: string): [string, string] {
  try {
    return parseEnvPair(pair);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
