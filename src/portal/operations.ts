// Every operation of the portal contract (docs/portal-api.md) with every answer it may give, its
// schemas named rather than built: the client reads this table, and builds a schema only for an
// answer its quick readers (./quick-read.ts) decline. ./contract.ts is the same table with the
// schemas themselves, for openapi.json and the sandbox's conformance tests; this is its single
// source.
import type * as z from "zod/mini";
import type * as r from "./registration-schemas.js";
import type * as s from "./schemas.js";

type Exports = typeof s & typeof r;

/** The name of a schema exported by ./schemas.ts or ./registration-schemas.ts. */
export type SchemaName = {
  [K in keyof Exports]: Exports[K] extends z.ZodMiniType ? K : never;
}[keyof Exports];

export type HttpMethod = "GET" | "POST" | "PUT";

export interface ResponseRow {
  /**
   * How the client reads the body: the success body's reading schema (lenient where the prose
   * allows, src/portal/lenient.ts), or for problems the problem schema. Absent for bodiless answers.
   */
  schema?: SchemaName;
  /** For problem answers: the `code` values the contract names for this status. */
  codes?: readonly string[];
  description: string;
  /** Headers the contract requires on this answer. */
  headers?: readonly string[];
}

export interface OperationRow {
  id: string;
  method: HttpMethod;
  /** Path relative to the base URL, OpenAPI style (`/orders/{orderId}`). */
  path: string;
  summary: string;
  auth: boolean;
  request?: SchemaName;
  query?: readonly string[];
  requestHeaders?: readonly string[];
  responses: Readonly<Record<number, ResponseRow>>;
}

const problem = (codes: readonly string[], description: string, schema: SchemaName = "ProblemSchema") => ({
  schema,
  codes,
  description,
});
const rateLimited = { ...problem(["rate_limited"], "Too many requests"), headers: ["Retry-After"] } as const;
const unauthorized = problem(["unauthorized", "token_expired"], "Missing, unknown or expired access token");
const forbidden = problem(["forbidden"], "The memberId is neither the member nor one of their dependents");

