import type { FastifyInstance } from 'fastify';
import {
  DIGEST,
  FUNCTION_NAME,
  FUNCTION_VERSION,
  TabgridError,
  type UploadedFunction,
} from '@tabgrid/protocol';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { JobService } from '../dispatch/jobs';
import type { EventHub } from '../events';
import type { ServerLimits } from '../dispatch/task-builder';
import type { NodeHub } from '../nodes/node-hub';
import { toInfo, type FunctionLimits, type FunctionStore } from '../store/function-store';
import type { ModuleFiles } from '../store/module-files';
import type { ServerStats } from '../stats';
import { validateModule } from '../wasm/validate-module';
import { bearerToken, requireApiKey } from './auth';
import { registerJobRoutes } from './job-routes';
import { sendError } from './errors';

export interface RouteDeps {
  apiKey: string;
  functions: FunctionStore;
  modules: ModuleFiles;
  dispatcher: Dispatcher;
  jobs: JobService;
  events: EventHub;
  hub: NodeHub;
  maxModuleBytes: number;
  stats: ServerStats;
  limits: ServerLimits;
  /** Turns an uploaded module into the one nodes run (fuel metering, imported memory). */
  prepareModule: (bytes: Uint8Array) => Promise<{ bytes: Uint8Array; memoryInitialPages: number }>;
  now: () => number;
}

function queryString(query: unknown, key: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
}

function queryLimit(query: unknown, key: keyof FunctionLimits, max: number): number | undefined {
  const raw = queryString(query, key);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new TabgridError('bad_request', `query parameter "${key}" must be an integer between 1 and ${max}`);
  }
  return value;
}

function uploadDefaults(query: unknown, limits: ServerLimits): FunctionLimits {
  const defaults: FunctionLimits = {};
  const timeoutMs = queryLimit(query, 'timeoutMs', limits.maxTimeoutMs);
  if (timeoutMs !== undefined) defaults.timeoutMs = timeoutMs;
  const memoryMb = queryLimit(query, 'memoryMb', limits.maxMemoryMb);
  if (memoryMb !== undefined) defaults.memoryMb = memoryMb;
  const fuel = queryLimit(query, 'fuel', limits.maxFuel);
  if (fuel !== undefined) defaults.fuel = fuel;
  return defaults;
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const developer = { preHandler: requireApiKey(deps.apiKey) };
  registerJobRoutes(app, deps);

  app.get('/healthz', async () => ({ ok: true }));

  app.post('/v1/functions', developer, async (request, reply) => {
    const name = queryString(request.query, 'name');
    const version = queryString(request.query, 'version') ?? '1';
    if (!name || !FUNCTION_NAME.test(name)) {
      return sendError(reply, 'bad_request', 'query parameter "name" is required: letters, digits, . _ - (at most 64)');
    }
    if (!FUNCTION_VERSION.test(version)) return sendError(reply, 'bad_request', 'query parameter "version" is invalid');
    const body = request.body;
    if (!(body instanceof Buffer)) {
      return sendError(reply, 'invalid_wasm', 'send the module bytes as the raw body, with Content-Type: application/wasm');
    }
    const defaults = uploadDefaults(request.query, deps.limits);
    validateModule(body, deps.maxModuleBytes);
    const prepared = await deps.prepareModule(body);
    const digest = deps.modules.put(body);
    deps.functions.put({
      name,
      version,
      digest,
      size: body.byteLength,
      createdAt: new Date(deps.now()).toISOString(),
      runDigest: deps.modules.put(prepared.bytes),
      memoryInitialPages: prepared.memoryInitialPages,
      defaults,
    });
    const uploaded: UploadedFunction = { name, version, digest, size: body.byteLength };
    return reply.status(201).send(uploaded);
  });

  app.get('/v1/functions', developer, async () => deps.functions.list().map(toInfo));

  app.get('/v1/nodes', async () => deps.hub.list());

  app.get('/v1/stats', developer, async () => ({
    nodes: deps.hub.size,
    pendingTasks: deps.dispatcher.pendingTasks,
    moduleDownloads: deps.stats.moduleDownloads(),
  }));

  // Volunteers fetch module bytes with their node token; developers may use their key.
  app.get<{ Params: { digest: string } }>('/v1/modules/:digest', async (request, reply) => {
    const token = bearerToken(request);
    if (!token || (deps.hub.nodeForToken(token) === undefined && token !== deps.apiKey)) {
      return sendError(reply, 'unauthorized', 'module downloads need a registered node token');
    }
    const { digest } = request.params;
    if (!DIGEST.test(digest)) return sendError(reply, 'bad_request', 'digest must be sha256:<64 hex>');
    const bytes = deps.modules.get(digest);
    if (!bytes) return sendError(reply, 'not_found', `module ${digest} does not exist`);
    deps.stats.moduleDownloaded(digest);
    return reply
      .header('Cache-Control', 'private, max-age=31536000, immutable')
      .header('ETag', `"${digest}"`)
      .type('application/wasm')
      .send(bytes);
  });
}
