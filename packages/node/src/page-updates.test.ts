import { describe, expect, it } from 'vitest';
import { pageUpdates } from './page-updates';
import type { VolunteerSnapshot } from './volunteer';

const INTERVAL_MS = 500;

/** Timers that fire only when the test says so. */
function manualTimers() {
  const due = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (callback: () => void) => (due.set(++next, callback), next),
    clearTimeout: (handle: unknown) => void due.delete(handle as number),
    pending: () => due.size,
    fire: () => {
      const callbacks = [...due.values()];
      due.clear();
      for (const callback of callbacks) callback();
    },
  };
}

const snapshot = (patch: Partial<VolunteerSnapshot>): VolunteerSnapshot => ({
  phase: 'connected',
  transport: 'webrtc',
  nodeId: 'n-1',
  region: 'eu',
  cores: 2,
  running: 0,
  completed: 0,
  failed: 0,
  message: null,
  recent: [],
  ...patch,
});

function setup() {
  const timers = manualTimers();
  const shown: VolunteerSnapshot[] = [];
  const update = pageUpdates((s) => shown.push(s), INTERVAL_MS, timers);
  return { timers, update, latest: () => shown.at(-1), shown };
}

describe('pageUpdates', () => {
  it(`shows counters at most every ${INTERVAL_MS} ms, the latest of them, and a phase change at once`, () => {
    const { timers, update, latest } = setup();
    update(snapshot({}));
    expect(latest()?.phase).toBe('connected');

    for (let done = 1; done <= 5; done++) update(snapshot({ completed: done, running: 2 }));
    expect(latest()?.completed).toBe(0);
    expect(timers.pending()).toBe(1);
    timers.fire();
    expect(latest()).toMatchObject({ completed: 5, running: 2 });

    update(snapshot({ completed: 6 }));
    update(snapshot({ completed: 6, phase: 'reconnecting', message: 'link lost' }));
    expect(latest()).toMatchObject({ phase: 'reconnecting', completed: 6, message: 'link lost' });
    expect(timers.pending()).toBe(0);
  });

  it('does not let counters held back before a stop overwrite the stopped state', () => {
    const { timers, update, latest } = setup();
    update(snapshot({ phase: 'connecting' }));
    update(snapshot({ phase: 'connecting', completed: 3 }));
    update(snapshot({ phase: 'stopped', transport: null }));
    timers.fire();
    expect(latest()?.phase).toBe('stopped');
  });
});
