// `rxportal orders [list]` and `rxportal orders show <orderId>`: where refill orders are.
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { PortalRefusedError, UsageError } from "../../errors.js";
import { listOrdersOf, orderStatusWords, orderTimeline, timelineWords } from "../../member/orders.js";
import type { PortalClient } from "../../portal/client.js";
import type { ReadProblem } from "../../portal/lenient.js";
import type { Order } from "../../portal/schemas.js";
import { printJson, printLine } from "../../ui/output.js";
import { createStyle } from "../../ui/style.js";
import { renderTable } from "../../ui/table.js";
import type { CommandResult } from "../kit.js";
import {
  checkId,
  clean,
  forbiddenMember,
  localTime,
  noteProblems,
  refusedAs,
  type SessionFlags,
  sessionOptions,
} from "./shared.js";

export interface OrdersListOptions extends SessionFlags {
  member?: string;
  all?: boolean;
}

export interface MemberRef {
  memberId: string;
  name?: string;
}

export interface OrdersListing {
  /** Whose orders were asked for; absent memberId only when the portal chose (the member). */
  members: MemberRef[];
  orders: Order[];
  /** Orders (or their items) the portal sent that could not be read. */
  problems: ReadProblem[];
}

/** The orders of the member, one dependent, or (all) the member and every dependent. */
export async function fetchOrders(
  client: PortalClient,
  opts: { memberId?: string; all?: boolean },
): Promise<OrdersListing> {
  if (opts.all) {
    const me = await client.getMe();
    const meRequestId = client.lastRequestId;
    // A dependent the portal listed but rxportal could not read is named, not silently skipped.
    const unreadable: ReadProblem[] = (me.problems ?? []).map((p) => ({
      ...p,
      ...(meRequestId ? { requestId: meRequestId } : {}),
    }));
    const members: MemberRef[] = [
      { memberId: me.memberId, name: me.name },
      ...me.dependents.map((d) => ({ memberId: d.memberId, name: d.name })),
    ];
    const { orders, problems } = await listOrdersOf(
      client,
      members.map((m) => m.memberId),
    );
    return { members, orders, problems: [...unreadable, ...problems] };
  }
  try {
    const { orders, problems } = await listOrdersOf(client, [opts.memberId]);
    return { members: opts.memberId ? [{ memberId: opts.memberId }] : [], orders, problems };
  } catch (error) {
    throw forbiddenMember(error, opts.memberId);
  }
}

export async function ordersListCommand(ctx: AppContext, opts: OrdersListOptions): Promise<CommandResult> {
  if (opts.all && opts.member !== undefined) {
    throw new UsageError("Give --member <id> or --all, not both.");
  }
  const memberId = opts.member === undefined ? undefined : checkId(opts.member, "member id", "SBX100001-01");
  const { client } = await requireSession(ctx, sessionOptions(opts));
  const listing = await fetchOrders(client, { memberId, all: opts.all });

  if (ctx.globals.json) {
    printJson(ctx, {
      members: listing.members,
      orders: listing.orders.map((o) => ({ ...o, statusText: orderStatusWords(o.status) })),
      problems: listing.problems,
    });
    return;
  }
  const names = new Map(listing.members.map((m) => [m.memberId, m.name]));
  if (listing.orders.length === 0) {
    printLine(
      ctx,
      listing.problems.length === 0
        ? `No orders for ${whose(listing.members, opts.all)}.`
        : `No readable orders for ${whose(listing.members, opts.all)}.`,
    );
    noteProblems(ctx, listing.problems, "order");
    return;
  }
  const rows = listing.orders.map((o) => [
    clean(o.orderId),
    memberLabel(o.memberId, names.get(o.memberId)),
    orderStatusWords(o.status),
    o.items.map((i) => clean(i.drug)).join(", "),
    localTime(ctx, o.createdAt),
    localTime(ctx, o.updatedAt),
    o.tracking
      ? clean(o.tracking.number)
      : o.status === "received" || o.status === "processing"
        ? "none yet"
        : "none",
  ]);
  printLine(
    ctx,
    await renderTable(
      createStyle(ctx),
      ["Order", "Member", "Status", "Items", "Ordered", "Last change", "Tracking"],
      rows,
    ),
  );
  noteProblems(ctx, listing.problems, "order");
}

function whose(members: MemberRef[], all?: boolean): string {
  if (all) return "you or your dependents";
  const [only] = members;
  return only ? `member ${clean(only.memberId)}` : "you";
}

function memberLabel(memberId: string, name?: string): string {
  return name ? `${clean(name)} (${clean(memberId)})` : clean(memberId);
}

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
