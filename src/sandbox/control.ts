// The sandbox's control surface under /_sandbox: read the outbox of "sent" codes, inject faults,
// move the clock, set the service status, reset. It can read one-time codes, so it answers only
// to loopback peers, never to the network the sandbox may be listening on.
import type { IncomingMessage } from "node:http";
import * as z from "zod/mini";
import "../zod-messages.js";
import type { OffsetClock } from "../clock.js";
import { UsageError } from "../errors.js";
import {
  AppVersionsSchema,
  ComponentNameSchema,
  ServiceStateSchema,
  TimestampSchema,
} from "../portal/schemas.js";
import { type FaultList, formatFaultSpec, parseFaultSpec } from "./faults.js";
import { BodyTooLargeError, json, noContent, problem, type Reply, readBody } from "./http.js";
import { type SandboxState, toTimestamp } from "./state.js";

export const CONTROL_PREFIX = "/_sandbox";

export function isControlPath(pathname: string): boolean {
  return pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`);
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x (how a dual-stack socket reports IPv4 loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const lower = address.toLowerCase();
  if (lower === "::1" || lower === "0:0:0:0:0:0:0:1") return true;
  const v4 = lower.startsWith("::ffff:") ? lower.slice(7) : lower;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  return m !== null && m[1] === "127" && m.slice(2).every((part) => Number(part) <= 255);
}

export const FaultRequestSchema = z.object({ spec: z.string().check(z.minLength(1)) });
export const ClockRequestSchema = z.object({ advanceSeconds: z.number() });
export const StatusOverrideSchema = z.strictObject({
  status: z.optional(ServiceStateSchema),
  message: z.optional(z.string()),
  components: z.optional(z.array(z.object({ name: ComponentNameSchema, status: ServiceStateSchema }))),
  maintenance: z.optional(
    z.nullable(z.object({ start: TimestampSchema, end: TimestampSchema, message: z.optional(z.string()) })),
  ),
  apps: z.optional(z.object({ ios: AppVersionsSchema, android: AppVersionsSchema })),
});

export interface ControlDeps {
  state: SandboxState;
  faults: FaultList;
  clock: OffsetClock;
  /** Seed state, no faults, empty outbox, no rate-limit history, clock offset cleared. */
  reset(): void;
}

type Handler = (req: IncomingMessage, url: URL, deps: ControlDeps) => Reply | Promise<Reply>;

async function readJson<S extends z.ZodMiniType>(
  req: IncomingMessage,
  schema: S,
): Promise<z.infer<S> | Reply> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readBody(req));
  } catch (err) {
    if (err instanceof BodyTooLargeError)
      return problem(413, "payload_too_large", "The request body is too large.");
    return problem(400, "bad_request", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return problem(400, "bad_request", z.prettifyError(parsed.error));
  return parsed.data;
}

const isReply = (value: unknown): value is Reply =>
  typeof value === "object" && value !== null && "status" in value && typeof value.status === "number";

/** What GET /_sandbox/about answers: how rxportal tells the bundled sandbox from any other local portal. */
export const SANDBOX_ABOUT = { sandbox: "rxportal", outbox: `${CONTROL_PREFIX}/outbox` } as const;

const routes: Record<string, Partial<Record<string, Handler>>> = {
  "/about": {
    GET: () => json(200, SANDBOX_ABOUT),
  },
  "/outbox": {
    GET: (_req, url, { state }) => {
      const to = url.searchParams.get("to")?.toLowerCase();
      const messages = state.outbox.filter((m) => to === undefined || m.to.toLowerCase() === to);
      return json(200, { messages });
    },
    DELETE: (_req, _url, { state }) => {
      state.outbox = [];
      return noContent;
    },
  },
  "/faults": {
    GET: (_req, _url, { faults }) =>
      json(200, { faults: faults.list().map((f) => ({ spec: formatFaultSpec(f), ...f })) }),
    POST: async (req, _url, { faults }) => {
      const body = await readJson(req, FaultRequestSchema);
      if (isReply(body)) return body;
      try {
        const fault = parseFaultSpec(body.spec);
        faults.add(fault);
        return json(201, { spec: formatFaultSpec(fault), ...fault });
      } catch (err) {
        if (err instanceof UsageError) return problem(400, "bad_request", err.message);
        throw err;
      }
    },
    DELETE: (_req, _url, { faults }) => {
      faults.clear();
      return noContent;
    },
  },
  "/reset": {
    POST: (_req, _url, deps) => {
      deps.reset();
      return noContent;
    },
  },
  "/clock": {
    GET: (_req, _url, { clock }) => json(200, { serverTime: toTimestamp(clock.now()) }),
    POST: async (req, _url, { clock }) => {
      const body = await readJson(req, ClockRequestSchema);
      if (isReply(body)) return body;
      clock.advance(body.advanceSeconds * 1000);
      return json(200, { serverTime: toTimestamp(clock.now()) });
    },
  },
  "/status": {
    POST: async (req, _url, { state }) => {
      const body = await readJson(req, StatusOverrideSchema);
      if (isReply(body)) return body;
      state.overrideStatus(body);
      return json(200, state.statusView());
    },
  },
  "/members": {
    // Who is who, for people and tests driving the sandbox; deliberately without any secret.
    GET: (_req, _url, { state }) =>
      json(
        200,
        [...state.accounts.values()].map((a) => ({
          username: a.username,
          scenario: a.scenario,
          enrolleeType: a.enrolleeType,
          mfa: a.mfa[0] ?? null,
        })),
      ),
  },
  "/registrants": {
    // Who may still register (rxportal register): the SSN only as its last four digits.
    GET: (_req, _url, { state }) =>
      json(
        200,
        state.registrants.map((r) => ({
          memberId: r.memberId,
          name: `${r.firstName} ${r.lastName}`,
          dateOfBirth: r.dateOfBirth,
          enrolleeType: r.enrolleeType,
          relationship: r.relationship,
          scenario: r.scenario,
          ssnLast4: r.ssn.slice(-4),
          registered: state.accountByMemberId(r.memberId) !== undefined,
        })),
      ),
  },
};

export async function handleControl(req: IncomingMessage, url: URL, deps: ControlDeps): Promise<Reply> {
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    return problem(403, "forbidden", "The sandbox control surface answers only on loopback.");
  }
  const name = url.pathname.slice(CONTROL_PREFIX.length);
  const methods = Object.hasOwn(routes, name) ? routes[name] : undefined;
  if (!methods) return problem(404, "not_found", `There is nothing at ${url.pathname}.`);
  const method = req.method ?? "GET";
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) {
    const allow = Object.keys(methods).join(", ");
    return problem(
      405,
      "method_not_allowed",
      `${req.method} is not allowed here; use ${allow}.`,
      {},
      { Allow: allow },
    );
  }
  return handler(req, url, deps);
}
