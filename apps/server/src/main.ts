import { loadConfig } from './config';
import { startServer } from './server';

const config = loadConfig();
const server = await startServer(config);

const keyNote = server.apiKeyGenerated
  ? `(generated, stored in ${config.dataDir}/api-key)`
  : config.apiKey
    ? '(from TABGRID_API_KEY)'
    : `(from ${config.dataDir}/api-key)`;
console.log(`Tabgrid orchestrator listening on ${server.url}
  dashboard:  ${server.url}/#key=${server.apiKey}
  volunteer:  ${server.url}/contribute
  API key:    ${server.apiKey} ${keyNote}
  data dir:   ${config.dataDir}${
    server.recovered.tasks > 0 ? `\n  resumed:    ${server.recovered.tasks} tasks of ${server.recovered.jobs} jobs` : ''
  }`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.stop().then(() => process.exit(0));
  });
}
