import { Scheduler } from './scheduler';
import { seededRandom } from './structures';
import type { SchedulerOptions, WorkUnit } from './types';

export function fakeClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

export function unit(taskId: string, replica = 0, extra: Partial<WorkUnit> = {}): WorkUnit {
  return { unitId: `${taskId}.${replica}`, taskId, region: undefined, leaseMs: 10_000, ...extra };
}

export function setup(options: Partial<SchedulerOptions> = {}) {
  const clock = fakeClock();
  const s = new Scheduler({ now: clock.now, random: seededRandom(42), ...options });
  return { clock, s };
}
