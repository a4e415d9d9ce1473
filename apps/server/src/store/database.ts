import Database from 'better-sqlite3';
import path from 'node:path';

export type Db = Database.Database;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE functions (
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     digest TEXT NOT NULL,
     size INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (name, version)
   );
   CREATE INDEX functions_by_created ON functions (name, created_at);`,
  // The module nodes actually run (fuel-metered, memory imported) and per-function limit defaults.
  `ALTER TABLE functions ADD COLUMN run_digest TEXT;
   ALTER TABLE functions ADD COLUMN memory_initial_pages INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE functions ADD COLUMN default_timeout_ms INTEGER;
   ALTER TABLE functions ADD COLUMN default_memory_mb INTEGER;
   ALTER TABLE functions ADD COLUMN default_fuel INTEGER;`,
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     function_ref TEXT NOT NULL,
     options TEXT NOT NULL,
     status TEXT NOT NULL,
     total INTEGER NOT NULL,
     succeeded INTEGER NOT NULL,
     failed INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     finished_at TEXT,
     interactive INTEGER NOT NULL
   );
   CREATE INDEX jobs_unfinished ON jobs (status, created_at);
   CREATE TABLE tasks (
     job_id TEXT NOT NULL REFERENCES jobs (id),
     idx INTEGER NOT NULL,
     state TEXT NOT NULL,
     assignment TEXT NOT NULL,
     result TEXT,
     PRIMARY KEY (job_id, idx)
   ) WITHOUT ROWID;
   CREATE INDEX tasks_queued ON tasks (state) WHERE state = 'queued';`,
  `CREATE INDEX jobs_recent ON jobs (interactive, created_at);`,
];

/** Opens (creating if needed) the SQLite store in the data dir and applies pending migrations. */
export function openDatabase(dataDir: string): Db {
  const db = new Database(path.join(dataDir, 'tabgrid.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}
