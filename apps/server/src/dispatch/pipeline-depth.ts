import { Lru } from '@tabgrid/runtime';

export interface PipelineDepthOptions {
  /** Tasks leased per worker whatever their length: the next one waits on the node, not a round trip away. */
  minDepth: number;
  /** The most tasks leased per worker, however short they are. */
  maxDepth: number;
  /** Work to keep queued per worker, in expected run time: enough to hide a round trip of batched results. */
  queueMs: number;
}

/** How fast the per-module mean run time follows new results. */
const EWMA_WEIGHT = 0.1;
/** Below this a task's reported run time is noise; it also bounds the depth a bogus report can ask for. */
const FLOOR_MS = 0.05;
/** Modules whose run time is remembered; the least recently seen is forgotten first. */
const MAX_MODULES = 10_000;

/**
 * How many tasks a node is leased per worker. Short tasks are leased deeply, so one message
 * carries many and a worker never idles for a round trip; long or unknown ones shallowly, so a
 * lost node costs little and no task waits behind a long queue on one node. The depth follows
 * the slowest module that has work waiting, from the mean run time its results reported.
 */
export class PipelineDepth {
  private readonly meanMs = new Lru<string, number>(MAX_MODULES);
  private depth: number;

  constructor(private readonly options: PipelineDepthOptions) {
    this.depth = options.minDepth;
  }

  get current(): number {
    return this.depth;
  }

  /** A result of `digest` took `durationMs` in its worker (as the node reports it). */
  observe(digest: string, durationMs: number): void {
    const sample = Number.isFinite(durationMs) ? Math.max(FLOOR_MS, durationMs) : Infinity;
    const previous = this.meanMs.get(digest);
    this.meanMs.set(digest, previous === undefined ? sample : previous + EWMA_WEIGHT * (sample - previous));
  }

  /**
   * The depth for the work now waiting; returns it when it changed, else undefined. Depths are
   * powers of two (within the bounds), so noisy run times rarely make every node be resized.
   */
  update(queuedDigests: Iterable<string>): number | undefined {
    let slowest = 0;
    let any = false;
    for (const digest of queuedDigests) {
      any = true;
      slowest = Math.max(slowest, this.meanMs.get(digest) ?? Infinity);
    }
    if (!any) return undefined; // nothing waits: the depth does not matter until something does
    const { minDepth, maxDepth, queueMs } = this.options;
    const fits = queueMs / slowest;
    const wanted = Math.min(maxDepth, Math.max(minDepth, fits >= 1 ? 2 ** Math.floor(Math.log2(fits)) : 0));
    if (wanted === this.depth) return undefined;
    this.depth = wanted;
    return wanted;
  }
}
