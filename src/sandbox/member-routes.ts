// Member endpoints (bearer token required): profile, ID card, prescriptions, refills and orders.
// A member may act for their dependents and nobody else.
import { randomBytes } from "node:crypto";
import { AutoRefillRequestSchema, RefillRequestSchema } from "../portal/schemas.js";
import { canonicalJson, json, problem, type Reply } from "./http.js";
import { defineRoute, type RouteContext } from "./router.js";
import { maskEmail, maskPhone } from "./secrets.js";
import { type Account, ORDER_DELIVERED_AFTER_MS, toDate, toTimestamp } from "./state.js";

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The signed-in account; the router guarantees it for routes with auth "required". */
function accountOf(ctx: RouteContext<unknown>): Account {
  if (!ctx.account) throw new Error("route reached without authentication");
  return ctx.account;
}

/** `?memberId=` or the member themself; anyone outside the family is refused. */
function targetMember(ctx: RouteContext<unknown>, requested?: string | null): string | Reply {
  const account = accountOf(ctx);
  const memberId = requested || account.memberId;
  if (!ctx.state.family(account).has(memberId)) {
    return problem(403, "forbidden", "You can only see yourself and your dependents.");
  }
  return memberId;
}

export const memberRoutes = [
  defineRoute({
    method: "GET",
    path: "/me",
    auth: "required",
    handle(ctx) {
      const a = accountOf(ctx);
      return json(200, {
        memberId: a.memberId,
        name: a.name,
        dateOfBirth: a.dateOfBirth,
        enrolleeType: a.enrolleeType,
        recoveryEmailHint: maskEmail(a.email),
        phoneHint: maskPhone(a.phone),
        dependents: a.dependents.map((d) => ({
          memberId: d.memberId,
          name: d.name,
          relationship: d.relationship,
        })),
      });
    },
  }),

  defineRoute({
    method: "GET",
    path: "/id-card",
    auth: "required",
    component: "id_card",
    handle(ctx) {
      const memberId = targetMember(ctx, ctx.query.get("memberId"));
      if (typeof memberId !== "string") return memberId;
      return json(200, ctx.state.idCard(accountOf(ctx), memberId));
    },
  }),

  defineRoute({
    method: "GET",
    path: "/prescriptions",
    auth: "required",
    handle(ctx) {
      const memberId = targetMember(ctx, ctx.query.get("memberId"));
      if (typeof memberId !== "string") return memberId;
      const items = [...ctx.state.prescriptionsOf(memberId)]
        .sort((a, b) => a.rxId.localeCompare(b.rxId))
        .map((rx) => ctx.state.prescriptionView(rx));
      return json(200, { items });
    },
  }),

  defineRoute({
    method: "PUT",
    path: "/prescriptions/{rxId}/auto-refill",
    auth: "required",
    component: "refills",
    request: AutoRefillRequestSchema,
    handle(ctx) {
      const rx = ctx.state.prescriptions.get(ctx.params.rxId ?? "");
      // Another family's prescription is "not found", not "forbidden": its existence is not ours to tell.
      if (!rx || !ctx.state.family(accountOf(ctx)).has(rx.memberId)) {
        return problem(404, "not_found", "No such prescription for you or your dependents.");
      }
      const status = ctx.state.prescriptionStatus(rx);
      // Turning auto-refill off is always allowed; only switching it on needs a refillable prescription.
      if (ctx.body.enabled && (status === "expired" || status === "no_refills")) {
        return problem(
          422,
          "not_eligible",
          status === "expired"
            ? "This prescription expired; ask your prescriber for a new one."
            : "No refills remain; ask your prescriber for a new prescription.",
          { reason: status },
        );
      }
      rx.autoRefill = ctx.body.enabled;
      return json(200, { rxId: rx.rxId, autoRefill: rx.autoRefill });
    },
  }),

  defineRoute({
    method: "POST",
    path: "/refills",
    auth: "required",
    component: "refills",
    request: RefillRequestSchema,
    precheck(ctx) {
      const key = ctx.headers["idempotency-key"];
      if (typeof key !== "string" || key.trim() === "") {
        return problem(
          400,
          "idempotency_key_required",
          "Send an Idempotency-Key header (a new UUID per order) so a retry cannot order twice.",
        );
      }
      if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        return problem(
          400,
          "bad_request",
          `The Idempotency-Key may be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
        );
      }
      return undefined;
    },
    // Synchronous from lookup to store: two requests with the same key cannot interleave, so a
    // double-clicked or retried order is created once however the requests race.
    handle(ctx) {
      const { state } = ctx;
      const account = accountOf(ctx);
      const memberId = targetMember(ctx, ctx.body.memberId);
      if (typeof memberId !== "string") return memberId;

      state.pruneIdempotency();
      const recordKey = `${account.memberId}\u0000${String(ctx.headers["idempotency-key"]).trim()}`;
      const bodyKey = canonicalJson(ctx.rawBody);
      const previous = state.idempotency.get(recordKey);
      if (previous) {
        if (previous.bodyKey !== bodyKey) {
          return problem(
            409,
            "idempotency_conflict",
            "This Idempotency-Key was already used for a different order.",
          );
        }
        return { ...previous.reply, headers: { ...previous.reply.headers, "Idempotent-Replayed": "true" } };
      }

      const rxIds = [...new Set(ctx.body.rxIds)];
      const refused: { rxId: string; reason: "too_soon" | "no_refills" | "expired" | "not_found" }[] = [];
      for (const rxId of rxIds) {
        const rx = state.prescriptions.get(rxId);
        if (!rx || rx.memberId !== memberId) {
          refused.push({ rxId, reason: "not_found" });
          continue;
        }
        const status = state.prescriptionStatus(rx);
        if (status !== "active") refused.push({ rxId, reason: status });
      }
      // All or nothing: a partly filled order surprises members more than a clear refusal.
      if (refused.length > 0) {
        return problem(422, "refill_not_allowed", "Some prescriptions cannot be refilled now.", {
          items: refused,
        });
      }

      const today = toDate(ctx.now);
      const items = rxIds.map((rxId) => {
        const rx = state.prescriptions.get(rxId);
        if (!rx) throw new Error(`prescription ${rxId} vanished`);
        rx.refillsRemaining -= 1;
        rx.lastFilled = today;
        return { rxId, drug: rx.drug };
      });
      let orderId: string;
      do orderId = `ORD-${randomBytes(4).toString("hex").toUpperCase()}`;
      while (state.orders.has(orderId));
      state.addOrder({ orderId, memberId, items, createdAt: ctx.now });
      const reply = json(
        201,
        {
          orderId,
          status: "received",
          items,
          estimatedDelivery: toDate(ctx.now + ORDER_DELIVERED_AFTER_MS),
          createdAt: toTimestamp(ctx.now),
        },
        { Location: `/api/v1/orders/${orderId}` },
      );
      state.idempotency.set(recordKey, { bodyKey, reply, storedAt: ctx.now });
      return reply;
    },
  }),

  defineRoute({
    method: "GET",
    path: "/orders",
    auth: "required",
    component: "orders",
    handle(ctx) {
      const memberId = targetMember(ctx, ctx.query.get("memberId"));
      if (typeof memberId !== "string") return memberId;
      const items = [...ctx.state.ordersOf(memberId)]
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((o) => ctx.state.orderView(o));
      return json(200, { items });
    },
  }),

  defineRoute({
    method: "GET",
    path: "/orders/{orderId}",
    auth: "required",
    component: "orders",
    handle(ctx) {
      const order = ctx.state.orders.get(ctx.params.orderId ?? "");
      if (!order || !ctx.state.family(accountOf(ctx)).has(order.memberId)) {
        return problem(404, "not_found", "No such order for you or your dependents.");
      }
      return json(200, ctx.state.orderView(order));
    },
  }),
];
