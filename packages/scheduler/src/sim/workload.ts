/** The simulated world: a node population and a stream of jobs, all drawn from one seed. */

export const REGIONS = ['eu', 'us', 'ap', 'sa'] as const;
const REGION_WEIGHTS = [0.4, 0.35, 0.2, 0.05];
const SLOT_CHOICES = [1, 2, 2, 4, 4, 4, 8, 8, 16];
const MEMORY_CHOICES = [1024, 2048, 4096, 8192];
const MEMORY_WEIGHTS = [0.15, 0.35, 0.35, 0.15];
const COST_CHOICES = [200, 1000, 5000, 20000];
const COST_WEIGHTS = [0.3, 0.35, 0.25, 0.1];
export const DIGESTS = Array.from({ length: 30 }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`);

export interface SimNodeProfile {
  slots: number;
  region: string;
  memoryMb: number;
  features: string[];
  /** Work per ms relative to the average node. */
  speed: number;
  /** Returns results that disagree with its replicas' now and then. */
  honest: boolean;
}

export interface SimJob {
  id: string;
  size: number;
  replicas: number;
  costMs: number;
  region: string | undefined;
  minMemoryMb: number | undefined;
  features: string[] | undefined;
  digest: string;
  arrivesAt: number;
}

export class Dice {
  constructor(readonly random: () => number) {}

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[], weights?: readonly number[]): T {
    if (!weights) return items[this.int(items.length)]!;
    let r = this.random();
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  /** exp(N(0, sigma)), via Box–Muller. */
  logNormal(sigma: number): number {
    const u = 1 - this.random();
    const v = this.random();
    return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

export function nodeProfile(dice: Dice): SimNodeProfile {
  const features = [...(dice.chance(0.95) ? ['simd'] : []), ...(dice.chance(0.6) ? ['threads'] : [])];
  // A few percent are very slow (throttled background tabs): the stragglers.
  const speed = dice.logNormal(0.35) * (dice.chance(0.03) ? 0.08 : 1);
  return {
    slots: dice.pick(SLOT_CHOICES),
    region: dice.pick(REGIONS, REGION_WEIGHTS),
    memoryMb: dice.pick(MEMORY_CHOICES, MEMORY_WEIGHTS),
    features,
    speed,
    honest: dice.chance(0.98),
  };
}

/** Jobs of log-uniform size adding up to `tasks`, arriving over `spreadMs`. */
export function jobs(dice: Dice, tasks: number, spreadMs: number): SimJob[] {
  const maxSize = Math.max(20, Math.floor(tasks / 20));
  const minSize = Math.max(5, Math.floor(maxSize / 500));
  const out: SimJob[] = [];
  for (let left = tasks; left > 0; ) {
    const size = Math.min(left, Math.round(Math.exp(Math.log(minSize) + dice.random() * Math.log(maxSize / minSize))));
    left -= size;
    const constraint = dice.random();
    out.push({
      id: `j${out.length}`,
      size,
      replicas: dice.pick([1, 2, 3], [0.9, 0.07, 0.03]),
      costMs: dice.pick(COST_CHOICES, COST_WEIGHTS),
      region: constraint < 0.1 ? dice.pick(REGIONS, REGION_WEIGHTS) : undefined,
      minMemoryMb: constraint >= 0.1 && constraint < 0.14 ? 4096 : undefined,
      features: constraint >= 0.14 && constraint < 0.18 ? ['threads'] : undefined,
      digest: dice.pick(DIGESTS),
      arrivesAt: out.length === 0 ? 0 : Math.floor(dice.random() * spreadMs),
    });
  }
  return out;
}

export function meanSlots(): number {
  return SLOT_CHOICES.reduce((a, b) => a + b, 0) / SLOT_CHOICES.length;
}

export function meanCost(): number {
  return COST_CHOICES.reduce((sum, c, i) => sum + c * COST_WEIGHTS[i]!, 0);
}
