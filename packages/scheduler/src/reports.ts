import type { NodeIndex } from './node-index';
import type { RankRecord } from './ranking';
import type { UnitState } from './state';
import type { NodeRank, QueuedUnit, QueueReason } from './types';

/** Why a queued or backing-off unit waits. */
export function reasonFor(nodes: NodeIndex, state: UnitState): QueueReason {
  if (state.status === 'backoff') return 'backing_off';
  return nodes.absentReason(state.cls) ?? (state.blocked ? 'waiting_for_distinct_node' : 'waiting_for_slot');
}

/** Every waiting unit with its reason, oldest first. O(queue). */
export function waitingUnits(nodes: NodeIndex, backoff: Iterable<UnitState>): QueuedUnit[] {
  const waiting: UnitState[] = [];
  for (const cls of nodes.classList) {
    for (const state of cls.queue) if (state.status === 'queued' && !state.blocked) waiting.push(state);
    for (const state of cls.blocked) if (state.status === 'queued' && state.blocked) waiting.push(state);
  }
  for (const state of backoff) if (state.status === 'backoff') waiting.push(state);
  waiting.sort((a, b) => a.seq - b.seq);
  return waiting.map((state) => ({ unitId: state.unit.unitId, taskId: state.unit.taskId, reason: reasonFor(nodes, state) }));
}

/** Waiting units counted by reason. O(constraint classes). */
export function queueSummary(nodes: NodeIndex, backingOff: number): Record<QueueReason, number> {
  const summary: Record<QueueReason, number> = {
    waiting_for_slot: 0,
    no_node_in_region: 0,
    no_node_with_capability: 0,
    waiting_for_distinct_node: 0,
    backing_off: backingOff,
  };
  for (const cls of nodes.classList) {
    const absent = nodes.absentReason(cls);
    if (absent) summary[absent] += cls.queuedCount;
    else {
      summary.waiting_for_distinct_node += cls.blockedCount;
      summary.waiting_for_slot += cls.queuedCount - cls.blockedCount;
    }
  }
  return summary;
}

/** A node's rank as `GET /v1/nodes` shows it, online or not. */
export function rankView(nodes: NodeIndex, record: RankRecord, now: number): NodeRank {
  const node = nodes.get(record.nodeId);
  return {
    nodeId: record.nodeId,
    online: node !== undefined,
    region: node?.region,
    slots: node?.slots ?? 0,
    running: node?.running.length ?? 0,
    score: record.score(now),
    successRate: record.successRate,
    throughput: record.throughput,
    uptime: record.uptime(now),
    agreement: record.agreement,
    completed: record.completed,
    failed: record.failed,
  };
}
