import type { VolunteerSnapshot } from './volunteer';

interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Whether two snapshots differ only in their counters (running, completed, failed, recent tasks). */
function sameStatus(a: VolunteerSnapshot, b: VolunteerSnapshot): boolean {
  return a.phase === b.phase && a.transport === b.transport && a.nodeId === b.nodeId && a.region === b.region && a.cores === b.cores && a.message === b.message;
}

/**
 * What a page is told of its volunteer. Counters change with every task, hundreds of times a
 * second on a busy tab, and re-rendering for each costs the main thread the tab's workers share
 * the cores with: they reach the page at most every `intervalMs`, the latest of them. A change of
 * phase, transport or message goes at once, and drops counters held back before it.
 */
export function pageUpdates(deliver: (snapshot: VolunteerSnapshot) => void, intervalMs: number, timers: Timers): (snapshot: VolunteerSnapshot) => void {
  let shown: VolunteerSnapshot | null = null;
  let pending: VolunteerSnapshot | null = null;
  let timer: unknown = null;
  const show = (snapshot: VolunteerSnapshot): void => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    pending = null;
    shown = snapshot;
    deliver(snapshot);
  };
  return (snapshot) => {
    if (shown === null || !sameStatus(shown, snapshot)) return show(snapshot);
    pending = snapshot;
    timer ??= timers.setTimeout(() => {
      timer = null;
      if (pending !== null) show(pending);
    }, intervalMs);
  };
}
