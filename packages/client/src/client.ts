import {
  TabgridError,
  type FunctionInfo,
  type InvokeRequest,
  type InvokeResult,
  type JobInfo,
  type JobRequest,
  type JobResult,
  type NodeInfo,
  type UploadedFunction,
} from '@tabgrid/protocol';
import { apiErrorFromBody, TabgridApiError } from './errors';
import {
  parseFunctionList,
  parseHealth,
  parseInvokeResult,
  parseJobInfo,
  parseJobList,
  parseJobResult,
  parseJobResults,
  parseNodeList,
  parseServerEvent,
  parseUploadedFunction,
} from './parse-responses';
import type { ServerEvent } from '@tabgrid/protocol';
import { readSseFrames } from './sse';
import { readLines } from './text-lines';
import { fetchTransport, nodeHttpTransport, type BufferedTransport, type FetchLike } from './transport';
import { waitForJob, type WaitForJobOptions } from './wait-for-job';

export type { FetchLike } from './transport';

export interface TabgridClientOptions {
  /** Origin of the orchestrator, e.g. http://localhost:8080; '' means same origin (browser). */
  baseUrl: string;
  apiKey?: string;
  /** Used for every call when given; otherwise streams use fetch and, under Node, JSON calls node:http. */
  fetch?: FetchLike;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ListJobsOptions extends CallOptions {
  /** Newest first; the server's default is 50, its maximum 1000. */
  limit?: number;
}

export interface EventsOptions {
  /** Only this job's events; the stream then ends when the job does. */
  jobId?: string;
  /** Ends the iteration (quietly, without an error). */
  signal?: AbortSignal;
  /**
   * Called once the server has accepted the subscription, before any event: from then on no
   * change is missed, so this is the moment to load a snapshot to apply events to.
   */
  onOpen?: () => void;
}

interface Body {
  contentType: string;
  data: string | Uint8Array;
}

/** Typed SDK for the orchestrator's HTTP API v1 (DESIGN.md). */
export class TabgridClient {
  readonly #baseUrl: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: FetchLike;
  readonly #transport: BufferedTransport;

  constructor(options: TabgridClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey === '' ? undefined : options.apiKey;
    // Unbound window.fetch throws "Illegal invocation" in browsers, so never store it bare.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#transport = (options.fetch === undefined ? nodeHttpTransport() : undefined) ?? fetchTransport(this.#fetch);
  }

  health(options: CallOptions = {}): Promise<{ ok: boolean }> {
    return this.#request('GET', '/healthz', undefined, options, parseHealth);
  }

  uploadFunction(name: string, version: string, bytes: Uint8Array, options: CallOptions = {}): Promise<UploadedFunction> {
    const query = new URLSearchParams({ name, version }).toString();
    const body = { contentType: 'application/wasm', data: bytes };
    return this.#request('POST', `/v1/functions?${query}`, body, options, (raw) => parseUploadedFunction(raw));
  }

  listFunctions(options: CallOptions = {}): Promise<FunctionInfo[]> {
    return this.#request('GET', '/v1/functions', undefined, options, parseFunctionList);
  }

  invoke(req: InvokeRequest, options: CallOptions = {}): Promise<InvokeResult> {
    const body = { contentType: 'application/json', data: JSON.stringify(req) };
    return this.#request('POST', '/v1/invoke', body, options, (raw) => parseInvokeResult(raw));
  }

  /** Accepts a batch job (202); poll `getJob` or follow `/v1/jobs/:id/events`. */
  createJob(req: JobRequest, options: CallOptions = {}): Promise<JobInfo> {
    const body = { contentType: 'application/json', data: JSON.stringify(req) };
    return this.#request('POST', '/v1/jobs', body, options, parseJobInfo);
  }

  getJob(id: string, options: CallOptions = {}): Promise<JobInfo> {
    return this.#request('GET', `/v1/jobs/${encodeURIComponent(id)}`, undefined, options, parseJobInfo);
  }

  cancelJob(id: string, options: CallOptions = {}): Promise<JobInfo> {
    return this.#request('DELETE', `/v1/jobs/${encodeURIComponent(id)}`, undefined, options, parseJobInfo);
  }

  /** Finished tasks' results in task order (all of them once the job is over). */
  jobResults(id: string, options: CallOptions = {}): Promise<JobResult[]> {
    return this.#request('GET', `/v1/jobs/${encodeURIComponent(id)}/results`, undefined, options, parseJobResults);
  }

