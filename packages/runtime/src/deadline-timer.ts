import { MAX_TIMER_MS } from './limits';
import type { PoolTimers } from './types';

/**
 * One timer that fires at or before a deadline that keeps moving. A timer already due no later
 * than the new deadline is kept: it fires early and the owner arms it again. A busy worker's
 * deadline moves later with every answered task, so its messages do not each cancel and create a
 * timer (that was ~15 % of the host's time per worker message in a profile).
 */
export class DeadlineTimer {
  #handle: unknown = null;
  #at = Infinity;

  constructor(
    private readonly timers: PoolTimers,
    private readonly onDue: () => void,
  ) {}

  /** Fire no later than `at` (ms on the timers' clock); a deadline already past fires on the next turn. */
  arm(at: number): void {
    const now = this.timers.now();
    const due = Math.min(Math.max(at, now), now + MAX_TIMER_MS);
    if (this.#handle !== null && this.#at <= due) return;
    this.disarm();
    this.#handle = this.timers.setTimeout(() => {
      this.#handle = null;
      this.#at = Infinity;
      this.onDue();
    }, due - now);
    this.#at = due;
  }

  disarm(): void {
    if (this.#handle === null) return;
    this.timers.clearTimeout(this.#handle);
    this.#handle = null;
    this.#at = Infinity;
  }
}
