import { isJobFinished, TabgridError, type JobInfo, type ServerEvent } from '@tabgrid/protocol';
import type { EventsOptions } from './client';

export interface WaitForJobOptions {
  signal?: AbortSignal;
  /** Each change the server reports, the finished job last (progress is coalesced to a few per second). */
  onProgress?: (job: JobInfo) => void;
  /** Times to follow again after the stream closed early (a restart, a proxy timeout) with no news. Default 5. */
  maxQuietReconnects?: number;
  /** Pause before following again. Default 1000 ms. */
  reconnectDelayMs?: number;
  /** How to pause; tests inject it. */
  sleep?: (ms: number) => Promise<void>;
}

/** What waitForJob needs of the client. */
export interface JobFollower {
  events(options: EventsOptions): AsyncIterable<ServerEvent>;
  getJob(id: string, options: { signal?: AbortSignal }): Promise<JobInfo>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Follows a job's event stream until the job finishes and returns it as it ended. The server
 * pushes the end at once, so a waiter learns of it without polling; when the stream closes early,
 * the job is asked for directly, then followed again.
 */
export async function waitForJob(client: JobFollower, id: string, options: WaitForJobOptions = {}): Promise<JobInfo> {
  const { signal, onProgress, maxQuietReconnects = 5, reconnectDelayMs = 1000, sleep = realSleep } = options;
  let quietReconnects = 0;
  for (;;) {
    let news = false;
    for await (const event of client.events({ jobId: id, ...(signal === undefined ? {} : { signal }) })) {
      if (event.type !== 'job') continue;
      news = true;
      onProgress?.(event.job);
      if (isJobFinished(event.job)) return event.job;
    }
    signal?.throwIfAborted();
    const job = await client.getJob(id, signal === undefined ? {} : { signal });
    if (isJobFinished(job)) {
      onProgress?.(job);
      return job;
    }
    quietReconnects = news ? 0 : quietReconnects + 1;
    if (quietReconnects > maxQuietReconnects) {
      throw new TabgridError('internal', `the event stream for ${id} keeps closing; giving up (the job is still ${job.status})`);
    }
    await sleep(reconnectDelayMs);
  }
}