  /** Recent jobs, newest first, with live counters. */
  listJobs(options: ListJobsOptions = {}): Promise<JobInfo[]> {
    const query = options.limit === undefined ? '' : `?limit=${options.limit}`;
    return this.#request('GET', `/v1/jobs${query}`, undefined, options, parseJobList);
  }

  /**
   * A job's finished results streamed as NDJSON, one row at a time in task order: a caller that
   * wants the first rows of a big job stops early and the rest is never downloaded.
   */
  async *jobResultRows(id: string, options: CallOptions = {}): AsyncGenerator<JobResult> {
    const body = await this.#openStream(`/v1/jobs/${encodeURIComponent(id)}/results`, 'application/x-ndjson', options.signal);
    if (body === undefined) return;
    let row = 0;
    for await (const line of readLines(body, options.signal)) {
      if (line.trim() === '') continue;
      const what = `results row ${row++}`;
      yield withStatus(200, () => parseJobResult(parseJsonLine(line, what), what));
    }
  }

  /**
   * Server-Sent Events from `/v1/events` (or one job's `/v1/jobs/:id/events`), parsed. Read with
   * fetch rather than EventSource, which cannot send the Authorization header. Ends when the server
   * closes the stream or `signal` aborts; event kinds this client does not know are skipped.
   */
  async *events(options: EventsOptions = {}): AsyncGenerator<ServerEvent> {
    const path = options.jobId === undefined ? '/v1/events' : `/v1/jobs/${encodeURIComponent(options.jobId)}/events`;
    const body = await this.#openStream(path, 'text/event-stream', options.signal);
    if (body === undefined) return;
    options.onOpen?.();
    for await (const frame of readSseFrames(readLines(body, options.signal))) {
      const event = withStatus(200, () => parseServerEvent(frame.event, parseJsonLine(frame.data, `${frame.event} event`)));
      if (event !== undefined) yield event;
    }
  }

  /** Resolves with the job once it has finished (done, failed or cancelled), following its events. */
  waitForJob(id: string, options: WaitForJobOptions = {}): Promise<JobInfo> {
    return waitForJob(this, id, options);
  }

  listNodes(options: CallOptions = {}): Promise<NodeInfo[]> {
    return this.#request('GET', '/v1/nodes', undefined, options, parseNodeList);
  }

  /** A streaming GET's body, or undefined if `signal` aborted before the answer came. */
  async #openStream(path: string, accept: string, signal: AbortSignal | undefined): Promise<ReadableStream<Uint8Array> | undefined> {
    let response: Response;
    try {
      response = await this.#send(path, accept, signal);
    } catch (e) {
      if (signal?.aborted === true) return undefined;
      throw e;
    }
    if (response.body === null) throw new TabgridApiError(response.status, 'internal', 'unexpected response: no body');
    return response.body;
  }

  async #request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body: Body | undefined,
    options: CallOptions,
    parse: (raw: unknown) => T,
  ): Promise<T> {
    const headers = this.#headers('application/json', body);
    const request = { method, url: `${this.#baseUrl}${path}`, headers, ...(body === undefined ? {} : { body: body.data }) };
    const { status, text } = await this.#transport(options.signal === undefined ? request : { ...request, signal: options.signal });
    const json = parseJsonOrUndefined(text);
    if (status < 200 || status > 299) throw apiErrorFromBody(status, json, text);
    return withStatus(status, () => {
      if (json === undefined) throw new TabgridError('internal', 'unexpected response: body is not JSON');
      return parse(json);
    });
  }

  /** A streaming GET; a non-2xx answer becomes a TabgridApiError from its error body. */
  async #send(path: string, accept: string, signal: AbortSignal | undefined): Promise<Response> {
    const init: RequestInit = { method: 'GET', headers: this.#headers(accept, undefined) };
    if (signal !== undefined) init.signal = signal;
    const response = await this.#fetch(`${this.#baseUrl}${path}`, init);
    if (!response.ok) {
      const text = await response.text();
      throw apiErrorFromBody(response.status, parseJsonOrUndefined(text), text);
    }
    return response;
  }

  #headers(accept: string, body: Body | undefined): Record<string, string> {
    const headers: Record<string, string> = { accept };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    if (body !== undefined) headers['content-type'] = body.contentType;
    return headers;
  }
}

/** A parser's TabgridError (a body of the wrong shape) becomes an API error with the response's status. */
function withStatus<T>(status: number, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof TabgridError && !(e instanceof TabgridApiError)) throw new TabgridApiError(status, e.code, e.message);
    throw e;
  }
}

function parseJsonLine(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TabgridError('internal', `unexpected response: ${what} is not JSON`);
  }
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
