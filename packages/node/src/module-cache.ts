import { DIGEST } from '@tabgrid/protocol';

/** Where fetched module bytes are kept between tasks (IndexedDB in a tab, memory under Node). */
export interface ModuleStore {
  get(digest: string): Promise<Uint8Array | undefined>;
  put(digest: string, bytes: Uint8Array): Promise<void>;
}

export type FetchModule = (digest: string, nodeToken: string) => Promise<Uint8Array>;

export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Downloads a module from the orchestrator by digest, authenticated with the node's token. */
export function httpModuleFetcher(serverUrl: string, fetchImpl: typeof fetch = fetch): FetchModule {
  return async (digest, nodeToken) => {
    const response = await fetchImpl(`${serverUrl}/v1/modules/${digest}`, {
      headers: { Authorization: `Bearer ${nodeToken}` },
    });
    if (!response.ok) throw new Error(`module ${digest} download failed: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
}

/**
 * Content-addressed module cache: memory, then the store, then the network. Bytes are verified
 * against their digest before they are used or stored; concurrent requests share one download.
 */
export class ModuleCache {
  private readonly inFlight = new Map<string, Promise<Uint8Array>>();
  /** Bytes already verified in this session: the hot path never touches the store or hashes again. */
  private readonly verified: MemoryModuleStore;
  private downloadCount = 0;

  constructor(
    private readonly store: ModuleStore,
    private readonly fetchModule: FetchModule,
    memoryBytes = 64 * 1024 * 1024,
  ) {
    this.verified = new MemoryModuleStore(memoryBytes);
  }

  get downloads(): number {
    return this.downloadCount;
  }

  get(digest: string, nodeToken: string): Promise<Uint8Array> {
    if (!DIGEST.test(digest)) return Promise.reject(new Error(`malformed digest ${digest}`));
    const hot = this.verified.peek(digest);
    if (hot) return Promise.resolve(hot);
    const pending = this.inFlight.get(digest);
    if (pending) return pending;
    const loading = this.load(digest, nodeToken).finally(() => this.inFlight.delete(digest));
    this.inFlight.set(digest, loading);
    return loading;
  }

  private async load(digest: string, nodeToken: string): Promise<Uint8Array> {
    const cached = await this.store.get(digest).catch(() => undefined);
    if (cached && (await sha256Digest(cached)) === digest) {
      await this.verified.put(digest, cached);
      return cached;
    }
    this.downloadCount++;
    const bytes = await this.fetchModule(digest, nodeToken);
    const actual = await sha256Digest(bytes);
    if (actual !== digest) throw new Error(`module digest mismatch: expected ${digest}, got ${actual}`);
    await this.verified.put(digest, bytes);
    await this.store.put(digest, bytes).catch(() => undefined);
    return bytes;
  }
}

/** A bounded in-memory store, least recently used evicted first. */
export class MemoryModuleStore implements ModuleStore {
  private readonly entries = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  /** Synchronous lookup that also marks the entry as recently used. */
  peek(digest: string): Uint8Array | undefined {
    const value = this.entries.get(digest);
    if (value) {
      this.entries.delete(digest);
      this.entries.set(digest, value);
    }
    return value;
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    return this.peek(digest);
  }

  async put(digest: string, value: Uint8Array): Promise<void> {
    if (this.entries.has(digest) || value.byteLength > this.maxBytes) return;
    this.entries.set(digest, value);
    this.bytes += value.byteLength;
    for (const [key, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= old.byteLength;
    }
  }
}
