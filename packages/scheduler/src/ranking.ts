import type { NodeRankSnapshot, RankingOptions } from './types';

const DEFAULT_WEIGHTS = { success: 0.35, throughput: 0.2, uptime: 0.15, agreement: 0.3 };
/** Priors for a node never seen: trusted enough to get work, below a proven node. */
const PRIOR = { success: 0.9, throughput: 0.5, uptime: 0, agreement: 0.9 };
/** The cached score is refreshed at least this often, since uptime grows with time alone. */
const REFRESH_MS = 1_000;

/**
 * One node's reputation: exponentially weighted averages of its outcomes. It outlives the node's
 * connection, so a tab that reconnects with its identity keeps its record.
 */
export class RankRecord {
  successRate = PRIOR.success;
  throughput = PRIOR.throughput;
  /** Weighted average over finished sessions of min(1, session / target). */
  pastUptime = PRIOR.uptime;
  agreement = PRIOR.agreement;
  completed = 0;
  failed = 0;
  sessions = 0;
  /** Start of the current session, or undefined while offline. */
  joinedAt: number | undefined;
  private cached = 0;
  private cachedAt = -Infinity;

  constructor(
    readonly nodeId: string,
    private readonly ranking: Ranking,
  ) {}

  score(now: number): number {
    if (now - this.cachedAt >= REFRESH_MS) this.refresh(now);
    return this.cached;
  }

  uptime(now: number): number {
    const current = this.joinedAt === undefined ? 0 : Math.min(1, (now - this.joinedAt) / this.ranking.uptimeTargetMs);
    if (this.sessions === 0) return current;
    // The current session can only raise the figure: a node is not punished for having just come back.
    return Math.max(current, this.pastUptime);
  }

  online(now: number): void {
    this.joinedAt = now;
    this.cachedAt = -Infinity;
  }

  offline(now: number): void {
    if (this.joinedAt === undefined) return;
    const session = Math.min(1, (now - this.joinedAt) / this.ranking.uptimeTargetMs);
    this.pastUptime = this.sessions === 0 ? session : this.ranking.mix(this.pastUptime, session);
    this.sessions++;
    this.joinedAt = undefined;
    this.cachedAt = -Infinity;
  }

  /** A completed attempt; `relativeSpeed` is the job's typical duration over this one's (1 = average). */
  succeeded(relativeSpeed: number | undefined): void {
    this.completed++;
    this.successRate = this.ranking.mix(this.successRate, 1);
    if (relativeSpeed !== undefined) this.throughput = this.ranking.mix(this.throughput, Math.min(2, relativeSpeed) / 2);
    this.cachedAt = -Infinity;
  }

  /** The node died, timed out or refused under an attempt. */
  lost(): void {
    this.failed++;
    this.successRate = this.ranking.mix(this.successRate, 0);
    this.cachedAt = -Infinity;
  }

  agreed(agreed: boolean): void {
    this.agreement = this.ranking.mix(this.agreement, agreed ? 1 : 0);
    this.cachedAt = -Infinity;
  }

  restore(snapshot: NodeRankSnapshot): void {
    this.successRate = snapshot.successRate;
    this.throughput = snapshot.throughput;
    this.pastUptime = snapshot.uptime;
    this.agreement = snapshot.agreement;
    this.completed = snapshot.completed;
    this.failed = snapshot.failed;
    this.sessions = Math.max(this.sessions, 1);
    this.cachedAt = -Infinity;
  }

  private refresh(now: number): void {
    const w = this.ranking.weights;
    const total = w.success + w.throughput + w.uptime + w.agreement;
    this.cached =
      (w.success * this.successRate + w.throughput * this.throughput + w.uptime * this.uptime(now) + w.agreement * this.agreement) /
      total;
    this.cachedAt = now;
  }
}

/** Shared settings of every node's record, and the records themselves by node id. */
export class Ranking {
  readonly alpha: number;
  readonly uptimeTargetMs: number;
  readonly weights: { success: number; throughput: number; uptime: number; agreement: number };
  private readonly records = new Map<string, RankRecord>();
  private readonly maxRecords: number;

  constructor(options: RankingOptions = {}) {
    this.maxRecords = options.maxRecords ?? 100_000;
    this.alpha = options.alpha ?? 0.1;
    this.uptimeTargetMs = options.uptimeTargetMs ?? 10 * 60_000;
    this.weights = options.weights ?? DEFAULT_WEIGHTS;
  }

  mix(average: number, sample: number): number {
    return average + this.alpha * (sample - average);
  }

  get(nodeId: string): RankRecord | undefined {
    return this.records.get(nodeId);
  }

  of(nodeId: string): RankRecord {
    let record = this.records.get(nodeId);
    if (!record) {
      if (this.records.size >= this.maxRecords) this.evictOne();
      this.records.set(nodeId, (record = new RankRecord(nodeId, this)));
    }
    return record;
  }

  /** Marks a record recently seen, so eviction takes the longest-absent first. */
  touch(record: RankRecord): void {
    this.records.delete(record.nodeId);
    this.records.set(record.nodeId, record);
  }

  /**
   * Visitors come and go for good: the records of nodes long gone are dropped (oldest seen
   * first) so memory stays bounded. Looks at a few entries only; online ones are skipped.
   */
  private evictOne(): void {
    let looked = 0;
    for (const record of this.records.values()) {
      if (record.joinedAt === undefined) {
        this.records.delete(record.nodeId);
        return;
      }
      if (++looked >= 16) return;
    }
  }

  all(): IterableIterator<RankRecord> {
    return this.records.values();
  }
}
