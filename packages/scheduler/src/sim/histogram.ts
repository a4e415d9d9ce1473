const RATIO = 1.02;
const MIN_MS = 1e-6;
const BUCKETS = Math.ceil(Math.log(1e4 / MIN_MS) / Math.log(RATIO)) + 1;

/** Log-bucketed latency histogram (2 % resolution, 1 ns .. 10 s) with weighted samples. */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  total = 0;

  record(ms: number, weight = 1): void {
    const bucket = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / Math.log(RATIO)));
    this.counts[bucket]! += weight;
    this.total += weight;
  }

  /** Upper bound of the bucket holding quantile q (0..1), in ms. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = q * this.total;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return MIN_MS * RATIO ** i;
    }
    return MIN_MS * RATIO ** (BUCKETS - 1);
  }
}
