// Ordering refills exactly once, and finishing orders that an earlier run left open.
import { PortalRefusedError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import {
  intentLockName,
  type JournalEntry,
  type JournalResult,
  LOCK_WAIT_MS,
  type RefillJournal,
  type SettledOrder,
  sameRxSet,
} from "./journal.js";
import type { OrderPlan } from "./plan.js";
import { type RetryPolicy, type SendOutcome, sendOrder, settleEntry } from "./send.js";

export interface Account {
  profile: string;
  username: string;
  baseUrl?: string;
}

/**
 * How long after an order for the same member and prescriptions settled a new `refill order` for
 * them reports that order instead of placing another (unless --again): long enough to catch a
 * double click, a script run twice or two cron entries a few minutes apart, short enough that a
 * member who really means a second order is not in the way for long. The portal usually refuses
 * a real second fill as too soon anyway; this only keeps rxportal from asking twice.
 */
export const AGAIN_WINDOW_MS = 10 * 60 * 1000;
/** Budget kept for the order itself when waiting for another rxportal's lock. */
const ORDER_RESERVE_MS = 1_000;

export interface RefillDeps {
  journal: RefillJournal;
  client: PortalClient;
  account: Account;
  policy: RetryPolicy;
  /** A line for the person (stderr): what rxportal is doing that they did not ask for. */
  note?: (line: string) => void;
  /** Ctrl-C while waiting for another rxportal's lock. */
  signal?: AbortSignal;
}

export interface PlacedOrder {
  outcome: SendOutcome;
  /** True when an open entry for the same prescriptions was finished instead of a new one sent. */
  resumed: boolean;
  /**
   * True when the same prescriptions were ordered within AGAIN_WINDOW_MS and nothing was sent:
   * `outcome` is that earlier order ("done").
   */
  alreadyOrdered: boolean;
  /** Other open entries, for some of the same prescriptions, that were settled first. */
  settledFirst: SendOutcome[];
}

/** How long to wait for another rxportal's lock: LOCK_WAIT_MS, less when the budget is nearer. */
export function lockWaitMs(policy: Pick<RetryPolicy, "budget">): number {
  const left = policy.budget?.remaining() ?? Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(LOCK_WAIT_MS, left - ORDER_RESERVE_MS));
}

/** The member's recent order of exactly these prescriptions, if one settled within the window. */
export function recentOrder(
  journal: RefillJournal,
  account: Account,
  plan: Pick<OrderPlan, "member" | "rxIds">,
): Promise<SettledOrder | undefined> {
  return journal.recentOrderFor(
    { ...account, memberId: plan.member.memberId, rxIds: plan.rxIds },
    AGAIN_WINDOW_MS,
  );
}

/**
 * Places the order in `plan`, exactly once however many rxportal processes try at the same time.
 * Everything happens under the member's lock, the sending included, so a second run (a double
 * click, a duplicated cron job) waits for the first and then finds its order:
 * - an open entry for the same prescriptions (an earlier run died or gave up): settled with its
 *   own key, never a new one;
 * - open entries that overlap: settled first; one that stays open stops this order;
 * - the same prescriptions ordered within AGAIN_WINDOW_MS: reported, nothing sent (unless `again`);
 * - else a new entry, on disk before the request is sent.
 */
