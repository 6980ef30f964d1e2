// `rxportal orders` / `orders list`: orders of the member, one dependent, or the whole family.
import { requireSession } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { listOrdersOf, orderStatusWords } from "../../member/orders.js";
import type { PortalClient } from "../../portal/client.js";
import type { ReadProblem } from "../../portal/lenient.js";
import type { Order } from "../../portal/schemas.js";
import { printJson, printLine } from "../../ui/output.js";
import { renderTable } from "../../ui/table.js";
import type { CommandResult } from "../kit.js";
import {
  checkId,
  clean,
  forbiddenMember,
  localTime,
  noteProblems,
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
      await (await import("../../ui/style-level.js")).loadStyle(ctx),
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
