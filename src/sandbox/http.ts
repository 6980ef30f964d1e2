// The shape of an answer and the few helpers that turn one into bytes on the wire. Handlers return
// a Reply instead of writing to the response, which keeps them synchronous and testable and lets
// POST /refills store a reply for idempotent replay.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ProblemCode } from "../portal/schemas.js";

export const JSON_TYPE = "application/json; charset=utf-8";
export const PROBLEM_TYPE = "application/problem+json; charset=utf-8";
export const PROBLEM_BASE = "https://portal.example.com/problems/";

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const TITLES: Record<string, string> = {
  unauthorized: "Sign-in required",
  token_expired: "Session expired",
  invalid_credentials: "Wrong username or password",
  account_locked: "Account locked",
  password_expired: "Password expired",
  account_disabled: "Account disabled",
  rate_limited: "Too many requests",
  maintenance: "Service unavailable",
  invalid_code: "Wrong code",
  challenge_expired: "Verification expired",
  invalid_or_expired_code: "Invalid or expired code",
  password_policy: "Password does not meet the policy",
  not_found: "Not found",
  not_eligible: "Not eligible",
  idempotency_conflict: "Idempotency key reused",
  idempotency_key_required: "Idempotency-Key header required",
  refill_not_allowed: "Refill not allowed",
  forbidden: "Forbidden",
  bad_request: "Bad request",
  internal_error: "Internal error",
  already_registered: "Already registered",
  username_taken: "Username taken",
  not_implemented: "Not implemented",
  method_not_allowed: "Method not allowed",
  payload_too_large: "Request body too large",
};

/** Codes beyond the contract's enum are allowed (405/413), as the contract says clients must cope. */
export type SandboxProblemCode =
  | ProblemCode
  | "already_registered"
  | "username_taken"
  | "not_implemented"
  | "method_not_allowed"
  | "payload_too_large";

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

/** An RFC 9457 problem document; `extras` carries members such as attemptsRemaining. */
export function problem(
  status: number,
  code: SandboxProblemCode,
  detail?: string,
  extras: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Reply {
  const body: Record<string, unknown> = { type: PROBLEM_BASE + code, title: TITLES[code] ?? code, status };
  if (detail !== undefined) body.detail = detail;
  body.code = code;
  Object.assign(body, extras);
  return { status, body, headers: { ...headers, "Content-Type": PROBLEM_TYPE } };
}

export function rateLimited(
  retryAfterSeconds: number,
  detail = "Too many requests; try again later.",
): Reply {
  return problem(429, "rate_limited", detail, {}, { "Retry-After": String(retryAfterSeconds) });
}

export const noContent: Reply = { status: 204 };

/** Writes a reply. JSON unless the reply says otherwise; 204 has no body by definition. */
export function sendReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  const payload = Buffer.from(text, "utf8");
  headers["Content-Type"] ??= JSON_TYPE;
  headers["Content-Length"] = String(payload.length);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export class BodyTooLargeError extends Error {}

/** Reads the whole request body as UTF-8, refusing more than `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new BodyTooLargeError();
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** JSON with object keys sorted at every depth: two bodies that mean the same compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
