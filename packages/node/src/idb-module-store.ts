import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ModuleStore } from './module-cache';

interface CacheSchema extends DBSchema {
  modules: {
    key: string;
    value: { digest: string; bytes: Uint8Array; size: number; lastUsed: number };
    indexes: { byLastUsed: number };
  };
}

/** Module bytes in IndexedDB, bounded by total size; least recently used evicted first. */
export class IdbModuleStore implements ModuleStore {
  private db: Promise<IDBPDatabase<CacheSchema>> | undefined;
  /** Strictly increasing use stamps, so two uses in the same millisecond still order. */
  private lastStamp = 0;

  constructor(
    private readonly maxBytes = 256 * 1024 * 1024,
    private readonly dbName = 'tabgrid-modules',
  ) {}

  private open(): Promise<IDBPDatabase<CacheSchema>> {
    this.db ??= openDB<CacheSchema>(this.dbName, 1, {
      upgrade(db) {
        const store = db.createObjectStore('modules', { keyPath: 'digest' });
        store.createIndex('byLastUsed', 'lastUsed');
      },
    });
    return this.db;
  }

  private stamp(): number {
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    const db = await this.open();
    const entry = await db.get('modules', digest);
    if (!entry) return undefined;
    await db.put('modules', { ...entry, lastUsed: this.stamp() });
    return entry.bytes;
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength > this.maxBytes) return;
    const db = await this.open();
    const tx = db.transaction('modules', 'readwrite');
    await tx.store.put({ digest, bytes, size: bytes.byteLength, lastUsed: this.stamp() });
    let total = 0;
    for (const entry of await tx.store.getAll()) total += entry.size;
    let cursor = await tx.store.index('byLastUsed').openCursor();
    while (cursor && total > this.maxBytes) {
      if (cursor.value.digest !== digest) {
        total -= cursor.value.size;
        await cursor.delete();
      }
      cursor = await cursor.continue();
    }
    await tx.done;
  }
}
