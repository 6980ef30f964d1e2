// The whole command's time budget (`--timeout`): one deadline that every request, retry, wait and
// follow-up call of a command must fit into, so that "2 seconds" means 2 seconds to a member or a
// script, however many requests the command needs. Time spent at a prompt does not count: a member
// reading a question is not the portal being slow. Imports nothing of ours (a leaf).

export interface Budget {
  /** The budget in milliseconds, or undefined when the command has none (no --timeout). */
  readonly totalMs?: number;
  /** Aborts when the budget is spent (its reason is a BudgetExpired). Never aborts without one. */
  readonly signal: AbortSignal;
  /** Milliseconds left (Infinity without a budget; 0 once spent). */
  remaining(): number;
  /** True once the budget is spent. */
  readonly expired: boolean;
  /** Runs `fn` with the clock stopped: a person answering a prompt. */
  paused<T>(fn: () => Promise<T>): Promise<T>;
}

/** The abort reason of a spent budget, so callers can tell it from Ctrl-C. */
export class BudgetExpired extends Error {
  constructor(readonly totalMs: number) {
    super(`the command's time budget of ${totalMs} ms ran out`);
    this.name = "BudgetExpired";
  }
}

/** A budget that never runs out: commands without --timeout. */
export const unlimitedBudget: Budget = {
  signal: new AbortController().signal,
  remaining: () => Number.POSITIVE_INFINITY,
  expired: false,
  paused: (fn) => fn(),
};

/**
 * `now` is a monotonic clock in milliseconds (default performance.now()); `startedAt` is when the
 * budget began on it (default: now). The process passes a clock that counts from its own start and
 * 0, so Node's own start-up counts too: a script that says 2 seconds measures from when it started
 * rxportal.
 */
export function createBudget(
  totalMs: number | undefined,
  opts: { now?: () => number; startedAt?: number } = {},
): Budget {
  if (totalMs === undefined) return unlimitedBudget;
  const now = opts.now ?? (() => performance.now());
  const controller = new AbortController();
  let left = totalMs;
  /** When the clock last started, or undefined while paused. */
  let runningSince: number | undefined = Math.min(opts.startedAt ?? now(), now());
  let pauses = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const expire = () => {
    left = 0;
    timer = undefined;
    if (!controller.signal.aborted) controller.abort(new BudgetExpired(totalMs));
  };
  const arm = () => {
    if (controller.signal.aborted) return;
    timer = setTimeout(expire, remaining());
    // A pending request keeps the process alive while it matters; the timer alone must not.
    timer.unref?.();
  };
  const remaining = () => {
    if (controller.signal.aborted) return 0;
    const running = runningSince === undefined ? 0 : now() - runningSince;
    return Math.max(0, left - running);
  };
  arm();

  return {
    totalMs,
    signal: controller.signal,
    remaining,
    get expired() {
      return controller.signal.aborted;
    },
    async paused<T>(fn: () => Promise<T>): Promise<T> {
      if (pauses++ === 0 && runningSince !== undefined) {
        left = remaining();
        runningSince = undefined;
        if (timer) clearTimeout(timer);
        timer = undefined;
      }
      try {
        return await fn();
      } finally {
        if (--pauses === 0) {
          runningSince = now();
          arm();
        }
      }
    },
  };
}
