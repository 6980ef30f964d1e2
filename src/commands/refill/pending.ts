// `rxportal refill pending`: finish the orders an earlier run left open, each with its own key.
import { lastUsername, requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { AuthRequiredError } from "../../errors.js";
import type { JournalEntry } from "../../refill/journal.js";
import { openEntriesByUser, settleEntries } from "../../refill/order.js";
import type { SendOutcome } from "../../refill/send.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import {
  journalOf,
  openHint,
  type RefillCommandDeps,
  type RefillSessionOptions,
  retryPolicy,
} from "./shared.js";

export async function refillPendingCommand(
  ctx: AppContext,
  opts: RefillSessionOptions,
  deps: RefillCommandDeps = {},
): Promise<CommandResult> {
  const journal = journalOf(ctx);
  const profile = await ctx.profile();
  const { mine, elsewhere } = await openEntriesByUser(journal, profile.name);
  for (const d of (await journal.list()).damaged) {
    note(ctx, `rxportal: warning: ${d.file} is ${d.problem}; it is left as it is, check it by hand.`);
  }
  const preferred = (
    opts.username ??
    profile.username ??
    (await lastUsername(ctx, profile.name))
  )?.toLowerCase();
  // Without a known user, the only user with open entries is the one to settle for.
  const user = preferred ?? (mine.size === 1 ? [...mine.keys()][0] : undefined);
  const entries = user ? (mine.get(user) ?? []) : [];
  for (const [other, list] of mine) if (other !== user) elsewhere.push(...list);

  let outcomes: SendOutcome[] = [];
  if (entries.length > 0) {
    const { client } = await requireSession(ctx, {
      ...opts,
      username: (entries[0] as JournalEntry).username,
    });
    outcomes = await settleEntries(
      {
        journal,
        client,
        policy: retryPolicy(ctx, deps.policy),
        note: (line) => note(ctx, line),
        signal: ctx.signal,
      },
      entries,
    );
  }
  await journal.prune().catch(() => 0);

  const open = outcomes.filter((o) => o.state === "open");
  if (ctx.globals.json) {
    printJson(ctx, {
      entries: outcomes.map(describe),
      settled: outcomes.length - open.length,
      open: open.length,
      elsewhere: elsewhere.map((e) => ({
        key: e.key,
        profile: e.profile,
        username: e.username,
        memberId: e.memberId,
        rxIds: e.rxIds,
        createdAt: e.createdAt,
      })),
    });
  } else if (outcomes.length === 0) {
    printLine(ctx, "No unfinished refill orders.");
  } else {
    for (const o of outcomes) printLine(ctx, humanLine(o));
  }
  for (const e of elsewhere) {
    note(
      ctx,
      `rxportal: an unfinished order for ${e.rxIds.join(", ")} belongs to ${e.username} on profile ${e.profile}; run \`rxportal --profile ${e.profile} refill pending --username ${e.username}\`.`,
    );
  }
  if (open.length === 0) return undefined;
  const first = open[0] as Extract<SendOutcome, { state: "open" }>;
  note(
    ctx,
    `rxportal: ${open.length} of ${outcomes.length} refill ${outcomes.length === 1 ? "order is" : "orders are"} still not confirmed; ${openHint(first.error).replace("`rxportal refill pending` will finish it", "run `rxportal refill pending` again later")}`,
  );
  return open.some((o) => o.error instanceof AuthRequiredError) ? 77 : 69;
}

function describe(o: SendOutcome) {
  const base = {
    key: o.entry.key,
    memberId: o.entry.memberId,
    rxIds: o.entry.rxIds,
    createdAt: o.entry.createdAt,
    state: o.state,
  };
  if (o.state === "done") {
    const r = o.result;
    return {
      ...base,
      orderId: r.orderId,
      items: r.items,
      estimatedDelivery: r.estimatedDelivery ?? null,
      replayed: r.replayed,
      ...(r.foundInHistory ? { foundInHistory: true } : {}),
      ...(r.requestId ? { requestId: r.requestId } : {}),
    };
  }
  if (o.state === "refused") {
    return {
      ...base,
      code: o.result.code,
      message: o.result.message,
      reasons: o.result.reasons,
      ...(o.result.requestId ? { requestId: o.result.requestId } : {}),
    };
  }
  return {
    ...base,
    error: {
      message: o.error.message,
      code: "code" in o.error ? o.error.code : undefined,
      ...(o.error.requestId ? { requestId: o.error.requestId } : {}),
    },
  };
}

function humanLine(o: SendOutcome): string {
  const what = `${o.entry.rxIds.join(", ")} for member ${o.entry.memberId}`;
  if (o.state === "done") {
    const how = o.result.foundInHistory
      ? "found in the order history"
      : o.result.replayed
        ? "the portal already had it"
        : "the first request had not arrived; placed now";
    return `${what}: order ${o.result.orderId} (${how})`;
  }
  if (o.state === "refused") return `${what}: refused: ${o.result.message}`;
  return `${what}: still not confirmed: ${o.error.message}${o.error.requestId ? ` (Request id: ${o.error.requestId})` : ""}`;
}
