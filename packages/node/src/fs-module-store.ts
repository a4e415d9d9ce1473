import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DIGEST } from '@tabgrid/protocol';
import type { ModuleStore } from './module-cache';

export interface FsModuleStoreOptions {
  /** Directory holding one file per module; created on first write. */
  dir: string;
  /** Total bytes kept; least recently used modules are evicted beyond it. */
  maxBytes?: number;
  /** Milliseconds since the epoch; tests pin it to order uses. */
  now?: () => number;
}

const SUFFIX = '.wasm';
const TMP_SUFFIX = '.tmp';
/** A temp file this old was left by a crashed writer, not one still writing. */
const STALE_TMP_MS = 60 * 60 * 1000;

/**
 * Module bytes on disk for the headless agent, bounded by total size. Recency is the file's
 * mtime, touched on every hit, so it survives restarts without an index that could go stale
 * (and two agents sharing a directory cannot corrupt it). Writes go to a temp file renamed into
 * place: a reader never sees a half-written module. The ModuleCache above re-verifies digests,
 * so a damaged file costs a download, never a wrong result.
 */
export class FsModuleStore implements ModuleStore {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: FsModuleStoreOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    const file = this.fileFor(digest);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch {
      return undefined;
    }
    await this.touch(file);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async put(digest: string, bytes: Uint8Array): Promise<void> {
    const file = this.fileFor(digest);
    if (bytes.byteLength > this.maxBytes) return;
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`;
    try {
      await fs.writeFile(tmp, bytes, { flush: true });
      await fs.rename(tmp, file);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    await this.touch(file);
    await this.evict(file);
  }

  /** Digests held, most recently used first. */
  async list(): Promise<{ digest: string; size: number; lastUsed: number }[]> {
    const entries = await this.scan();
    return entries
      .sort((a, b) => b.lastUsed - a.lastUsed)
      .map(({ name, size, lastUsed }) => ({ digest: `sha256:${name.slice('sha256-'.length, -SUFFIX.length)}`, size, lastUsed }));
  }

  private fileFor(digest: string): string {
    // The digest becomes a file name: only the exact shape may pass (no separators, no "..").
    if (!DIGEST.test(digest)) throw new Error(`malformed digest ${digest}`);
    return path.join(this.dir, `${digest.replace(':', '-')}${SUFFIX}`);
  }

  private async touch(file: string): Promise<void> {
    const at = new Date(this.now());
    await fs.utimes(file, at, at).catch(() => undefined);
  }

  private async scan(): Promise<{ name: string; size: number; lastUsed: number }[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const entries: { name: string; size: number; lastUsed: number }[] = [];
    for (const name of names) {
      const full = path.join(this.dir, name);
      const stat = await fs.stat(full).catch(() => undefined);
      if (!stat?.isFile()) continue;
      if (name.endsWith(TMP_SUFFIX)) {
        if (this.now() - stat.mtimeMs > STALE_TMP_MS) await fs.rm(full, { force: true });
        continue;
      }
      if (name.startsWith('sha256-') && name.endsWith(SUFFIX)) entries.push({ name, size: stat.size, lastUsed: stat.mtimeMs });
    }
    return entries;
  }

  /** Oldest first until the total fits; the module just written is never the victim. */
  private async evict(keep: string): Promise<void> {
    const entries = (await this.scan()).sort((a, b) => a.lastUsed - b.lastUsed);
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      const full = path.join(this.dir, entry.name);
      if (full === keep) continue;
      await fs.rm(full, { force: true });
      total -= entry.size;
    }
  }
}
