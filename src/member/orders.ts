// Orders in words: what each status means for the member, and where an order is on its way from
// "received" to "delivered". Pure functions; the commands draw them.
import type { PortalClient } from "../portal/client.js";
import type { ReadProblem } from "../portal/lenient.js";
import type { ItemProblem, Order, OrderStatus } from "../portal/schemas.js";
import { unknownValue } from "../ui/service-state.js";

/** The steps a refill order goes through, in order. "cancelled" ends it off this path. */
export const ORDER_STEPS = ["received", "processing", "shipped", "delivered"] as const;

const STATUS_WORDS: Record<OrderStatus, string> = {
  received: "received, not yet being filled",
  processing: "being filled at the pharmacy",
  shipped: "shipped, on its way",
  delivered: "delivered",
  cancelled: "cancelled, nothing will be sent",
};

const STEP_WORDS: Record<(typeof ORDER_STEPS)[number], string> = {
  received: "received",
  processing: "being filled",
  shipped: "shipped",
  delivered: "delivered",
};

export function isKnownOrderStatus(status: string): status is OrderStatus {
  return Object.hasOwn(STATUS_WORDS, status);
}

/** The status in words; one rxportal does not know is shown as the portal sent it. */
export function orderStatusWords(status: string): string {
  return isKnownOrderStatus(status) ? STATUS_WORDS[status] : unknownValue(status, "status");
}

export type StepState = "done" | "now" | "next";

export interface TimelineStep {
  status: (typeof ORDER_STEPS)[number];
  words: string;
  state: StepState;
}

/**
 * Each step with whether it is done, happening now, or still to come; empty for a cancelled order
 * and for a status rxportal does not know (it cannot tell where such an order is).
 */
export function orderTimeline(status: string): TimelineStep[] {
  if (status === "cancelled" || !isKnownOrderStatus(status)) return [];
  const at = ORDER_STEPS.indexOf(status as (typeof ORDER_STEPS)[number]);
  return ORDER_STEPS.map((step, i) => ({
    status: step,
    words: STEP_WORDS[step],
    // A delivered order has nothing left to happen: its last step is done, not "now".
    state: i < at || (i === at && step === "delivered") ? "done" : i === at ? "now" : "next",
  }));
}

/** "received (done), being filled (done), shipped (now), delivered (next)" */
export function timelineWords(status: string): string {
  if (status === "cancelled") return "cancelled; nothing more will happen on this order";
  if (!isKnownOrderStatus(status)) return "not known to rxportal; the portal's own site may say more";
  return orderTimeline(status)
    .map(
      (step) =>
        `${step.words} (${step.state === "now" ? "now" : step.state === "done" ? "done" : "to come"})`,
    )
    .join(", ");
}

export interface OrdersOf {
  orders: Order[];
  problems: ReadProblem[];
}

/**
 * Orders of several members, newest first; one call per member, in turn, to spare rate limits.
 * Orders that could not be read are returned as problems, each with its call's request id.
 */
export async function listOrdersOf(
  client: PortalClient,
  memberIds: (string | undefined)[],
): Promise<OrdersOf> {
  const orders: Order[] = [];
  const problems: ReadProblem[] = [];
  for (const memberId of memberIds) {
    const { data, meta } = await client.call<{ items: Order[]; problems: ItemProblem[] }>("listOrders", {
      query: { memberId },
    });
    const where = {
      ...(memberId ? { memberId } : {}),
      ...(meta.requestId ? { requestId: meta.requestId } : {}),
    };
    problems.push(...data.problems.map((p) => ({ ...p, ...where })));
    for (const { problems: inOrder, ...order } of data.items) {
      orders.push(order);
      // An order whose items could not all be read is still shown; the items it lost are named.
      for (const p of inOrder ?? []) problems.push({ ...p, orderId: order.orderId, ...where });
    }
  }
  orders.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return { orders, problems };
}
