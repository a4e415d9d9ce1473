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
  parseJobResults,
  parseNodeList,
  parseUploadedFunction,
} from './parse-responses';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TabgridClientOptions {
  /** Origin of the orchestrator, e.g. http://localhost:8080; '' means same origin (browser). */
  baseUrl: string;
  apiKey?: string;
  fetch?: FetchLike;
}

export interface CallOptions {
  signal?: AbortSignal;
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

  constructor(options: TabgridClientOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey === '' ? undefined : options.apiKey;
    // Unbound window.fetch throws "Illegal invocation" in browsers, so never store it bare.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
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

  listNodes(options: CallOptions = {}): Promise<NodeInfo[]> {
    return this.#request('GET', '/v1/nodes', undefined, options, parseNodeList);
  }

  async #request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body: Body | undefined,
    options: CallOptions,
    parse: (raw: unknown) => T,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['content-type'] = body.contentType;
      // A Uint8Array may be a view into a larger buffer: copy so exactly its bytes are sent.
      init.body = typeof body.data === 'string' ? body.data : body.data.slice();
    }
    if (options.signal !== undefined) init.signal = options.signal;

    const response = await this.#fetch(`${this.#baseUrl}${path}`, init);
    const text = await response.text();
    const json = parseJsonOrUndefined(text);
    if (!response.ok) throw apiErrorFromBody(response.status, json, text);
    try {
      if (json === undefined) throw new TabgridError('internal', 'unexpected response: body is not JSON');
      return parse(json);
    } catch (e) {
      if (e instanceof TabgridError) throw new TabgridApiError(response.status, e.code, e.message);
      throw e;
    }
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
