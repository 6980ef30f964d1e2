// A bound on how many probes run at once: `health --all` over 200 profiles, or an exporter
// scraped for 500 targets, must not open hundreds of connections together. Jobs past the bound
// wait in order (first come, first run); a failed job frees its slot like a finished one.

export const DEFAULT_CONCURRENCY = 16;

export interface Limiter {
  /** Runs `job` when a slot is free; resolves or rejects as the job does. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Jobs running now. */
  readonly active: number;
  /** Jobs waiting for a slot. */
  readonly queued: number;
  readonly limit: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency must be a whole number ≥ 1, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active -= 1;
    const next = waiting.shift();
    if (next) {
      active += 1;
      next();
    }
  };
  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    limit,
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (active < limit) active += 1;
      // The slot is handed over by release(), so a job never runs past the bound in between.
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await job();
      } finally {
        release();
      }
    },
  };
}
