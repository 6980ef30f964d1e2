// Sending a journalled refill order until the portal has answered for sure, always with the
// entry's own Idempotency-Key and the identical body, so that however often it is sent, the
// portal makes one order: the first request that arrives creates it, every later one replays it.
import type { Budget } from "../budget.js";
import { type CliError, InterruptedError, PortalError, PortalRefusedError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import { isTransient, retryDelayMs } from "../portal/retry.js";
import type { JournalEntry, JournalResult, RefillJournal } from "./journal.js";
import { sameRxSet } from "./journal.js";

export interface RetryPolicy {
  /**
   * Requests in all: each round is one request (the client does not retry an order itself), so
   * an order is sent at most `rounds` times per command.
   */
  rounds: number;
  /** Wait before round n+1 is backoffMs * 2^(n-1), or the portal's Retry-After if longer. */
  backoffMs: number;
  /** No wait begins that would end later than this since the first round (the ceiling). */
  budgetMs: number;
  /**
   * The command's whole budget (--timeout): no round starts, and no wait begins, that would end
   * past what is left of it. The entry then stays open for `refill pending`.
   */
  budget?: Pick<Budget, "remaining">;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Told before each wait, so the person knows why nothing happens for a while. */
  onRetry?: (waitMs: number, error: CliError) => void;
}

export const DEFAULT_ROUNDS = 3;
export const DEFAULT_BACKOFF_MS = 1_000;
export const DEFAULT_BUDGET_MS = 45_000;
/** A round needs at least this much of the budget left to be worth sending. */
export const MIN_ROUND_MS = 100;

/** The portal keeps an Idempotency-Key at least 24 hours; past that a replay could order again. */
export const KEY_KEPT_MS = 24 * 60 * 60 * 1000;
/** Allowance for the two clocks when matching an old entry against the order history. */
const CLOCK_SLACK_MS = 15 * 60 * 1000;

export type SendOutcome =
  | { state: "done"; entry: JournalEntry; result: Extract<JournalResult, { kind: "ordered" }> }
  | {
      state: "refused";
      entry: JournalEntry;
      result: Extract<JournalResult, { kind: "refused" }>;
      error: CliError;
    }
  | {
      state: "open";
      entry: JournalEntry;
      error: CliError;
      attempts: number;
      /** The next round or its wait did not fit in the time left (--timeout, or the ceiling). */
      outOfTime?: boolean;
    };

function refusalReasons(error: PortalError): { rxId: string; reason: string }[] {
  const items = error.problem?.items;
  if (!Array.isArray(items)) return [];
  return items
    .map((item) => item as { rxId?: unknown; reason?: unknown })
    .filter((item) => typeof item.rxId === "string")
    .map((item) => ({ rxId: String(item.rxId), reason: String(item.reason ?? "not_allowed") }));
}

/**
 * Sends the entry's order in up to `policy.rounds` rounds and closes the entry when the portal
 * has answered for sure: 201 or a replay (done), 422 refill_not_allowed (refused). Anything else
 * leaves it open for `refill pending`; a 409 (the key already used for another body) is a bug on
 * our side and is never "fixed" by sending a new key.
 */
export async function sendOrder(
  journal: RefillJournal,
  client: PortalClient,
  entry: JournalEntry,
  policy: RetryPolicy,
): Promise<SendOutcome> {
  const started = policy.now();
  /** What is left: of the ceiling since the first round, and of the command's budget. */
  const left = () =>
    Math.min(
      policy.budgetMs - (policy.now() - started),
      policy.budget?.remaining() ?? Number.POSITIVE_INFINITY,
    );
  let attempts = 0;
  for (let round = 1; ; round++) {
    attempts = round;
    try {
      // One request per round: the client's own retries would multiply with the rounds.
      const { order, replayed, requestId } = await client.orderRefills(
        { memberId: entry.memberId, rxIds: entry.rxIds },
        entry.key,
        { maxRetries: 0 },
      );
      const result: Extract<JournalResult, { kind: "ordered" }> = {
        kind: "ordered",
        orderId: order.orderId,
        items: order.items,
        ...(order.estimatedDelivery ? { estimatedDelivery: order.estimatedDelivery } : {}),
        orderCreatedAt: order.createdAt,
        replayed,
        ...(requestId ? { requestId } : {}),
        settledAt: new Date(policy.now()).toISOString(),
      };
      return { state: "done", entry: await journal.close(entry, result), result };
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      if (!(error instanceof PortalError)) throw error;
      if (error instanceof PortalRefusedError && error.code === "refill_not_allowed") {
        const result: Extract<JournalResult, { kind: "refused" }> = {
          kind: "refused",
          code: error.code,
          message: error.message,
          reasons: refusalReasons(error),
          ...(error.requestId ? { requestId: error.requestId } : {}),
          settledAt: new Date(policy.now()).toISOString(),
        };
        return { state: "refused", entry: await journal.close(entry, result), result, error };
      }
      if (!isTransient(error) || round >= policy.rounds) return { state: "open", entry, error, attempts };
      // A wait (backoff, or the portal's Retry-After if longer) that would end past what is left,
      // or leave no time for the round after it, would only make the member wait to hear the same
      // thing: the entry stays open for `refill pending` instead.
      const wait = retryDelayMs(error, round, {
        baseMs: policy.backoffMs,
        maxRetryAfterMs: Math.max(0, left() - MIN_ROUND_MS),
        atLeastBackoff: true,
      });
      if (wait === undefined || wait + MIN_ROUND_MS > left())
        return { state: "open", entry, error, attempts, outOfTime: true };
      policy.onRetry?.(wait, error);
      await policy.sleep(wait, policy.signal);
    }
  }
}

/**
 * Settles an open entry. A young entry is replayed with its own key. An entry older than the
 * portal's promise to keep keys is first looked up in the member's order history: if an order for
 * the same prescriptions was made since the entry was written, that is the order, and replaying
 * the key (which the portal may have forgotten) could make a second one.
 */
export async function settleEntry(
  journal: RefillJournal,
  client: PortalClient,
  entry: JournalEntry,
  policy: RetryPolicy,
): Promise<SendOutcome> {
  const created = Date.parse(entry.createdAt);
  if (policy.now() - created > KEY_KEPT_MS - CLOCK_SLACK_MS) {
    try {
      const { items } = await client.listOrders(entry.memberId);
      const match = items
        .filter(
          (o) =>
            o.memberId === entry.memberId &&
            Date.parse(o.createdAt) >= created - CLOCK_SLACK_MS &&
            sameRxSet(
              o.items.map((i) => i.rxId),
              entry.rxIds,
            ),
        )
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
      if (match) {
        const result: Extract<JournalResult, { kind: "ordered" }> = {
          kind: "ordered",
          orderId: match.orderId,
          items: match.items,
          orderCreatedAt: match.createdAt,
          replayed: true,
          foundInHistory: true,
          settledAt: new Date(policy.now()).toISOString(),
        };
        return { state: "done", entry: await journal.close(entry, result), result };
      }
    } catch (error) {
      if (error instanceof InterruptedError || !(error instanceof PortalError)) throw error;
      return { state: "open", entry, error, attempts: 1 };
    }
  }
  return sendOrder(journal, client, entry, policy);
}
