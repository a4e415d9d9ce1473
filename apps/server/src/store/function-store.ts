import type { FunctionInfo } from '@tabgrid/protocol';
import type { Db } from './database';

export interface FunctionLimits {
  timeoutMs?: number;
  memoryMb?: number;
  fuel?: number;
}

/** What the server knows about a function beyond its public FunctionInfo. */
export interface FunctionRecord extends FunctionInfo {
  /** Digest of the prepared module (fuel-metered, memory imported) that nodes run. */
  runDigest: string;
  memoryInitialPages: number;
  defaults: FunctionLimits;
}

interface Row {
  name: string;
  version: string;
  digest: string;
  size: number;
  created_at: string;
  run_digest: string | null;
  memory_initial_pages: number;
  default_timeout_ms: number | null;
  default_memory_mb: number | null;
  default_fuel: number | null;
}

function toRecord(row: Row): FunctionRecord {
  const defaults: FunctionLimits = {};
  if (row.default_timeout_ms !== null) defaults.timeoutMs = row.default_timeout_ms;
  if (row.default_memory_mb !== null) defaults.memoryMb = row.default_memory_mb;
  if (row.default_fuel !== null) defaults.fuel = row.default_fuel;
  return {
    name: row.name,
    version: row.version,
    digest: row.digest,
    size: row.size,
    createdAt: row.created_at,
    runDigest: row.run_digest ?? row.digest,
    memoryInitialPages: row.memory_initial_pages,
    defaults,
  };
}

export function toInfo(record: FunctionRecord): FunctionInfo {
  const { name, version, digest, size, createdAt } = record;
  return { name, version, digest, size, createdAt };
}

/** Function metadata; the bytes live content-addressed in ModuleFiles. */
export interface FunctionStore {
  /** Inserts or replaces name@version. */
  put(record: FunctionRecord): void;
  list(): FunctionRecord[];
  /** Exact version, or the newest version of `name` when version is undefined. */
  find(name: string, version: string | undefined): FunctionRecord | undefined;
}

export function createSqliteFunctionStore(db: Db): FunctionStore {
  const insert = db.prepare(
    `INSERT INTO functions (name, version, digest, size, created_at, run_digest, memory_initial_pages,
                            default_timeout_ms, default_memory_mb, default_fuel)
     VALUES (@name, @version, @digest, @size, @createdAt, @runDigest, @memoryInitialPages,
             @timeoutMs, @memoryMb, @fuel)
     ON CONFLICT (name, version) DO UPDATE SET
       digest = excluded.digest, size = excluded.size, created_at = excluded.created_at,
       run_digest = excluded.run_digest, memory_initial_pages = excluded.memory_initial_pages,
       default_timeout_ms = excluded.default_timeout_ms, default_memory_mb = excluded.default_memory_mb,
       default_fuel = excluded.default_fuel`,
  );
  const all = db.prepare(`SELECT * FROM functions ORDER BY name, created_at, version`);
  const exact = db.prepare(`SELECT * FROM functions WHERE name = ? AND version = ?`);
  const newest = db.prepare(`SELECT * FROM functions WHERE name = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`);
  // Every invoke looks its function up; only an upload changes the answer. Bounded by the table.
  const found = new Map<string, FunctionRecord>();
  return {
    put: (r) => {
      found.clear();
      insert.run({
        name: r.name,
        version: r.version,
        digest: r.digest,
        size: r.size,
        createdAt: r.createdAt,
        runDigest: r.runDigest,
        memoryInitialPages: r.memoryInitialPages,
        timeoutMs: r.defaults.timeoutMs ?? null,
        memoryMb: r.defaults.memoryMb ?? null,
        fuel: r.defaults.fuel ?? null,
      });
    },
    list: () => (all.all() as Row[]).map(toRecord),
    find: (name, version) => {
      const key = version === undefined ? name : `${name}@${version}`;
      const hit = found.get(key);
      if (hit) return hit;
      const row = (version === undefined ? newest.get(name) : exact.get(name, version)) as Row | undefined;
      if (!row) return undefined;
      const record = toRecord(row);
      found.set(key, record);
      return record;
    },
  };
}
