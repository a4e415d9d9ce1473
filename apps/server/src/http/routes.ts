import type { FastifyInstance } from 'fastify';
import {
  DIGEST,
  FUNCTION_NAME,
  FUNCTION_VERSION,
  LIMITS,
  parseFunctionRef,
  parseInvokeRequest,
  TabgridError,
  utf8ToBase64,
  type FunctionInfo,
  type InvokeRequest,
  type UploadedFunction,
} from '@tabgrid/protocol';
import { normalizeGuestPath } from '@tabgrid/runtime';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { NodeHub } from '../nodes/node-hub';
import type { FunctionStore } from '../store/function-store';
import { ModuleFiles } from '../store/module-files';
import { validateModule } from '../wasm/validate-module';
import { bearerToken, requireApiKey } from './auth';
import { sendError } from './errors';

export interface RouteDeps {
  apiKey: string;
  functions: FunctionStore;
  modules: ModuleFiles;
  dispatcher: Dispatcher;
  hub: NodeHub;
  maxModuleBytes: number;
  now: () => number;
}

function queryString(query: unknown, key: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
}

function checkedFiles(files: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, b64] of Object.entries(files ?? {})) {
    try {
      out[normalizeGuestPath(path)] = b64;
    } catch (error) {
      throw new TabgridError('bad_request', `files: ${(error as Error).message}`);
    }
  }
  return out;
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const developer = { preHandler: requireApiKey(deps.apiKey) };

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
    validateModule(body, deps.maxModuleBytes);
    const digest = deps.modules.put(body);
    const info: FunctionInfo = { name, version, digest, size: body.byteLength, createdAt: new Date(deps.now()).toISOString() };
    deps.functions.put(info);
    const uploaded: UploadedFunction = { name, version, digest, size: body.byteLength };
    return reply.status(201).send(uploaded);
  });

  app.get('/v1/functions', developer, async () => deps.functions.list());

  app.post('/v1/invoke', developer, async (request, reply) => {
    const req: InvokeRequest = parseInvokeRequest(request.body);
    const ref = parseFunctionRef(req.function);
    const fn = deps.functions.find(ref.name, ref.version);
    if (!fn) throw new TabgridError('not_found', `function "${req.function}" does not exist`);
    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    return deps.dispatcher.run(
      {
        fn,
        replicas: req.replicas ?? 1,
        region: req.region,
        assignment: {
          functionName: fn.name,
          moduleDigest: fn.digest,
          args: req.args ?? [],
          env: req.env ?? {},
          stdin: utf8ToBase64(req.stdin ?? ''),
          files: checkedFiles(req.files),
          timeoutMs: req.timeoutMs ?? LIMITS.defaultTimeoutMs,
        },
      },
      abort.signal,
    );
  });

  app.get('/v1/nodes', async () => deps.hub.list());

  // Volunteers fetch module bytes with their node token; developers may use their key.
  app.get<{ Params: { digest: string } }>('/v1/modules/:digest', async (request, reply) => {
    const token = bearerToken(request) ?? queryString(request.query, 'token');
    if (!token || (deps.hub.nodeForToken(token) === undefined && token !== deps.apiKey)) {
      return sendError(reply, 'unauthorized', 'module downloads need a registered node token');
    }
    const { digest } = request.params;
    if (!DIGEST.test(digest)) return sendError(reply, 'bad_request', 'digest must be sha256:<64 hex>');
    const bytes = deps.modules.get(digest);
    if (!bytes) return sendError(reply, 'not_found', `module ${digest} does not exist`);
    return reply
      .header('Cache-Control', 'private, max-age=31536000, immutable')
      .header('ETag', `"${digest}"`)
      .type('application/wasm')
      .send(bytes);
  });
}
