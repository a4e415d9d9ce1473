/** 2024-01-01T00:00:00Z: what the guest's realtime clock reads at start. */
export const VIRTUAL_EPOCH_NS = 1_704_067_200_000_000_000n;
/** Every clock read moves time on by this much, so loops that wait for the clock to change end. */
export const CLOCK_STEP_NS = 1_000n;
/** Metered guests also age by their fuel: one unit (about one basic block) is one nanosecond. */
export const NS_PER_FUEL = 1n;
export const CLOCK_RESOLUTION_NS = 1_000n;

/**
 * The guest's only notion of time. It is a pure function of what the guest did (clock reads,
 * sleeps, fuel), never of the host, so every replica of a task sees the same times.
 */
export class VirtualClock {
  #elapsed = 0n;

  constructor(private readonly fuelUsed: () => bigint = () => 0n) {}

  /** ns since the guest started; what CLOCKID_MONOTONIC and the CPU-time clocks read. */
  monotonic(): bigint {
    return this.#elapsed + this.fuelUsed() * NS_PER_FUEL;
  }

  realtime(): bigint {
    return VIRTUAL_EPOCH_NS + this.monotonic();
  }

  /** Called once per clock_time_get. */
  tick(): void {
    this.#elapsed += CLOCK_STEP_NS;
  }

  /** A sleep: jumps to `monotonicNs` instead of waiting for it. */
  advanceTo(monotonicNs: bigint): void {
    const now = this.monotonic();
    if (monotonicNs > now) this.#elapsed += monotonicNs - now;
  }
}