export const operationRows: readonly OperationRow[] = [
  {
    id: "getStatus",
    method: "GET",
    path: "/status",
    summary: "Service status, components, maintenance window and app versions",
    auth: false,
    responses: {
      200: { schema: "StatusSchema", description: "Service status" },
    },
  },
  {
    id: "getAuthPolicy",
    method: "GET",
    path: "/auth/policy",
    summary: "Lockout, password, reset-code and MFA policy",
    auth: false,
    responses: {
      200: { schema: "AuthPolicySchema", description: "The policy in force" },
    },
  },
  {
    id: "login",
    method: "POST",
    path: "/auth/login",
    summary: "Sign in with username and password",
    auth: false,
    request: "LoginRequestSchema",
    responses: {
      200: { schema: "LoginResponseSchema", description: "Signed in, or a second step is required" },
      401: problem(["invalid_credentials"], "Wrong username or password", "InvalidCredentialsProblemSchema"),
      403: problem(
        ["password_expired", "account_disabled"],
        "The password expired or the account is disabled",
      ),
      423: problem(["account_locked"], "Locked after too many failed attempts", "AccountLockedProblemSchema"),
      429: rateLimited,
      503: { ...problem(["maintenance"], "Maintenance"), headers: ["Retry-After"] },
    },
  },
  {
    id: "verifyMfa",
    method: "POST",
    path: "/auth/mfa/verify",
    summary: "Complete sign-in with a one-time code",
    auth: false,
    request: "MfaVerifyRequestSchema",
    responses: {
      200: { schema: "LoginOkSchema", description: "Signed in" },
      401: problem(["invalid_code"], "Wrong code", "InvalidCodeProblemSchema"),
      410: problem(["challenge_expired"], "The challenge expired or was replaced"),
    },
  },
  {
    id: "resendMfa",
    method: "POST",
    path: "/auth/mfa/resend",
    summary: "Send a new one-time code; earlier codes stop working",
    auth: false,
    request: "MfaResendRequestSchema",
    responses: {
      202: { schema: "MfaResendResponseSchema", description: "A new code was sent" },
      429: rateLimited,
    },
  },
  {
    id: "refreshToken",
    method: "POST",
    path: "/auth/token/refresh",
    summary: "Exchange a refresh token for a new access token",
    auth: false,
    request: "RefreshRequestSchema",
    responses: {
      200: { schema: "RefreshResponseSchema", description: "New tokens" },
      401: problem(["unauthorized"], "Unknown or expired refresh token"),
    },
  },
  {
    id: "logout",
    method: "POST",
    path: "/auth/logout",
    summary: "End the session",
    auth: true,
    responses: { 204: { description: "Signed out" } },
  },
  {
    id: "recoverUsername",
    method: "POST",
    path: "/auth/username/recover",
    summary: "Send the username to the address on file",
    auth: false,
    request: "UsernameRecoverRequestSchema",
    responses: {
      202: {
        schema: "AcceptedMessageSchema",
        description: "Always the same, whether or not an account matched",
      },
      429: rateLimited,
    },
  },
  {
    id: "requestPasswordReset",
    method: "POST",
    path: "/auth/password-reset",
    summary: "Send a password reset code",
    auth: false,
    request: "PasswordResetRequestSchema",
    responses: {
      202: {
        schema: "PasswordResetAcceptedSchema",
        description: "Same shape whether or not an account matched",
      },
      429: rateLimited,
    },
  },
  {
    id: "confirmPasswordReset",
    method: "POST",
    path: "/auth/password-reset/confirm",
    summary: "Set a new password with a reset code",
    auth: false,
    request: "PasswordResetConfirmRequestSchema",
    responses: {
      204: { description: "Password changed; the account is unlocked" },
      400: problem(
        ["invalid_or_expired_code"],
        "Wrong, used or expired code",
        "InvalidOrExpiredCodeProblemSchema",
      ),
      422: problem(["password_policy"], "The new password breaks the policy", "PasswordPolicyProblemSchema"),
      429: rateLimited,
    },
  },
  {
    id: "register",
    method: "POST",
    path: "/auth/register",
    summary: "Create an online account; an email code confirms it (contract 1.1)",
    auth: false,
    request: "RegisterRequestSchema",
    responses: {
      202: {
        schema: "RegisterStartedSchema",
        description: "Details accepted; a code was sent to the email address to confirm the account",
      },
      409: problem(
        ["already_registered", "username_taken"],
        "An account exists for this member, or the username is taken (with suggestions)",
        "RegisterConflictProblemSchema",
      ),
      422: problem(
        ["not_eligible", "password_policy"],
        "No active benefit matches these details, or the password breaks the policy",
      ),
      429: rateLimited,
      501: problem(["not_implemented"], "This portal registers members only on its website"),
    },
  },
  {
    id: "verifyRegistration",
    method: "POST",
    path: "/auth/register/verify",
    summary: "Confirm a registration with the emailed code",
    auth: false,
    request: "RegisterVerifyRequestSchema",
    responses: {
      201: {
        schema: "RegisteredSchema",
        description: "The account exists; the member can sign in",
      },
      401: problem(["invalid_code"], "Wrong code", "InvalidCodeProblemSchema"),
      410: problem(["challenge_expired"], "The code expired, was replaced or had too many wrong tries"),
    },
  },
  {
    id: "getMe",
    method: "GET",
    path: "/me",
    summary: "The signed-in member and their dependents",
    auth: true,
    responses: {
      200: { schema: "MeSchema", description: "The member" },
      401: unauthorized,
    },
  },
  {
    id: "getIdCard",
    method: "GET",
    path: "/id-card",
    summary: "The digital prescription ID card",
    auth: true,
    query: ["memberId"],
    responses: {
      200: { schema: "IdCardSchema", description: "The card" },
      401: unauthorized,
      403: forbidden,
    },
  },
  {
    id: "listPrescriptions",
    method: "GET",
    path: "/prescriptions",
    summary: "Prescriptions of the member or a dependent",
    auth: true,
    query: ["memberId"],
    responses: {
      200: { schema: "PrescriptionListSchema", description: "Prescriptions" },
      401: unauthorized,
      403: forbidden,
    },
  },
  {
    id: "setAutoRefill",
    method: "PUT",
    path: "/prescriptions/{rxId}/auto-refill",
    summary: "Turn automatic refills on or off",
    auth: true,
    request: "AutoRefillRequestSchema",
    responses: {
      200: { schema: "AutoRefillResponseSchema", description: "The new setting" },
      401: unauthorized,
      404: problem(["not_found"], "No such prescription for this member"),
      422: problem(["not_eligible"], "This prescription cannot refill automatically"),
    },
  },
  {
    id: "orderRefills",
    method: "POST",
    path: "/refills",
    summary: "Order refills, at most once per Idempotency-Key",
    auth: true,
    request: "RefillRequestSchema",
    requestHeaders: ["Idempotency-Key"],
    responses: {
      201: {
        schema: "RefillCreatedSchema",
        description:
          "Order created; a replay of the same key and body returns it again with Idempotent-Replayed: true",
      },
      400: problem(["idempotency_key_required"], "The Idempotency-Key header is missing"),
      401: unauthorized,
      403: forbidden,
      409: problem(["idempotency_conflict"], "The key was used with another body"),
      422: problem(["refill_not_allowed"], "Some items cannot be refilled", "RefillNotAllowedProblemSchema"),
    },
  },
  {
    id: "listOrders",
    method: "GET",
    path: "/orders",
    summary: "Orders of the member or a dependent",
    auth: true,
    query: ["memberId"],
    responses: {
      200: { schema: "OrderListSchema", description: "Orders" },
      401: unauthorized,
      403: forbidden,
    },
  },
  {
    id: "getOrder",
    method: "GET",
    path: "/orders/{orderId}",
    summary: "One order with tracking",
    auth: true,
    responses: {
      200: { schema: "OrderSchema", description: "The order" },
      401: unauthorized,
      404: problem(["not_found"], "No such order for this member"),
    },
  },
];

/** Any path may answer 503 during maintenance, possibly with an HTML page from a proxy. */
export const maintenanceAnyPathRow: ResponseRow = {
  schema: "ProblemSchema",
  codes: ["maintenance"],
  description: "Maintenance or outage: problem+json or an HTML page; always with Retry-After",
  headers: ["Retry-After"],
};
