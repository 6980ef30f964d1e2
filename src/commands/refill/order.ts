// `rxportal refill order <rxId>... [--member <id>] [--yes] [--again]`
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { CliError, ExitCode, InterruptedError } from "../../errors.js";
import type { SettledOrder } from "../../refill/journal.js";
import { AGAIN_WINDOW_MS, placeOrder, recentOrder } from "../../refill/order.js";
import { planOrder, STATUS_WORDS } from "../../refill/plan.js";
import type { SendOutcome } from "../../refill/send.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import {
  journalOf,
  openExit,
  openHint,
  PENDING_HINT,
  type RefillCommandDeps,
  type RefillSessionOptions,
  retryPolicy,
} from "./shared.js";

export interface RefillOrderOptions extends RefillSessionOptions {
  member?: string;
  yes?: boolean;
  /** Order even though the same prescriptions were ordered within the last AGAIN_WINDOW_MS. */
  again?: boolean;
}

export async function refillOrderCommand(
  ctx: AppContext,
  rxIds: string[],
  opts: RefillOrderOptions,
  deps: RefillCommandDeps = {},
): Promise<CommandResult> {
  const { client, profile, username, memberId } = await requireSession(ctx, opts);
  const plan = await planOrder(client, rxIds, { member: opts.member, self: memberId });
  const journal = journalOf(ctx);
  const account = { profile: profile.name, username, baseUrl: profile.baseUrl };

  // Ordered a moment ago (a double click, a script run twice): say so before asking anything.
  // placeOrder asks again under the lock, for a run that is ordering right now.
  const recent = opts.again ? undefined : await recentOrder(journal, account, plan);
  if (recent) return reportAlready(ctx, recent, plan.member.name);

  note(ctx, `Refills to order for ${plan.member.name} (member ${plan.member.memberId}):`);
  for (const p of plan.prescriptions)
    note(ctx, `  ${p.rxId}  ${p.drug} ${p.strength}, ${p.quantity} for ${p.daysSupply} days`);
  for (const p of plan.prescriptions.filter((p) => p.status !== "active")) {
    note(
      ctx,
      `rxportal: warning: ${p.rxId} shows "${STATUS_WORDS[p.status]}"${p.nextEligibleDate ? ` (next eligible ${p.nextEligibleDate})` : ""}; the portal will probably refuse it.`,
    );
  }
  if (!opts.yes) {
    const go = await ctx.prompter.confirm({ message: "Place this order?", default: true, noTty: "--yes" });
    if (!go) {
      note(ctx, "Nothing was ordered.");
      return undefined;
    }
  }

  let placed: Awaited<ReturnType<typeof placeOrder>>;
  try {
    placed = await placeOrder(
      {
        journal,
        client,
        account,
        policy: retryPolicy(ctx, deps.policy),
        note: (line) => note(ctx, line),
        signal: ctx.signal,
      },
      plan,
      { again: opts.again === true },
    );
  } catch (error) {
    // Ctrl-C mid-order: the journal entry (if written) stays open for `refill pending`.
    if (error instanceof InterruptedError) {
      note(
        ctx,
        "rxportal: interrupted while ordering; `rxportal refill pending` will finish it; do not order again.",
      );
    }
    throw error;
  }
  for (const earlier of placed.settledFirst) describeEarlier(ctx, earlier);
  if (placed.alreadyOrdered && placed.outcome.state === "done") {
    return reportAlready(ctx, { ...placed.outcome.entry, result: placed.outcome.result }, plan.member.name);
  }
  return reportOutcome(ctx, placed.outcome, { memberName: plan.member.name, resumed: placed.resumed });
}

