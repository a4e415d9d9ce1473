import type { FunctionInfo, InvokeResult, NodeInfo } from '@tabgrid/protocol';
import { parseCli, USAGE, UsageError, type CliCommand } from './cli-args';
import { formatTable, toJson, type CliIo } from './cli-output';
import { TabgridClient } from './client';
import { TabgridApiError } from './errors';
import { executeJob, isJobCommand } from './run-job-cli';

export type { CliIo } from './cli-output';

export const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

export async function runCli(io: CliIo): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(io.argv, io.env, io.readFile);
  } catch (e) {
    if (!(e instanceof UsageError)) return reportFailure(io, e);
    io.stderr(`tabgrid: ${e.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const client = new TabgridClient({
    baseUrl: command.config.url,
    ...(command.config.apiKey === undefined ? {} : { apiKey: command.config.apiKey }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  });
  try {
    return await execute(command, client, io);
  } catch (e) {
    // An unreachable server is a bare TypeError ("fetch failed", "request failed"); the useful part is in `cause`.
    if (e instanceof TypeError) {
      const cause = e.cause instanceof Error ? ` (${e.cause.message})` : '';
      io.stderr(`tabgrid: cannot reach ${command.config.url}: ${e.message}${cause}\n`);
      return EXIT_FAILURE;
    }
    return reportFailure(io, e);
  }
}

async function execute(command: Exclude<CliCommand, { kind: 'help' }>, client: TabgridClient, io: CliIo): Promise<number> {
  if (isJobCommand(command)) return executeJob(command, client, io);
  switch (command.kind) {
    case 'health': {
      const health = await client.health();
      io.stdout(health.ok ? 'ok\n' : 'not ok\n');
      return health.ok ? 0 : EXIT_FAILURE;
    }
    case 'upload': {
      const uploaded = await client.uploadFunction(command.name, command.version, io.readFile(command.file));
      io.stdout(`${uploaded.name}@${uploaded.version} ${uploaded.digest} ${uploaded.size} bytes\n`);
      return 0;
    }
    case 'functions': {
      const functions = await client.listFunctions();
      io.stdout(command.json ? toJson(functions) : functionsTable(functions));
      return 0;
    }
    case 'nodes': {
      const nodes = await client.listNodes();
      io.stdout(command.json ? toJson(nodes) : nodesTable(nodes));
      return 0;
    }
    case 'invoke': {
      const result = await client.invoke(command.request);
      if (command.json) {
        io.stdout(toJson(result));
        return 0;
      }
      return printInvokeResult(result, io);
    }
  }
}

/** stdout/stderr verbatim; the process ends with the function's exit code. */
function printInvokeResult(result: InvokeResult, io: CliIo): number {
  if (result.stdout !== '') io.stdout(result.stdout);
  if (result.stderr !== '') io.stderr(result.stderr);
  if (result.truncated) io.stderr('tabgrid: output was truncated by the server\n');
  if (result.status !== 'ok') io.stderr(`tabgrid: function ended with status ${result.status}\n`);
  if (result.exitCode !== null) return result.exitCode;
  return result.status === 'ok' ? 0 : EXIT_FAILURE;
}

function reportFailure(io: CliIo, e: unknown): number {
  if (e instanceof TabgridApiError) {
    io.stderr(`tabgrid: ${e.code} (HTTP ${e.status}): ${e.message}\n`);
  } else {
    io.stderr(`tabgrid: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  return EXIT_FAILURE;
}

function functionsTable(functions: readonly FunctionInfo[]): string {
  if (functions.length === 0) return 'no functions uploaded\n';
  return formatTable(
    ['NAME', 'VERSION', 'DIGEST', 'SIZE', 'CREATED'],
    functions.map((f) => [f.name, f.version, f.digest, String(f.size), f.createdAt]),
  );
}

function nodesTable(nodes: readonly NodeInfo[]): string {
  if (nodes.length === 0) return 'no nodes connected\n';
  return formatTable(
    ['ID', 'REGION', 'CORES', 'STATE', 'TRANSPORT', 'RUNNING', 'COMPLETED', 'FAILED', 'SCORE'],
    nodes.map((n) => [
      n.id,
      n.region,
      String(n.cores),
      n.state,
      n.transport,
      String(n.running),
      String(n.completed),
      String(n.failed),
      n.score.toFixed(2),
    ]),
  );
}
