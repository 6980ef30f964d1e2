// `rxportal orders show <orderId>`: one order, in words.
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { PortalRefusedError } from "../../errors.js";
import { orderStatusWords, orderTimeline, timelineWords } from "../../member/orders.js";
import type { PortalClient } from "../../portal/client.js";
import type { ReadProblem } from "../../portal/lenient.js";
import type { Order } from "../../portal/schemas.js";
import { printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import {
  checkId,
  clean,
  localTime,
  noteProblems,
  refusedAs,
  type SessionFlags,
  sessionOptions,
} from "./shared.js";

export async function orderShowCommand(
  ctx: AppContext,
  orderIdArg: string,
  opts: SessionFlags,
): Promise<CommandResult> {
  const orderId = checkId(orderIdArg, "order id", "ORD-200101");
  const { client } = await requireSession(ctx, sessionOptions(opts));
  const { problems: inOrder, ...order } = await fetchOrder(client, orderId);
  const requestId = client.lastRequestId;
  const problems: ReadProblem[] = (inOrder ?? []).map((p) => ({
    ...p,
    orderId: order.orderId,
    ...(requestId ? { requestId } : {}),
  }));

  if (ctx.globals.json) {
    printJson(ctx, {
      ...order,
      statusText: orderStatusWords(order.status),
      timeline: orderTimeline(order.status),
      problems,
    });
    return;
  }
  for (const line of describeOrder(ctx, order)) printLine(ctx, line);
  noteProblems(ctx, problems, "item");
}

/** One order; a 404 says plainly that this account and its dependents have no such order. */
export async function fetchOrder(client: PortalClient, orderId: string): Promise<Order> {
  try {
    return await client.getOrder(orderId);
  } catch (error) {
    if (error instanceof PortalRefusedError && (error.code === "not_found" || error.status === 404)) {
      throw refusedAs(
        error,
        `No order ${clean(orderId)} for this account or its dependents.`,
        "`rxportal orders --all` lists the orders you can see.",
      );
    }
    throw error;
  }
}

/** The order as lines of "Label: words", one fact each, for people and screen readers alike. */
export function describeOrder(ctx: AppContext, order: Order): string[] {
  const lines = [
    `Order ${clean(order.orderId)} for member ${clean(order.memberId)}`,
    `Status: ${orderStatusWords(order.status)} (since ${localTime(ctx, order.updatedAt)})`,
    `Progress: ${timelineWords(order.status)}`,
    `Items: ${order.items.length === 0 ? "none listed" : order.items.map((i) => `${clean(i.drug)} (${clean(i.rxId)})`).join(", ")}`,
    `Ordered: ${localTime(ctx, order.createdAt)}`,
  ];
  if (order.tracking) {
    lines.push(`Tracking: ${clean(order.tracking.carrier)}, number ${clean(order.tracking.number)}`);
    if (order.tracking.url) lines.push(`Track it at: ${clean(order.tracking.url)}`);
  } else if (order.status === "received" || order.status === "processing") {
    lines.push("Tracking: none yet; a tracking number appears once the order ships.");
  } else {
    lines.push("Tracking: none given by the portal.");
  }
  if (order.status === "cancelled") {
    lines.push("If you still need these, order them again with `rxportal refill order <rxId>`.");
  }
  return lines;
}
