import type { JobInfo } from './api';

export type NodeChange = 'joined' | 'left';

/** What `GET /v1/events` and `GET /v1/jobs/:id/events` carry, discriminated on `type`. */
export type ServerEvent = { type: 'job'; job: JobInfo } | { type: 'node'; id: string; change: NodeChange };
