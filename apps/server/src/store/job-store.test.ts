import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Assignment } from '../dispatch/task-builder';
import { openDatabase, type Db } from './database';
import { createSqliteFunctionStore } from './function-store';
import { createSqliteJobStore, type JobRecord } from './job-store';

const assignment: Assignment = {
  functionName: 'noop',
  moduleDigest: `sha256:${'b'.repeat(64)}`,
  args: [],
  env: {},
  stdin: '',
  files: {},
  timeoutMs: 1000,
  fuel: null,
  memoryLimitPages: 16,
  seed: 's',
};
const ok = { status: 'ok' as const, exitCode: 0, stdout: 'hi', stderr: '', fuelUsed: 1, durationMs: 0.1, nodes: ['n_1234567'], verified: false, truncated: false, files: {} };

function job(id: string, interactive: boolean): JobRecord {
  return { id, functionRef: 'noop@1', options: { replicas: 1, region: undefined }, status: 'queued', total: 1, succeeded: 0, failed: 0, createdAt: '2026-01-01T00:00:00.000Z', finishedAt: null, interactive };
}

describe('sqlite stores', () => {
  let db: Db | undefined;
  let dir: string | undefined;
  const open = () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tabgrid-store-'));
    db = openDatabase(dir);
    return db;
  };
  afterEach(() => {
    db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a job and its finished task in one go; a job written unfinished is recovered', () => {
    const store = createSqliteJobStore(open());
    store.write([{ job: job('inv1', true), assignments: [assignment] }, { job: job('inv2', true), assignments: [assignment] }], [{ jobId: 'inv1', index: 0, state: 'done', result: { index: 0, ...ok } }], '2026-01-01T00:00:01.000Z');
    expect(store.getJob('inv1')).toMatchObject({ status: 'done', succeeded: 1, failed: 0, finishedAt: '2026-01-01T00:00:01.000Z' });
    expect(store.results('inv1', 0, 10)).toEqual([{ index: 0, ...ok }]);
    expect(store.unfinishedJobs().map((j) => j.id)).toEqual(['inv2']);
    expect(store.unfinishedTasks().map((t) => t.jobId)).toEqual(['inv2']);
  });

  it('finds the newest upload of a function after a new version replaces a looked-up one', () => {
    const functions = createSqliteFunctionStore(open());
    const record = (version: string, createdAt: string) => ({ name: 'f', version, digest: `sha256:${version.repeat(64)}`, size: 1, createdAt, runDigest: `sha256:${version.repeat(64)}`, memoryInitialPages: 1, defaults: {} });
    functions.put(record('1', '2026-01-01T00:00:00.000Z'));
    expect(functions.find('f', undefined)?.version).toBe('1');
    functions.put(record('2', '2026-01-02T00:00:00.000Z'));
    expect(functions.find('f', undefined)?.version).toBe('2');
    expect(functions.find('f', '1')?.version).toBe('1');
    expect(functions.find('g', undefined)).toBeUndefined();
  });
});
