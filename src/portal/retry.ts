// When a failed portal call is worth sending again, and how long to wait first. One module for the
// client's own retries and for the refill sender's rounds, so they can never disagree about what is
// transient.
import { type PortalError, PortalUnavailableError, TryLaterError } from "../errors.js";
import { cappedRetryAfterMs } from "./retry-after.js";

/**
 * Worth another attempt: the portal or the path to it may recover within seconds. A timeout is
 * transient too (the next attempt may be luckier), but only while the command's budget lasts;
 * callers check what is left before they wait.
 */
export function isTransient(error: unknown): error is PortalError {
  if (error instanceof TryLaterError) return error.status === 429;
  if (!(error instanceof PortalUnavailableError)) return false;
  switch (error.reason) {
    case "connect":
      return error.code !== "bad_port";
    case "timeout":
    case "reset":
    case "server_error":
    case "maintenance":
      return true;
    case "bad_response":
      // A body cut off in transit is a network failure; a malformed or off-contract body would be
      // just as wrong the second time.
      return error.code === "truncated";
    default:
      // dns and tls will not heal in seconds.
      return false;
  }
}

export interface BackoffOptions {
  /** The first wait; each later one doubles. */
  baseMs: number;
  /** The longest Retry-After honoured; longer asks give undefined (do not wait, fail now). */
  maxRetryAfterMs: number;
  /**
   * Wait at least the backoff even when the portal asks for less (the refill sender's rounds,
   * which follow a client call that has already retried); the client itself honours the ask.
   */
  atLeastBackoff?: boolean;
}

/** The portal's Retry-After, in seconds, when the error carries one. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof PortalUnavailableError || error instanceof TryLaterError
    ? error.retryAfterSeconds
    : undefined;
}

/**
 * Milliseconds to wait before attempt `attempt + 1`: the portal's Retry-After when it gave one
 * (undefined when that is longer than we would ever wait), else exponential backoff.
 */
export function retryDelayMs(error: unknown, attempt: number, opts: BackoffOptions): number | undefined {
  const seconds = retryAfterOf(error);
  const backoff = opts.baseMs * 2 ** Math.max(0, attempt - 1);
  if (seconds === undefined) return backoff;
  const asked = cappedRetryAfterMs(seconds, opts.maxRetryAfterMs);
  if (asked === undefined) return undefined;
  return opts.atLeastBackoff ? Math.max(asked, backoff) : asked;
}
