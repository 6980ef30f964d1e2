// Orders in words: what each status means for the member, and where an order is on its way from
// "received" to "delivered". Pure functions; the commands draw them.
import type { PortalClient } from "../portal/client.js";
import type { Order, OrderStatus } from "../portal/schemas.js";

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

export function orderStatusWords(status: OrderStatus): string {
  return STATUS_WORDS[status];
}

export type StepState = "done" | "now" | "next";

export interface TimelineStep {
  status: (typeof ORDER_STEPS)[number];
  words: string;
  state: StepState;
}

/** Each step with whether it is done, happening now, or still to come; empty for a cancelled order. */
export function orderTimeline(status: OrderStatus): TimelineStep[] {
  if (status === "cancelled") return [];
  const at = ORDER_STEPS.indexOf(status);
  return ORDER_STEPS.map((step, i) => ({
    status: step,
    words: STEP_WORDS[step],
    // A delivered order has nothing left to happen: its last step is done, not "now".
    state: i < at || (i === at && step === "delivered") ? "done" : i === at ? "now" : "next",
  }));
}

/** "received (done), being filled (done), shipped (now), delivered (next)" */
export function timelineWords(status: OrderStatus): string {
  if (status === "cancelled") return "cancelled; nothing more will happen on this order";
  return orderTimeline(status)
    .map(
      (step) =>
        `${step.words} (${step.state === "now" ? "now" : step.state === "done" ? "done" : "to come"})`,
    )
    .join(", ");
}

/** Orders of several members, newest first; one call per member, in turn, to spare rate limits. */
export async function listOrdersOf(
  client: PortalClient,
  memberIds: (string | undefined)[],
): Promise<Order[]> {
  const orders: Order[] = [];
  for (const memberId of memberIds) orders.push(...(await client.listOrders(memberId)).items);
  return orders.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
