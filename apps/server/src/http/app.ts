import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { LIMITS } from '@tabgrid/protocol';
import { errorHandler, sendError } from './errors';
import { registerRoutes, type RouteDeps } from './routes';

/** JSON bodies carry base64 files and stdin; this bounds them well above the parsed limits. */
const JSON_BODY_LIMIT = Math.ceil(((LIMITS.maxStdinBytes + LIMITS.maxFilesBytes) * 4) / 3) + 1024 * 1024;

export async function createHttpApp(deps: RouteDeps & { webDir: string; maxModuleBytes: number }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: process.env.TABGRID_LOG_LEVEL ?? 'warn' },
    bodyLimit: JSON_BODY_LIMIT,
    return503OnClosing: true,
  });
  app.setErrorHandler(errorHandler);
  // Module uploads arrive as application/wasm, but curl's default (form-urlencoded) or any other
  // non-JSON type also lands here as raw bytes, so a wrong body gets invalid_wasm, not a 415.
  app.addContentTypeParser(
    ['application/wasm', 'application/octet-stream', '*'],
    { parseAs: 'buffer', bodyLimit: deps.maxModuleBytes + 1 },
    (_request, body, done) => done(null, body),
  );
  registerRoutes(app, deps);

  const hasWeb = fs.existsSync(path.join(deps.webDir, 'index.html'));
  // Cross-origin isolation gives a tab's workers SharedArrayBuffer, over which they tell the page
  // which task runs, so they can send results in batches. The app loads nothing from elsewhere.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/v1/')) return;
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Embedder-Policy', 'require-corp');
  });
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: deps.webDir,
      wildcard: true,
      index: false,
      // Built assets have content hashes in their names: a tab keeps them (worker scripts included)
      // and can respawn its workers while the orchestrator restarts.
      setHeaders: (reply, filePath) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) reply.header('Cache-Control', 'public, max-age=31536000, immutable');
        // The shell names the current assets, so it is always revalidated.
        else if (path.basename(filePath) === 'index.html') reply.header('Cache-Control', 'no-cache');
      },
    });
    app.get('/', (_request, reply) => sendAppShell(reply));
  }

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '';
    if (url.startsWith('/v1/') || url === '/v1' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return sendError(reply, 'not_found', `no route ${request.method} ${url}`);
    }
    if (!hasWeb) return sendError(reply, 'not_found', 'the web app is not built: run "npm run build"');
    // A missing asset is a 404, not the app shell: a stale page must fail loudly, not parse HTML as JS.
    if (url.startsWith('/assets/') || /\.[A-Za-z0-9]+$/.test(url)) return sendError(reply, 'not_found', `no file ${url}`);
    // The web app routes itself (/, /contribute).
    return sendAppShell(reply);
  });
  return app;
}

function sendAppShell(reply: FastifyReply): FastifyReply {
  return reply.type('text/html').sendFile('index.html');
}