/** HH:MM in local time (the TZ rxportal runs in), as a member reads a clock. */
function clockTime(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/**
 * The same prescriptions were ordered within AGAIN_WINDOW_MS: that order is the answer (exit 0),
 * nothing is sent; --again orders once more.
 */
function reportAlready(ctx: AppContext, earlier: SettledOrder, memberName: string): CommandResult {
  const r = earlier.result;
  const at = clockTime(Number.isNaN(Date.parse(r.orderCreatedAt)) ? r.settledAt : r.orderCreatedAt);
  if (ctx.globals.json) {
    printJson(ctx, {
      orderId: r.orderId,
      status: "received",
      memberId: earlier.memberId,
      memberName,
      items: r.items,
      estimatedDelivery: r.estimatedDelivery ?? null,
      createdAt: r.orderCreatedAt,
      replayed: r.replayed,
      resumed: false,
      alreadyOrdered: true,
      settledAt: r.settledAt,
      againWindowMinutes: AGAIN_WINDOW_MS / 60_000,
      key: earlier.key,
    });
  } else {
    printLine(
      ctx,
      `Already ordered at ${at}: order ${r.orderId} for ${memberName} (member ${earlier.memberId}).`,
    );
    for (const item of r.items) printLine(ctx, `  ${item.rxId}  ${item.drug}`);
    printLine(ctx, `Estimated delivery: ${r.estimatedDelivery ?? "not given by the portal"}`);
  }
  note(
    ctx,
    `rxportal: already ordered at ${at}, order ${r.orderId}; nothing was ordered now. Use --again to order once more.`,
  );
  return undefined;
}

function describeEarlier(ctx: AppContext, o: SendOutcome): void {
  const rx = o.entry.rxIds.join(", ");
  if (o.state === "done") note(ctx, `rxportal: the earlier order for ${rx} is order ${o.result.orderId}.`);
  else if (o.state === "refused")
    note(ctx, `rxportal: the earlier order for ${rx} was refused: ${o.result.message}`);
}

function reportOutcome(
  ctx: AppContext,
  o: SendOutcome,
  about: { memberName: string; resumed: boolean },
): CommandResult {
  const { entry } = o;
  if (o.state === "done") {
    const r = o.result;
    if (ctx.globals.json) {
      printJson(ctx, {
        orderId: r.orderId,
        status: "received",
        memberId: entry.memberId,
        memberName: about.memberName,
        items: r.items,
        estimatedDelivery: r.estimatedDelivery ?? null,
        createdAt: r.orderCreatedAt,
        replayed: r.replayed,
        resumed: about.resumed,
        alreadyOrdered: false,
        key: entry.key,
        ...(r.requestId ? { requestId: r.requestId } : {}),
      });
    } else {
      printLine(ctx, `Order ${r.orderId} placed for ${about.memberName} (member ${entry.memberId}).`);
      for (const item of r.items) printLine(ctx, `  ${item.rxId}  ${item.drug}`);
      printLine(ctx, `Estimated delivery: ${r.estimatedDelivery ?? "not given by the portal"}`);
    }
    if (r.replayed)
      note(
        ctx,
        "rxportal: the portal already had this order and answered with it; nothing was ordered twice.",
      );
    return undefined;
  }
  if (o.state === "refused") {
    throw new CliError(o.result.message, ExitCode.refused, {
      requestId: o.result.requestId,
      details: { code: o.result.code, items: o.result.reasons, key: entry.key },
    });
  }
  const { error } = o;
  // Stopped because the next wait did not fit in what --timeout left (when the budget ran out
  // during a request, the error itself says so): say whose limit it was.
  const budgetMs = ctx.budget.totalMs;
  const hint =
    o.outOfTime && budgetMs !== undefined && !ctx.budget.expired && openHint(error) === PENDING_HINT
      ? `--timeout ${budgetMs} leaves no time to ask again; ${PENDING_HINT}`
      : openHint(error);
  throw new CliError(
    `The refill order for ${entry.rxIds.join(", ")} is not confirmed: ${error.message.replace(/\.$/, "")}.`,
    openExit(error),
    {
      hint,
      requestId: error.requestId,
      details: {
        code: "order_not_confirmed",
        cause: "code" in error ? error.code : undefined,
        key: entry.key,
        rxIds: entry.rxIds,
      },
    },
  );
}
