// `rxportal refill order <rxId>... [--member <id>] [--yes]`
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { CliError, ExitCode, InterruptedError } from "../../errors.js";
import { placeOrder } from "../../refill/order.js";
import { planOrder, STATUS_WORDS } from "../../refill/plan.js";
import type { SendOutcome } from "../../refill/send.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import {
  journalOf,
  openExit,
  openHint,
  type RefillCommandDeps,
  type RefillSessionOptions,
  retryPolicy,
} from "./shared.js";

export interface RefillOrderOptions extends RefillSessionOptions {
  member?: string;
  yes?: boolean;
}

export async function refillOrderCommand(
  ctx: AppContext,
  rxIds: string[],
  opts: RefillOrderOptions,
  deps: RefillCommandDeps = {},
): Promise<CommandResult> {
  const { client, profile, username } = await requireSession(ctx, opts);
  const plan = await planOrder(client, rxIds, { member: opts.member });

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
        journal: journalOf(ctx),
        client,
        account: { profile: profile.name, username, baseUrl: profile.baseUrl },
        policy: retryPolicy(ctx, deps.policy),
        note: (line) => note(ctx, line),
      },
      plan,
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
  return reportOutcome(ctx, placed.outcome, { memberName: plan.member.name, resumed: placed.resumed });
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
  throw new CliError(
    `The refill order for ${entry.rxIds.join(", ")} is not confirmed: ${error.message.replace(/\.$/, "")}.`,
    openExit(error),
    {
      hint: openHint(error),
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
