/** Initial states by seed, most recent last. */
const SEED_CACHE_ENTRIES = 256;
const seedStates = new Map<string, Uint32Array>();

/**
 * xoshiro128** (Blackman & Vigna): small, fast, and identical everywhere. Not a CSPRNG; the guest
 * must see the same bytes on every replica, so "random" here means "reproducibly scrambled".
 */
export class SeededRandom {
  readonly #s: Uint32Array;

  private constructor(state: Uint32Array) {
    this.#s = state;
  }

  /** The generator for `seed` without awaiting, if its state is cached; else null (use `fromSeed`). */
  static cached(seed: string): SeededRandom | null {
    const initial = seedStates.get(seed);
    return initial === undefined ? null : new SeededRandom(initial.slice());
  }

  /** Seeds from SHA-256 of the UTF-8 seed string. */
  static async fromSeed(seed: string): Promise<SeededRandom> {
    let initial = seedStates.get(seed);
    if (initial === undefined) {
      const digest = new Uint32Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seed)));
      initial = new Uint32Array(4);
      for (let i = 0; i < 4; i++) initial[i] = ((digest[i] ?? 0) ^ (digest[i + 4] ?? 0)) >>> 0;
      if (initial.every((word) => word === 0)) initial[0] = 1; // the all-zero state is a fixed point
      // Hashing is a measurable share of a short task: a job's tasks and replicas often share seeds.
      if (seedStates.size >= SEED_CACHE_ENTRIES) seedStates.delete(seedStates.keys().next().value as string);
      seedStates.set(seed, initial);
    }
    return new SeededRandom(initial.slice());
  }

  nextU32(): number {
    const s = this.#s;
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const s2 = s[2] as number;
    const s3 = s[3] as number;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result;
  }

  fill(out: Uint8Array): void {
    for (let i = 0; i < out.length; i += 4) {
      let word = this.nextU32();
      for (let j = i; j < Math.min(i + 4, out.length); j++) {
        out[j] = word & 0xff;
        word >>>= 8;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
