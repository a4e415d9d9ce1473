import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '@tabgrid/protocol';
import { Scheduler } from '@tabgrid/scheduler';
import { resolveApiKey } from './api-key';
import type { ServerConfig } from './config';
import { Dispatcher } from './dispatch/dispatcher';
import { JobService } from './dispatch/jobs';
import { EventHub } from './events';
import { createHttpApp } from './http/app';
import { NodeHub } from './nodes/node-hub';
import { Signaling } from './nodes/signaling';
import { openDatabase } from './store/database';
import { createSqliteFunctionStore } from './store/function-store';
import { createSqliteJobStore } from './store/job-store';
import { ModuleFiles } from './store/module-files';
import { ServerStats } from './stats';
import { prepareModule } from './wasm/prepare-module';

export interface RunningServer {
  url: string;
  port: number;
  apiKey: string;
  apiKeyGenerated: boolean;
  /** Unfinished batch work picked up from the store at start. */
  recovered: { jobs: number; tasks: number };
  stop(): Promise<void>;
}

const TICK_MS = 250;
const LEASE_GRACE_MS = 10_000;

/** Wires store, scheduler, node hub, signaling and HTTP together and starts listening. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const { key: apiKey, generated } = resolveApiKey(config.dataDir, config.apiKey);
  const db = openDatabase(config.dataDir);
  const functions = createSqliteFunctionStore(db);
  const modules = new ModuleFiles(config.dataDir);
  const now = () => Date.now();

  const scheduler = new Scheduler({ now });
  const events = new EventHub(now);
  const newId = () => randomUUID().replaceAll('-', '');
  // The hub and the dispatcher refer to each other through these closures.
  let dispatcher: Dispatcher;
  const hub: NodeHub = new NodeHub({
    heartbeatMs: config.heartbeatMs,
    now,
    runningOn: (nodeId) => scheduler.runningOn(nodeId),
    scoreOf: (nodeId) => scheduler.nodeRank(nodeId)?.score ?? 1,
    events: {
      onJoin: (s) => {
        dispatcher.nodeJoined({
          id: s.id,
          workers: s.capabilities.cores,
          region: s.capabilities.region,
          memoryMb: s.capabilities.memoryMb,
          features: s.capabilities.features,
        });
        events.nodeChanged(s.id, 'joined');
      },
      onLeave: (nodeId) => {
        dispatcher.nodeLeft(nodeId);
        events.nodeChanged(nodeId, 'left');
      },
      onResults: (nodeId, results) => dispatcher.results(nodeId, results),
      onRejected: (nodeId, unitId) => dispatcher.rejected(nodeId, unitId),
    },
  });
  dispatcher = new Dispatcher({
    scheduler,
    send: (nodeId, message) => hub.send(nodeId, message),
    now,
    queueTimeoutMs: config.queueTimeoutMs,
    leaseGraceMs: LEASE_GRACE_MS,
    newId,
    pipeline: config.pipeline,
  });
  const jobs = new JobService({
    store: createSqliteJobStore(db),
    functions,
    dispatcher,
    limits: { ...config.limits, maxQueuedTasks: config.maxQueuedTasks },
    now,
    newId,
    onProgress: (job) => events.jobChanged(job),
  });
  const recovered = jobs.recover();

  const signaling = new Signaling({
    iceServers: config.iceServers,
    iceTimeoutMs: config.iceTimeoutMs,
    onLink: (link) => hub.accept(link),
  });

  const app = await createHttpApp({
    apiKey,
    functions,
    modules,
    dispatcher,
    jobs,
    events,
    hub,
    maxModuleBytes: config.maxModuleBytes,
    limits: config.limits,
    stats: new ServerStats(),
    prepareModule: async (bytes) => {
      const prepared = await prepareModule(new Uint8Array(bytes), {
        maxInitialPages: config.limits.maxMemoryMb * LIMITS.pagesPerMb,
      });
      return { bytes: prepared.bytes, memoryInitialPages: prepared.memory.initialPages };
    },
    now,
    webDir: config.webDir,
  });
  app.server.on('upgrade', (request, socket, head) => {
    const pathname = (request.url ?? '').split('?')[0];
    if (pathname === '/v1/signal') signaling.handleUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  const ticker = setInterval(() => {
    hub.sweep();
    dispatcher.tick();
    jobs.flush();
    events.flush();
  }, TICK_MS);

  await app.listen({ port: config.port, host: config.host });
  const port = (app.server.address() as AddressInfo).port;

  return {
    url: `http://localhost:${port}`,
    port,
    apiKey,
    apiKeyGenerated: generated,
    recovered,
    async stop() {
      clearInterval(ticker);
      dispatcher.abortInteractive('the server is shutting down');
      jobs.flush();
      events.closeAll();
      signaling.close();
      hub.closeAll('server shutting down');
      await app.close();
      db.close();
    },
  };
}
