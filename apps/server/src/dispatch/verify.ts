import { createHash } from 'node:crypto';
import type { TaskOutcomeWire } from '@tabgrid/protocol';

export interface ReplicaOutcome {
  nodeId: string;
  outcome: TaskOutcomeWire;
}

export interface Verdict {
  outcome: TaskOutcomeWire;
  /** Nodes whose outputs agree with the chosen outcome. */
  nodes: string[];
  verified: boolean;
}

/** What replicas must agree on: everything the function produced, not how long it took. */
export function outputDigest(o: TaskOutcomeWire): string {
  return createHash('sha256')
    .update(JSON.stringify([o.status, o.exitCode, o.stdout, o.stderr, o.truncated, o.fuelUsed, sortedFiles(o.files)]))
    .digest('hex');
}

function sortedFiles(files: Record<string, string>): [string, string][] {
  return Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Picks the largest group of agreeing replicas. With one replica nothing is verified; with
 * several, the result is verified when a strict majority of the requested replicas agree.
 */
export function decide(replicas: number, results: readonly ReplicaOutcome[]): Verdict {
  // One result needs no digest (the common case, replicas 1), and one alone never verifies.
  const only = results.length === 1 ? results[0] : undefined;
  if (only !== undefined) return { outcome: only.outcome, nodes: [only.nodeId], verified: false };
  const groups = new Map<string, ReplicaOutcome[]>();
  for (const r of results) {
    const key = outputDigest(r.outcome);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  let best: ReplicaOutcome[] = [];
  for (const group of groups.values()) if (group.length > best.length) best = group;
  const first = best[0];
  if (!first) throw new Error('decide() needs at least one result');
  return {
    outcome: first.outcome,
    nodes: best.map((r) => r.nodeId),
    verified: replicas >= 2 && best.length * 2 > replicas,
  };
}

/** True once enough replicas are in that no further result could change the verdict. */
export function isDecided(replicas: number, results: readonly ReplicaOutcome[]): boolean {
  if (results.length >= replicas) return true;
  const counts = new Map<string, number>();
  for (const r of results) {
    const key = outputDigest(r.outcome);
    const n = (counts.get(key) ?? 0) + 1;
    if (n * 2 > replicas) return true;
    counts.set(key, n);
  }
  return false;
}
