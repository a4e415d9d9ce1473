import { describe, expect, it } from 'vitest';
import type { JobInfo } from '@tabgrid/protocol';
import { laterSnapshot, MAX_LISTED_JOBS, mergeJobs } from './job-list';

const job = (patch: Partial<JobInfo> = {}): JobInfo => ({
  id: 'j1', function: 'f', status: 'running', total: 10, done: 2, failed: 1, running: 3, queued: 4,
  createdAt: '2026-01-01T00:00:00.000Z', finishedAt: null, ...patch,
});

describe('job list', () => {
  it('keeps the snapshot with more finished tasks, a finished one over a running one, the incoming one on a tie', () => {
    const older = job({ done: 1 });
    const newer = job({ done: 5 });
    expect(laterSnapshot(newer, older)).toBe(newer);
    expect(laterSnapshot(older, newer)).toBe(newer);
    const cancelled = job({ status: 'cancelled', running: 0 });
    expect(laterSnapshot(cancelled, newer)).toBe(cancelled);
    const tie = job({ running: 1, queued: 6 });
    expect(laterSnapshot(job(), tie)).toBe(tie);
  });

  it('orders newest first and keeps a bounded list', () => {
    const many = Array.from({ length: MAX_LISTED_JOBS + 5 }, (_, i) =>
      job({ id: `j${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }),
    );
    const merged = mergeJobs([], many);
    expect(merged).toHaveLength(MAX_LISTED_JOBS);
    expect(merged[0]?.id).toBe(`j${MAX_LISTED_JOBS + 4}`);
  });
});
