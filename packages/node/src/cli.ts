import os from 'node:os';
import { createAgentLog } from './agent-log';
import { parseNodeCli, usage, UsageError } from './cli-args';
import { regionFromTimeZone } from '@tabgrid/protocol';
import { defaultDataDir, startNodeAgent, type NodeAgent } from './node-agent';

const defaults = {
  slots: os.availableParallelism(),
  dataDir: defaultDataDir(),
  region: regionFromTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone),
};
const log = (line: string) => process.stderr.write(`[tabgrid-node] ${line}\n`);

let cli;
try {
  cli = parseNodeCli(process.argv.slice(2), process.env, defaults);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`tabgrid-node: ${error.message}\n\n${usage(defaults)}`);
  process.exit(2);
}
if (cli.kind === 'help') {
  process.stdout.write(usage(defaults));
  process.exit(0);
}

const lines = createAgentLog(cli.verbose);
log(`orchestrator ${cli.serverUrl}, data ${cli.dataDir}${cli.forceRelay ? ', relay only' : ''}`);
let agent: NodeAgent;
try {
  agent = startNodeAgent({
    serverUrl: cli.serverUrl,
    dataDir: cli.dataDir,
    slots: cli.slots,
    region: cli.region,
    forceRelay: cli.forceRelay,
    cacheMaxBytes: cli.cacheMaxBytes,
    ...(cli.iceBindAddress === undefined ? {} : { iceBindAddress: cli.iceBindAddress }),
    onChange: (snapshot) => {
      for (const line of lines(snapshot)) log(line);
      // A refusal (e.g. protocol mismatch) will not heal by retrying: exit so a supervisor notices.
      if (snapshot.phase === 'refused') void agent?.stop().then(() => process.exit(3));
    },
  });
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    log(`${signal}: stopping`);
    void agent.stop().then(() => process.exit(0));
  });
}
