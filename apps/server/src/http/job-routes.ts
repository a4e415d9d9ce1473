import type { FastifyInstance, FastifyReply } from 'fastify';
import { LIMITS, parseInvokeRequest, parseJobRequest, TabgridError } from '@tabgrid/protocol';
import type { JobService } from '../dispatch/jobs';
import type { EventHub } from '../events';
import { requireApiKey } from './auth';

export interface JobRouteDeps {
  apiKey: string;
  jobs: JobService;
  events: EventHub;
}

const RESULTS_PAGE = 1000;
/** 20,000 tasks of stdin+files within the job input limit, as JSON with base64. */
const JOB_BODY_LIMIT = Math.ceil((LIMITS.maxJobInputBytes * 4) / 3) + 32 * 1024 * 1024;

function notFound(id: string): never {
  throw new TabgridError('not_found', `job "${id}" does not exist`);
}

export function registerJobRoutes(app: FastifyInstance, deps: JobRouteDeps): void {
  const developer = { preHandler: requireApiKey(deps.apiKey) };

  app.post('/v1/invoke', developer, async (request, reply) => {
    const req = parseInvokeRequest(request.body);
    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    return deps.jobs.invoke(req, abort.signal);
  });

  app.post('/v1/jobs', { ...developer, bodyLimit: JOB_BODY_LIMIT }, async (request, reply) => {
    const job = deps.jobs.createJob(parseJobRequest(request.body));
    return reply.status(202).header('Location', `/v1/jobs/${job.id}`).send(job);
  });

  app.get('/v1/jobs', developer, async (request) => {
    const raw = (request.query as Record<string, unknown> | undefined)?.limit;
    const limit = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Math.min(Number(raw), 1000) : 50;
    return deps.jobs.recent(Math.max(1, limit));
  });

  app.get<{ Params: { id: string } }>('/v1/jobs/:id', developer, async (request) => {
    return deps.jobs.info(request.params.id) ?? notFound(request.params.id);
  });

  app.delete<{ Params: { id: string } }>('/v1/jobs/:id', developer, async (request) => {
    return deps.jobs.cancel(request.params.id) ?? notFound(request.params.id);
  });

  app.get<{ Params: { id: string } }>('/v1/jobs/:id/results', developer, async (request, reply) => {
    const { id } = request.params;
    if (!deps.jobs.info(id)) notFound(id);
    const ndjson = (request.headers.accept ?? '').includes('application/x-ndjson');
    return streamResults(reply, deps.jobs, id, ndjson);
  });

  app.get('/v1/events', developer, async (request, reply) => {
    reply.hijack();
    deps.events.subscribe(reply.raw);
  });

  app.get<{ Params: { id: string } }>('/v1/jobs/:id/events', developer, async (request, reply) => {
    const job = deps.jobs.info(request.params.id) ?? notFound(request.params.id);
    reply.hijack();
    deps.events.subscribe(reply.raw, job.id);
    deps.events.jobChanged(job);
  });
}

/** Writes results page by page, so a 100,000-task job never sits in memory as one array. */
async function streamResults(reply: FastifyReply, jobs: JobService, id: string, ndjson: boolean): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, { 'Content-Type': ndjson ? 'application/x-ndjson' : 'application/json; charset=utf-8' });
  if (!ndjson) out.write('[');
  let from = 0;
  let first = true;
  for (;;) {
    const page = jobs.results(id, from, RESULTS_PAGE);
    if (page.length === 0) break;
    let chunk = '';
    for (const row of page) {
      chunk += ndjson ? `${JSON.stringify(row)}\n` : `${first ? '' : ','}${JSON.stringify(row)}`;
      first = false;
    }
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    from = page[page.length - 1]!.index + 1;
  }
  out.end(ndjson ? '' : ']');
}
