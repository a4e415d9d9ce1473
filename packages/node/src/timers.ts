import type { VolunteerDeps } from './volunteer';

/** The real clock and timers, for tabs and Node alike (tests inject fakes instead). */
export const realTimers: VolunteerDeps['timers'] = {
  setInterval: (cb, ms) => setInterval(cb, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};
