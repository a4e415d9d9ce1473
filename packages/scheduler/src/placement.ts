import type { IndexedSet } from './structures';
import type { ConstraintClass, NodeState, UnitState } from './state';

export interface PlacementWeights {
  rank: number;
  load: number;
  locality: number;
}

/** A node that failed under the unit before is taken only when nothing else is free. */
const FAILED_HERE_PENALTY = 10;
/** Random candidates drawn from the feasible free nodes (power-of-two-choices). */
const CHOICES = 2;
/** Extra candidates drawn from the nodes caching the unit's module. */
const LOCAL_CHOICES = 2;

/**
 * Chooses a node for one unit in O(1 + nodes the unit must avoid): a few random candidates from
 * the class's free nodes and from the module's holders, best score wins. If sampling only met
 * nodes the unit must or should avoid, a short scan from a random point settles it: among any
 * `avoid + 1` distinct free nodes one is allowed, so the scan finds one whenever one exists.
 */
export function pickNode(
  state: UnitState,
  cls: ConstraintClass,
  holders: IndexedSet<NodeState> | undefined,
  speculative: boolean,
  weights: PlacementWeights,
  random: () => number,
  now: number,
): NodeState | undefined {
  const free = cls.free;
  const n = free.size;
  if (n === 0) return undefined;
  let best: NodeState | undefined;
  let bestScore = -Infinity;
  for (let i = 0; i < CHOICES; i++) {
    const node = free.at(Math.floor(random() * n))!;
    const s = score(node, state, speculative, weights, now);
    if (s > bestScore) {
      best = node;
      bestScore = s;
    }
  }
  if (holders !== undefined && holders.size > 0) {
    for (let i = 0; i < LOCAL_CHOICES; i++) {
      const node = holders.at(Math.floor(random() * holders.size))!;
      if (!(node.freePos[cls.id]! >= 0)) continue;
      const s = score(node, state, speculative, weights, now);
      if (s > bestScore) {
        best = node;
        bestScore = s;
      }
    }
  }
  if (best !== undefined && bestScore > -FAILED_HERE_PENALTY / 2) return best;
  const avoid = (state.siblings?.size ?? 0) + (state.failedOn?.size ?? 0) + state.attempts.length + 1;
  const limit = Math.min(n, avoid);
  const start = Math.floor(random() * n);
  for (let i = 0; i < limit; i++) {
    const node = free.at((start + i) % n)!;
    const s = score(node, state, speculative, weights, now);
    if (s > bestScore) {
      best = node;
      bestScore = s;
    }
  }
  return bestScore === -Infinity ? undefined : best;
}

function score(node: NodeState, state: UnitState, speculative: boolean, weights: PlacementWeights, now: number): number {
  if (state.siblings?.has(node.id)) return -Infinity;
  if (speculative) for (const attempt of state.attempts) if (attempt.node === node) return -Infinity;
  // Load per worker: what waits behind the node's workers, however deep its pipeline is.
  let s = weights.rank * node.rank.score(now) - weights.load * (node.running.length / node.workers);
  const digest = state.unit.moduleDigest;
  if (digest !== undefined && node.modules.has(digest)) s += weights.locality;
  if (state.failedOn?.has(node.id)) s -= FAILED_HERE_PENALTY;
  return s;
}