export async function placeOrder(
  deps: RefillDeps,
  plan: OrderPlan,
  opts: { again?: boolean } = {},
): Promise<PlacedOrder> {
  const { journal, account } = deps;
  const query = { ...account, memberId: plan.member.memberId, rxIds: plan.rxIds };
  const lock = intentLockName(account.profile, account.username, plan.member.memberId);
  return journal.withLock(
    lock,
    async (): Promise<PlacedOrder> => {
      const settledFirst: SendOutcome[] = [];
      const open = await journal.openFor(query);
      const same = open.find((e) => sameRxSet(e.rxIds, plan.rxIds));
      if (same) {
        deps.note?.(
          `rxportal: an earlier order for ${plan.rxIds.join(", ")} was not finished (started ${same.createdAt}); finishing it with its own key instead of ordering again.`,
        );
        return {
          outcome: await settleEntry(journal, deps.client, same, deps.policy),
          resumed: true,
          alreadyOrdered: false,
          settledFirst,
        };
      }
      for (const entry of open) {
        deps.note?.(
          `rxportal: an earlier order for ${entry.rxIds.join(", ")} was not finished; finishing it first.`,
        );
        settledFirst.push(await settleEntry(journal, deps.client, entry, deps.policy));
      }
      // An earlier order for some of these prescriptions is still unsettled: a new order could
      // double it, so this run ends where that one did.
      const stuck = settledFirst.find((o) => o.state === "open");
      if (stuck) return { outcome: stuck, resumed: true, alreadyOrdered: false, settledFirst };

      if (!opts.again) {
        const recent = await journal.recentOrderFor(query, AGAIN_WINDOW_MS);
        if (recent) {
          return {
            outcome: { state: "done", entry: recent, result: recent.result },
            resumed: false,
            alreadyOrdered: true,
            settledFirst,
          };
        }
      }
      const entry = await journal.create({
        ...account,
        memberId: plan.member.memberId,
        rxIds: plan.rxIds,
        drugs: Object.fromEntries(plan.prescriptions.map((p) => [p.rxId, `${p.drug} ${p.strength}`])),
      });
      return {
        outcome: await sendOrder(journal, deps.client, entry, deps.policy),
        resumed: false,
        alreadyOrdered: false,
        settledFirst,
      };
    },
    {
      waitMs: lockWaitMs(deps.policy),
      ...(deps.signal ? { signal: deps.signal } : {}),
      onWait: () =>
        deps.note?.(
          "rxportal: another rxportal is ordering refills for this member; waiting for it to finish.",
        ),
    },
  );
}

export interface PendingReport {
  outcomes: SendOutcome[];
  /** Open entries of other profiles or usernames: they need that account's session. */
  elsewhere: JournalEntry[];
}

/** The open entries that belong to this profile, grouped by username. */
export async function openEntriesByUser(
  journal: RefillJournal,
  profile: string,
): Promise<{ mine: Map<string, JournalEntry[]>; elsewhere: JournalEntry[] }> {
  const mine = new Map<string, JournalEntry[]>();
  const elsewhere: JournalEntry[] = [];
  for (const entry of await journal.open()) {
    if (entry.profile !== profile) {
      elsewhere.push(entry);
      continue;
    }
    const user = entry.username.toLowerCase();
    mine.set(user, [...(mine.get(user) ?? []), entry]);
  }
  return { mine, elsewhere };
}

/**
 * Settles each entry with its own key, one after another, oldest first, each under its member's
 * lock so that a `refill order` running meanwhile does not send the same entry at the same time.
 */
export async function settleEntries(
  deps: Omit<RefillDeps, "account">,
  entries: JournalEntry[],
): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (const entry of entries) {
    outcomes.push(
      await deps.journal.withLock(
        intentLockName(entry.profile, entry.username, entry.memberId),
        async () => {
          // Another process may have settled it since we listed it; its answer stands.
          const current = await deps.journal.get(entry.key);
          if (current && current.state !== "open" && current.result)
            return closedOutcome(current, current.result);
          return settleEntry(deps.journal, deps.client, entry, deps.policy);
        },
        {
          waitMs: lockWaitMs(deps.policy),
          ...(deps.signal ? { signal: deps.signal } : {}),
          onWait: () =>
            deps.note?.(
              `rxportal: another rxportal is ordering refills for member ${entry.memberId}; waiting for it to finish.`,
            ),
        },
      ),
    );
  }
  return outcomes;
}

function closedOutcome(current: JournalEntry, result: JournalResult): SendOutcome {
  return result.kind === "ordered"
    ? { state: "done", entry: current, result }
    : {
        state: "refused",
        entry: current,
        result,
        error: new PortalRefusedError(result.message, { code: result.code, requestId: result.requestId }),
      };
}

export type { SendOutcome };
