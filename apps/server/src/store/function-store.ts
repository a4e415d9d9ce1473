import type { FunctionInfo } from '@tabgrid/protocol';
import type { Db } from './database';

interface Row {
  name: string;
  version: string;
  digest: string;
  size: number;
  created_at: string;
}

function toInfo(row: Row): FunctionInfo {
  return { name: row.name, version: row.version, digest: row.digest, size: row.size, createdAt: row.created_at };
}

/** Function metadata; the bytes live content-addressed in ModuleFiles. */
export interface FunctionStore {
  /** Inserts or replaces name@version. */
  put(info: FunctionInfo): void;
  list(): FunctionInfo[];
  /** Exact version, or the newest version of `name` when version is undefined. */
  find(name: string, version: string | undefined): FunctionInfo | undefined;
}

export function createSqliteFunctionStore(db: Db): FunctionStore {
  const insert = db.prepare(
    `INSERT INTO functions (name, version, digest, size, created_at) VALUES (@name, @version, @digest, @size, @createdAt)
     ON CONFLICT (name, version) DO UPDATE SET digest = excluded.digest, size = excluded.size, created_at = excluded.created_at`,
  );
  const all = db.prepare(`SELECT * FROM functions ORDER BY name, created_at, version`);
  const exact = db.prepare(`SELECT * FROM functions WHERE name = ? AND version = ?`);
  const newest = db.prepare(`SELECT * FROM functions WHERE name = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`);
  return {
    put: (info) => void insert.run(info),
    list: () => (all.all() as Row[]).map(toInfo),
    find: (name, version) => {
      const row = (version === undefined ? newest.get(name) : exact.get(name, version)) as Row | undefined;
      return row ? toInfo(row) : undefined;
    },
  };
}
