import type { VolunteerSnapshot } from './volunteer';

/**
 * Turns the stream of volunteer snapshots into log lines: one per phase or transport change, and
 * with `verbose` one per finished task. Returns the lines for this snapshot (often none).
 */
export function createAgentLog(verbose: boolean): (snapshot: VolunteerSnapshot) => string[] {
  let previous: VolunteerSnapshot | undefined;
  return (snapshot) => {
    const lines: string[] = [];
    const before = previous;
    previous = snapshot;
    if (before?.phase !== snapshot.phase || before.transport !== snapshot.transport) {
      lines.push(describePhase(snapshot));
    }
    if (verbose && before && snapshot.recent[0] && snapshot.recent[0] !== before.recent[0]) {
      const task = snapshot.recent[0];
      lines.push(`task ${task.taskId} ${task.functionName}: ${task.status} in ${Math.round(task.durationMs)} ms`);
    }
    return lines;
  };
}

function describePhase(s: VolunteerSnapshot): string {
  switch (s.phase) {
    case 'idle':
      return `node ${s.nodeId}: idle`;
    case 'connecting':
      return `node ${s.nodeId}: connecting`;
    case 'connected':
      return `node ${s.nodeId}: connected over ${s.transport === 'relay' ? 'the WebSocket relay' : 'WebRTC'} (region ${s.region}, ${s.cores} slot${s.cores === 1 ? '' : 's'})`;
    case 'reconnecting':
      return `node ${s.nodeId}: reconnecting${s.message ? ` (${s.message})` : ''}`;
    case 'refused':
      return `node ${s.nodeId}: refused by the orchestrator: ${s.message ?? 'no reason given'}`;
    case 'stopped':
      return `node ${s.nodeId}: stopped (${s.completed} tasks completed, ${s.failed} rejected)`;
    default:
      return exhaustive(s.phase);
  }
}

function exhaustive(value: never): never {
  throw new Error(`unexpected phase ${String(value)}`);
}
