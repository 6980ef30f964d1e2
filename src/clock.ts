/** Time as a dependency, so tests and the sandbox can move it. */

/** Clock differences above this make sign-in codes and certificates misbehave; worth a warning. */
export const CLOCK_SKEW_WARN_SECONDS = 120;
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Milliseconds on a clock that only moves forward, for deadlines and durations. The default is
 * performance.now(); the process passes one with the same origin (its start) that does not load
 * perf_hooks on first use (src/compose.ts).
 */
export type Monotonic = () => number;

export const performanceNow: Monotonic = () => performance.now();

/** A clock that starts at `start` and moves only when told to (tests, the sandbox's time travel). */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: number = Date.now()) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** The system clock shifted by an offset that can be advanced (the sandbox's `/_sandbox/clock`). */
export class OffsetClock implements Clock {
  private offset = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  reset(): void {
    this.offset = 0;
  }
}
