/** Least-recently-used map: `get` and `set` refresh an entry; the oldest is evicted past capacity. */
export class Lru<K, V> {
  readonly #entries = new Map<K, V>();
  /**
   * The most recently used key, whose refresh is a no-op. A pool reads the same module's entry many
   * times per task; moving it to the end each time (delete + set) churns the Map's hash table.
   */
  #newest: { key: K } | null = null;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('Lru capacity must be a positive integer');
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    if (!this.#isNewest(key)) this.#refresh(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.#isNewest(key)) {
      this.#entries.set(key, value);
      return;
    }
    this.#refresh(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: K): void {
    if (this.#isNewest(key)) this.#newest = null;
    this.#entries.delete(key);
  }

  #isNewest(key: K): boolean {
    return this.#newest !== null && Object.is(this.#newest.key, key);
  }

  #refresh(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#newest = { key };
  }
}
