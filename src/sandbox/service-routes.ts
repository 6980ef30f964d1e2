// GET /status and GET /auth/policy: public, and up even during maintenance, because they are what a
// client reads to explain an outage or a password rule.
import { AuthPolicySchema } from "../portal/schemas.js";
import { json } from "./http.js";
import { defineRoute } from "./router.js";

export const serviceRoutes = [
  defineRoute({
    method: "GET",
    path: "/status",
    alwaysUp: true,
    handle: (ctx) => json(200, ctx.state.statusView()),
  }),
  defineRoute({
    method: "GET",
    path: "/auth/policy",
    alwaysUp: true,
    handle: (ctx) => json(200, AuthPolicySchema.parse(ctx.state.policy)),
  }),
];
