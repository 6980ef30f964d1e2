// Pieces the three refill commands share: session flags, the journal, the retry policy, and how
// an order that is not confirmed is reported.
import { setTimeout as delay } from "node:timers/promises";
import type { SessionOptions } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import {
  AuthRequiredError,
  type CliError,
  ExitCode,
  type ExitCodeValue,
  InterruptedError,
  PortalRefusedError,
  TryLaterError,
} from "../../errors.js";
import { RefillJournal } from "../../refill/journal.js";
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_BUDGET_MS,
  DEFAULT_ROUNDS,
  type RetryPolicy,
} from "../../refill/send.js";
import { formatDuration, note } from "../../ui/output.js";

export type RefillSessionOptions = Pick<SessionOptions, "username" | "passwordStdin" | "passwordFile">;

/** What tests may replace: the waits between rounds. */
export interface RefillCommandDeps {
  policy?: Partial<RetryPolicy>;
}

export function journalOf(ctx: AppContext): RefillJournal {
  return new RefillJournal(ctx.paths.dataDir, { now: () => ctx.clock.now() });
}

export function retryPolicy(ctx: AppContext, override: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    rounds: DEFAULT_ROUNDS,
    backoffMs: DEFAULT_BACKOFF_MS,
    budgetMs: DEFAULT_BUDGET_MS,
    budget: ctx.budget,
    now: () => ctx.clock.now(),
    sleep: async (ms, signal) => {
      try {
        await delay(ms, undefined, { signal });
      } catch {
        throw new InterruptedError();
      }
    },
    signal: ctx.signal,
    onRetry: (ms, error) =>
      note(
        ctx,
        `rxportal: not confirmed yet (${error.message.replace(/\.$/, "")}); asking again in ${formatDuration(ms / 1000)} with the same order key.`,
      ),
    ...override,
  };
}

export const PENDING_HINT = "`rxportal refill pending` will finish it; do not order again.";

/** The next step for an order left open by this error. */
export function openHint(error: CliError): string {
  if (error instanceof AuthRequiredError)
    return "Run `rxportal login`, then `rxportal refill pending` to finish it; do not order again.";
  if (error instanceof PortalRefusedError && error.code === "idempotency_conflict")
    return "This is a bug in rxportal; please report it. The order stays in the journal; do not order again.";
  return PENDING_HINT;
}

/**
 * Exit code for an order that stays open: 77 to sign in again, 1 for a 409, 75 while the portal
 * is rate limiting, else 69 (cli.md).
 */
export function openExit(error: CliError): ExitCodeValue {
  if (
    error instanceof AuthRequiredError ||
    error instanceof PortalRefusedError ||
    error instanceof TryLaterError
  ) {
    return error.exitCode;
  }
  return ExitCode.unavailable;
}
