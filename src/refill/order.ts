// Ordering refills exactly once, and finishing orders that an earlier run left open.
import { PortalRefusedError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import { intentLockName, type JournalEntry, type RefillJournal, sameRxSet } from "./journal.js";
import type { OrderPlan } from "./plan.js";
import { type RetryPolicy, type SendOutcome, sendOrder, settleEntry } from "./send.js";

export interface Account {
  profile: string;
  username: string;
  baseUrl?: string;
}

export interface RefillDeps {
  journal: RefillJournal;
  client: PortalClient;
  account: Account;
  policy: RetryPolicy;
  /** A line for the person (stderr): what rxportal is doing that they did not ask for. */
  note?: (line: string) => void;
}

export interface PlacedOrder {
  outcome: SendOutcome;
  /** True when an open entry for the same prescriptions was finished instead of a new one sent. */
  resumed: boolean;
  /** Other open entries, for some of the same prescriptions, that were settled first. */
  settledFirst: SendOutcome[];
}

type Intent =
  | { kind: "created"; entry: JournalEntry }
  | { kind: "resume"; entry: JournalEntry }
  | { kind: "overlap"; entries: JournalEntry[] };

/**
 * Places the order in `plan`, unless an earlier run already journalled one for the same member and
 * prescriptions and did not finish it: then that entry is settled with its own key instead, so the
 * member gets the one order they asked for, not two. The journal entry is on disk before the
 * request is sent.
 */
export async function placeOrder(deps: RefillDeps, plan: OrderPlan): Promise<PlacedOrder> {
  const { journal, account } = deps;
  const query = { ...account, memberId: plan.member.memberId, rxIds: plan.rxIds };
  const settledFirst: SendOutcome[] = [];
  const tried = new Set<string>();
  for (;;) {
    // Deciding "nothing is open, so write a new entry" must be atomic across processes.
    const intent: Intent = await journal.withLock(
      intentLockName(account.profile, account.username, plan.member.memberId),
      async () => {
        const open = await journal.openFor(query);
        const same = open.find((e) => sameRxSet(e.rxIds, plan.rxIds));
        if (same) return { kind: "resume", entry: same };
        if (open.length > 0) return { kind: "overlap", entries: open };
        const entry = await journal.create({
          ...account,
          memberId: plan.member.memberId,
          rxIds: plan.rxIds,
          drugs: Object.fromEntries(plan.prescriptions.map((p) => [p.rxId, `${p.drug} ${p.strength}`])),
        });
        return { kind: "created", entry };
      },
    );
    if (intent.kind === "created") {
      return {
        outcome: await sendOrder(journal, deps.client, intent.entry, deps.policy),
        resumed: false,
        settledFirst,
      };
    }
    if (intent.kind === "resume") {
      deps.note?.(
        `rxportal: an earlier order for ${plan.rxIds.join(", ")} was not finished (started ${intent.entry.createdAt}); finishing it with its own key instead of ordering again.`,
      );
      return {
        outcome: await settleEntry(journal, deps.client, intent.entry, deps.policy),
        resumed: true,
        settledFirst,
      };
    }
    const fresh = intent.entries.filter((e) => !tried.has(e.key));
    const stuck = settledFirst.find(
      (o) => o.state === "open" && intent.entries.some((e) => e.key === o.entry.key),
    );
    if (fresh.length === 0) {
      // An earlier order for some of these prescriptions is still unsettled: a new order could
      // double it, so this run ends where that one did.
      if (stuck) return { outcome: stuck, resumed: true, settledFirst };
      throw new Error("rxportal bug: an open refill journal entry was settled but is still open.");
    }
    for (const entry of fresh) {
      tried.add(entry.key);
      deps.note?.(
        `rxportal: an earlier order for ${entry.rxIds.join(", ")} was not finished; finishing it first.`,
      );
      settledFirst.push(await settleEntry(journal, deps.client, entry, deps.policy));
    }
  }
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

/** Settles each entry with its own key, one after another, oldest first. */
export async function settleEntries(
  deps: Omit<RefillDeps, "account" | "note">,
  entries: JournalEntry[],
): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (const entry of entries) {
    // Another process may have settled it since we listed it; its answer stands.
    const current = await deps.journal.get(entry.key);
    if (current && current.state !== "open" && current.result) {
      outcomes.push(
        current.result.kind === "ordered"
          ? { state: "done", entry: current, result: current.result }
          : {
              state: "refused",
              entry: current,
              result: current.result,
              error: new PortalRefusedError(current.result.message, {
                code: current.result.code,
                requestId: current.result.requestId,
              }),
            },
      );
      continue;
    }
    outcomes.push(await settleEntry(deps.journal, deps.client, entry, deps.policy));
  }
  return outcomes;
}

export type { SendOutcome };
