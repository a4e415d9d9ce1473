import type { ServerResponse } from 'node:http';
import { isJobFinished, type JobInfo, type NodeChange, type ServerEvent } from '@tabgrid/protocol';

interface Subscriber {
  response: ServerResponse;
  /** Only this job's events; undefined = everything. */
  jobId: string | undefined;
}

const KEEPALIVE_MS = 15_000;

/**
 * Server-Sent Events for the dashboard and the CLI. Job progress is coalesced: at most one event
 * per job per flush, however many tasks finished in between. A job's end goes out at once: a
 * client waiting on it should not wait for the next tick.
 */
export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly pendingJobs = new Map<string, JobInfo>();
  private lastKeepalive = 0;

  constructor(private readonly now: () => number) {}

  subscribe(response: ServerResponse, jobId?: string): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(': tabgrid events\n\n');
    const subscriber = { response, jobId };
    this.subscribers.add(subscriber);
    response.on('close', () => this.subscribers.delete(subscriber));
    // A client that vanishes mid-write must not take the server down with an unhandled error.
    response.on('error', () => this.subscribers.delete(subscriber));
  }

  jobChanged(job: JobInfo): void {
    if (isJobFinished(job)) {
      this.pendingJobs.delete(job.id);
      this.broadcast({ type: 'job', job });
    } else {
      this.pendingJobs.set(job.id, job);
    }
  }

  nodeChanged(id: string, change: NodeChange): void {
    this.broadcast({ type: 'node', id, change });
  }

  /** Sends coalesced job events and keep-alives; called on the server's tick. */
  flush(): void {
    for (const job of this.pendingJobs.values()) this.broadcast({ type: 'job', job });
    this.pendingJobs.clear();
    if (this.now() - this.lastKeepalive >= KEEPALIVE_MS) {
      this.lastKeepalive = this.now();
      for (const s of this.subscribers) this.write(s, ': keep-alive\n\n');
    }
  }

  closeAll(): void {
    for (const s of this.subscribers) s.response.end();
    this.subscribers.clear();
  }

  private write(s: Subscriber, text: string): void {
    if (s.response.writableEnded || s.response.destroyed) this.subscribers.delete(s);
    else s.response.write(text);
  }

  private broadcast(event: ServerEvent): void {
    const frame = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const s of this.subscribers) {
      if (s.jobId !== undefined && (event.type !== 'job' || event.job.id !== s.jobId)) continue;
      this.write(s, frame);
      if (s.jobId !== undefined && event.type === 'job' && isJobFinished(event.job)) {
        this.subscribers.delete(s);
        s.response.end();
      }
    }
  }
}
