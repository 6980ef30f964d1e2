// The portal HTTP client: one method per contract operation (src/portal/contract.ts), each answer
// parsed with the contract's schema, each failure turned into a typed error by ./errors.ts.
//
// Three rules shape it:
// - fetch is injected (STYLE.md "Inject fetch"): production passes the one transport of
//   ./transport.ts (node:http, undici behind a proxy), tests pass globalThis.fetch and msw sees every call.
// - One deadline per call, retries and Retry-After waits included, and every call inside the
//   command's budget (`--timeout`, src/budget.ts), so `--timeout 10000` means the member waits at
//   most ten seconds for the whole command, whatever the portal does.
// - A POST is never sent twice, except a refill order, which carries an Idempotency-Key that the
//   portal uses to replay the first answer instead of creating a second order.
import type * as z from "zod/mini";
import type { Budget } from "../budget.js";
import { type Clock, type Monotonic, performanceNow, systemClock } from "../clock.js";
import {
  AuthRequiredError,
  CliError,
  ConfigError,
  InterruptedError,
  type PortalError,
  UsageError,
} from "../errors.js";
import {
  bodyKind,
  errorFromAnswer,
  errorFromTransport,
  LOGIN_HINT,
  schemaMismatchError,
  unreadableSuccessError,
} from "./errors.js";
import { type OperationRow, operationRows, type ResponseRow } from "./operations.js";
import { quickRead } from "./quick-read.js";
import { redactBody, redactUrl } from "./redact.js";
import type { Registered, RegisterRequest, RegisterStarted } from "./registration-schemas.js";
import { isTransient, retryDelayMs } from "./retry.js";
import { parseRetryAfter } from "./retry-after.js";
import type * as s from "./schemas.js";
import { isLoopbackHost } from "./url.js";

export type OperationId =
  | "getStatus"
  | "getAuthPolicy"
  | "login"
  | "verifyMfa"
  | "resendMfa"
  | "refreshToken"
  | "logout"
  | "recoverUsername"
  | "requestPasswordReset"
  | "confirmPasswordReset"
  | "register"
  | "verifyRegistration"
  | "getMe"
  | "getIdCard"
  | "listPrescriptions"
  | "setAutoRefill"
  | "orderRefills"
  | "listOrders"
  | "getOrder";

export type MfaResend = z.infer<typeof s.MfaResendResponseSchema>;
export type PasswordResetAccepted = z.infer<typeof s.PasswordResetAcceptedSchema>;
export type PrescriptionList = z.infer<typeof s.PrescriptionListSchema>;
export type AutoRefillResult = z.infer<typeof s.AutoRefillResponseSchema>;
export type OrderList = z.infer<typeof s.OrderListSchema>;

export interface PortalClientOptions {
  /** e.g. https://portal.example/api/v1; http:// only for loopback hosts, else ConfigError. */
  baseUrl: string;
  /** Production: createPortalFetch(); tests: globalThis.fetch (msw intercepts it). */
  fetch: typeof globalThis.fetch;
  /** One overall deadline per call, retries and Retry-After waits included. Default 10000. */
  timeoutMs?: number;
  /** Profile overrides such as { login: "/v2/signin" }; may contain the contract's {placeholders}. */
  paths?: Partial<Record<OperationId, string>>;
  /** --verbose: one line per request and per answer, secrets redacted. */
  trace?: (line: string) => void;
  /** For HTTP-date Retry-After values. */
  clock?: Clock;
  /** Where each call's deadline is read. Default performance.now(). */
  monotonic?: Monotonic;
  /** Injectable so tests do not wait for real backoff. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Retries after the first attempt, for calls that may be retried. Default 2. */
  maxRetries?: number;
  /** The longest Retry-After honoured; a longer one fails at once with retryAfterSeconds. Default 30000. */
  maxRetryAfterMs?: number;
  /** Default "rxportal". */
  userAgent?: string;
  /** Aborts every call (Ctrl-C): the call then throws InterruptedError. */
  signal?: AbortSignal;
  /**
   * The whole command's time budget (--timeout): every call, with its retries and waits, must
   * end within what is left of it. `timeoutMs` stays the limit for one call.
   */
  budget?: Budget;
}

/**
 * A signed-in session as authenticated operations need it: the bearer that login, verifyMfa and
 * refreshToken return (a LoginOk or a kept session from the keychain will do).
 */
export interface PortalSession {
  readonly accessToken: string;
}

export interface CallMeta {
  requestId?: string;
  status: number;
  /** True when the portal said Idempotent-Replayed: true (a refill order it had already taken). */
  replayed?: boolean;
  /** The whole call, retries and waits included. */
  durationMs: number;
  /** How many requests were sent (1 when nothing was retried). */
  attempts: number;
}

export interface CallInit {
  body?: unknown;
  query?: Record<string, string | undefined>;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** Aborts this call only (in addition to the client's signal). */
  signal?: AbortSignal;
  /** Retries for this call, instead of the client's default (the refill sender makes its own rounds). */
  maxRetries?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
const BACKOFF_BASE_MS = 200;
/** A retry that would leave less than this for the request itself is not worth sending. */
const MIN_ATTEMPT_MS = 100;

const operationsById = new Map<string, OperationRow>(operationRows.map((op) => [op.id, op]));

function placeholders(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "").sort();
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Header values from the portal end up in terminals and reports: keep them short and printable. */
function printable(value: string | null): string | undefined {
  if (value === null) return undefined;
  const clean = [...value]
    .filter((ch) => {
      const code = ch.charCodeAt(0);
      return code >= 0x20 && code !== 0x7f;
    })
    .join("")
    .trim()
    .slice(0, 200);
  return clean === "" ? undefined : clean;
}

/** The call's single deadline, combined with the caller's signals and the command's budget. */
class Deadline {
  readonly controller = new AbortController();
  expired = false;
  interrupted = false;
  /** The command's budget ran out (as opposed to this call's own limit). */
  budgetSpent = false;
  private readonly end: number;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    ms: number,
    signals: Array<AbortSignal | undefined>,
    budget: Budget | undefined,
    private readonly now: Monotonic,
  ) {
    const left = budget ? budget.remaining() : Number.POSITIVE_INFINITY;
    const limit = Math.max(0, Math.min(ms, left));
    this.end = now() + limit;
    this.timer = setTimeout(() => {
      this.expired = true;
      if (limit < ms) this.budgetSpent = true;
      this.controller.abort(new Error("rxportal deadline"));
    }, limit);
    // The pending fetch keeps the process alive while it matters; the timer alone must not.
    this.timer.unref?.();
    if (budget) {
      const onSpent = () => {
        this.expired = true;
        this.budgetSpent = true;
        this.controller.abort(new Error("rxportal deadline"));
      };
      if (budget.signal.aborted) onSpent();
      else {
        budget.signal.addEventListener("abort", onSpent, { once: true });
        this.cleanups.push(() => budget.signal.removeEventListener("abort", onSpent));
      }
    }
    for (const signal of signals) {
      if (!signal) continue;
      const onAbort = () => {
        this.interrupted = true;
        this.controller.abort(signal.reason);
      };
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener("abort", onAbort, { once: true });
        this.cleanups.push(() => signal.removeEventListener("abort", onAbort));
      }
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remaining(): number {
    return this.end - this.now();
  }

  /** The error to throw once a caller's signal aborted the call. */
  interruption(): CliError {
    const reason = this.controller.signal.reason;
    return reason instanceof CliError ? reason : new InterruptedError();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const cleanup of this.cleanups) cleanup();
  }
}

type Attempt<T> =
  | { ok: true; data: T; status: number; replayed: boolean; requestId?: string }
  | { ok: false; error: PortalError };

/**
 * One portal's client. A client from the constructor is anonymous: it refuses authenticated
 * operations (AuthRequiredError, nothing sent). `client.as(session)` is the same client acting for
 * one session; the session is a value the caller holds, never state the client picks up from a
 * login, so two sessions on one client cannot mix.
 */
export class PortalClient {
  /** Set only on the views `as()` makes; the constructor's client has none. */
  private readonly session?: PortalSession;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly timeoutMs: number;
  private readonly paths: Partial<Record<OperationId, string>>;
  private readonly traceLine?: (line: string) => void;
  private readonly clock: Clock;
  private readonly monotonic: Monotonic;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly maxRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly userAgent: string;
  private readonly signal?: AbortSignal;
  private readonly budget?: Budget;
  /** Shared by the client and every view `as()` makes of it: the latest answer is the latest. */
  private readonly seen: { requestId?: string } = {};

  constructor(opts: PortalClientOptions) {
    this.baseUrl = PortalClient.checkBaseUrl(opts.baseUrl);
    this.paths = PortalClient.checkPaths(opts.paths ?? {});
    this.fetchImpl = opts.fetch;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new ConfigError(`The timeout must be a positive number of milliseconds, not ${opts.timeoutMs}.`, {
        keyPath: "timeoutMs",
      });
    }
    this.traceLine = opts.trace;
    this.clock = opts.clock ?? systemClock;
    this.monotonic = opts.monotonic ?? performanceNow;
    this.sleep = opts.sleep ?? defaultSleep;
    this.maxRetries = Math.max(0, opts.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.userAgent = opts.userAgent ?? "rxportal";
    this.signal = opts.signal;
    this.budget = opts.budget;
  }

  /** The X-Request-Id of the latest answer, for reports and "tell support this number". */
  get lastRequestId(): string | undefined {
    return this.seen.requestId;
  }

  /**
   * This client acting for `session`: the same portal, transport, budget and signal, with every
   * authenticated operation carrying this session's bearer. The client itself stays as it was.
   */
  as(session: PortalSession): PortalClient {
    const accessToken = session?.accessToken;
    if (typeof accessToken !== "string" || accessToken === "") {
      throw new Error("rxportal bug: a portal session needs an access token.");
    }
    // A view: everything else (options, the shared latest request id) comes from this client.
    const view = Object.create(this) as PortalClient;
    Object.defineProperty(view, "session", { value: Object.freeze({ accessToken }), enumerable: false });
    return view;
  }

  private static checkBaseUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`The portal's baseUrl "${raw}" is not a valid URL.`, { keyPath: "baseUrl" });
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new ConfigError(`The portal's baseUrl must start with https://, not ${url.protocol}//.`, {
        keyPath: "baseUrl",
      });
    }
    // Plain http would send passwords and health data in clear text; only this machine may be
    // talked to that way (the bundled sandbox, a local test portal).
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
      throw new ConfigError(
        `Refusing to send credentials over plain http:// to ${url.hostname}; use https:// (http:// is allowed only for 127.0.0.1, ::1 and localhost).`,
        { keyPath: "baseUrl" },
      );
    }
    if (url.username || url.password || url.search || url.hash) {
      throw new ConfigError("The portal's baseUrl must not contain credentials, a query or a fragment.", {
        keyPath: "baseUrl",
      });
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  }

  private static checkPaths(
    paths: Partial<Record<OperationId, string>>,
  ): Partial<Record<OperationId, string>> {
    for (const [id, path] of Object.entries(paths)) {
      const op = operationsById.get(id);
      const keyPath = `paths.${id}`;
      if (!op) throw new ConfigError(`"${id}" is not a portal operation.`, { keyPath });
      if (path === undefined) continue;
      if (typeof path !== "string" || !path.startsWith("/")) {
        throw new ConfigError(`The path for ${id} must start with "/".`, { keyPath });
      }
      const wanted = placeholders(op.path);
      const got = placeholders(path);
      if (wanted.join() !== got.join()) {
        const names = wanted.length > 0 ? wanted.map((p) => `{${p}}`).join(", ") : "no placeholders";
        throw new ConfigError(`The path for ${id} must contain ${names}, like ${op.path}.`, { keyPath });
      }
    }
    return paths;
  }

  private trace(line: string): void {
    this.traceLine?.(line);
  }

  private buildUrl(op: OperationRow, init: CallInit): string {
    const template = this.paths[op.id as OperationId] ?? op.path;
    const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = init.params?.[name];
      if (value === undefined) throw new Error(`rxportal bug: ${op.id} needs the path parameter ${name}.`);
      // "." and ".." survive encodeURIComponent and URL parsing would walk up the path with them
      // (even as %2E), so /orders/.. would become a request for another resource.
      if (value === "" || /^(\.|%2e){1,2}$/i.test(value)) {
        throw new UsageError(`"${value}" is not a valid ${name}.`);
      }
      return encodeURIComponent(value);
    });
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) query.append(key, value);
    }
    const qs = query.toString();
    return `${this.baseUrl}${path}${qs === "" ? "" : `${path.includes("?") ? "&" : "?"}${qs}`}`;
  }

  /** Low-level: one contract call with meta, for health probes that need timings. */
  async call<T>(id: OperationId, init: CallInit = {}): Promise<{ data: T; meta: CallMeta }> {
    const op = operationsById.get(id);
    if (!op) throw new Error(`rxportal bug: unknown portal operation ${id}.`);
    const session = op.auth ? this.session : undefined;
    if (op.auth && !session) {
      // Sending the request would only earn a 401; say so without a round trip.
      throw new AuthRequiredError("You are not signed in.", { code: "not_signed_in", hint: LOGIN_HINT });
    }
    const url = this.buildUrl(op, init);
    const headers: Record<string, string> = {
      accept: "application/json, application/problem+json",
      "user-agent": this.userAgent,
    };
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    if (session) headers.authorization = `Bearer ${session.accessToken}`;
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;

    // Only idempotent calls may be sent twice. orderRefills is a POST but the Idempotency-Key makes
    // the portal replay its first answer, which is exactly what an interrupted order needs.
    const retryable =
      op.method !== "POST" || (id === "orderRefills" && headers["idempotency-key"] !== undefined);
    const deadline = new Deadline(this.timeoutMs, [this.signal, init.signal], this.budget, this.monotonic);
    const maxRetries = Math.max(0, init.maxRetries ?? this.maxRetries);
    const started = this.monotonic();
    // Redacted only for --verbose: without a trace nobody reads the line.
    const requestLine = this.traceLine
      ? `→ ${op.method} ${redactUrl(url)}${
          body === undefined ? "" : ` ${JSON.stringify(redactBody(init.body))}`
        }${headers["idempotency-key"] ? ` Idempotency-Key: ${headers["idempotency-key"]}` : ""}`
      : "";

    try {
      for (let attempt = 1; ; attempt++) {
        this.trace(requestLine);
        const outcome = await this.attempt<T>(op, url, headers, body, deadline);
        if (outcome.ok) {
          return {
            data: outcome.data,
            meta: {
              requestId: outcome.requestId,
              status: outcome.status,
              ...(outcome.replayed ? { replayed: true } : {}),
              durationMs: Math.round(this.monotonic() - started),
              attempts: attempt,
            },
          };
        }
        const { error } = outcome;
        if (!retryable || attempt > maxRetries || !isTransient(error)) throw error;
        const wait = retryDelayMs(error, attempt, {
          baseMs: BACKOFF_BASE_MS,
          maxRetryAfterMs: this.maxRetryAfterMs,
        });
        // Waiting past the deadline only to fail anyway helps no one: fail now, with the
        // portal's Retry-After on the error so the member knows when to come back.
        if (wait === undefined || wait + MIN_ATTEMPT_MS > deadline.remaining()) throw error;
        this.trace(`… retrying in ${wait} ms (${error.code})`);
        try {
          await this.sleep(wait, deadline.signal);
        } catch {
          if (deadline.interrupted) throw deadline.interruption();
          throw error;
        }
      }
    } finally {
      deadline.dispose();
    }
  }

  private async attempt<T>(
    op: OperationRow,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    deadline: Deadline,
  ): Promise<Attempt<T>> {
    const t0 = this.monotonic();
    const elapsed = () => `${Math.round(this.monotonic() - t0)} ms`;
    const transportFailure = (
      cause: unknown,
      phase: "request" | "body",
      status?: number,
      requestId?: string,
    ): Attempt<T> => {
      if (deadline.interrupted) throw deadline.interruption();
      const error = errorFromTransport(cause, {
        url: new URL(url),
        timeoutMs: this.timeoutMs,
        deadlineExceeded: deadline.expired,
        ...(deadline.budgetSpent && this.budget?.totalMs !== undefined
          ? { budgetMs: this.budget.totalMs }
          : {}),
        operation: `${op.method} ${new URL(url).pathname}`,
        phase,
        status,
        requestId,
      });
      this.trace(
        `← ${status ?? "failed"} ${error.reason} (${error.code}) ${elapsed()}${requestIdPart(requestId)}`,
      );
      return { ok: false, error };
    };

    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: op.method,
        headers,
        body,
        signal: deadline.signal,
        // Following a redirect could carry a password to another host (or to plain http);
        // an API that redirects is misconfigured, so it is reported instead.
        redirect: "manual",
      });
    } catch (cause) {
      return transportFailure(cause, "request");
    }

    const { status } = response;
    const requestId = printable(response.headers.get("x-request-id"));
    // Every answer replaces it, even one without an id: a stale id would send support to the
    // wrong log line.
    this.seen.requestId = requestId;
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      return transportFailure(cause, "body", status, requestId);
    }
    const contentType = response.headers.get("content-type") ?? undefined;

    if (status >= 200 && status < 300) {
      const replayed = /^\s*true\s*$/i.test(response.headers.get("idempotent-replayed") ?? "");
      const parsed = await parseSuccess(op, status, contentType, text, requestId);
      if (!parsed.ok) {
        this.trace(`← ${status} ${parsed.error.code} ${elapsed()}${requestIdPart(requestId)}`);
        return parsed;
      }
      this.trace(`← ${status} ${elapsed()}${requestIdPart(requestId)}${replayed ? " (replayed)" : ""}`);
      return { ok: true, data: parsed.data as T, status, replayed, requestId };
    }

    const answer = {
      operation: op,
      status,
      contentType,
      body: text,
      requestId,
      retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after"), this.clock),
      url: url.replace(/\?.*$/, ""),
      // The contract's item lookups, and a member's own data (a portal may have no ID card for
      // a member): there a 404 problem is the portal's answer, not a wrong path.
      notFoundPossible: 404 in op.responses || (op.auth && op.method === "GET"),
    };
    const error = status < 200 || status >= 400 ? errorFromAnswer(answer) : unreadableSuccessError(answer);
    const kind = bodyKind(contentType, text);
    const label = kind === "json" ? safeCode(error.code) : kind === "html" ? "text/html" : kind;
    this.trace(`← ${status} ${label} ${elapsed()}${requestIdPart(requestId)}`);
    return { ok: false, error };
  }

  // -------------------------------------------------------------------------------------------
  // One method per operation
  // -------------------------------------------------------------------------------------------

  async getStatus(): Promise<s.PortalStatus> {
    return (await this.call<s.PortalStatus>("getStatus")).data;
  }

  async getAuthPolicy(): Promise<s.AuthPolicy> {
    return (await this.call<s.AuthPolicy>("getAuthPolicy")).data;
  }

  /** Signs in. On `result: "ok"` the answer is the session: `client.as(answer)` acts for it. */
  async login(body: z.input<typeof s.LoginRequestSchema>): Promise<s.LoginResponse> {
    return (await this.call<s.LoginResponse>("login", { body })).data;
  }

  /** The second step; the answer is the session, as for login. */
  async verifyMfa(body: z.input<typeof s.MfaVerifyRequestSchema>): Promise<s.LoginOk> {
    return (await this.call<s.LoginOk>("verifyMfa", { body })).data;
  }

  async resendMfa(body: z.input<typeof s.MfaResendRequestSchema>): Promise<MfaResend> {
    return (await this.call<MfaResend>("resendMfa", { body })).data;
  }

  /** A new session for a refresh token; the answer is the session, as for login. */
  async refreshToken(body: z.input<typeof s.RefreshRequestSchema>): Promise<s.RefreshResponse> {
    return (await this.call<s.RefreshResponse>("refreshToken", { body })).data;
  }

  /**
   * Ends this view's session (nothing to do on an anonymous client). A session the portal already
   * forgot counts as signed out, not as a failure.
   */
  async logout(): Promise<void> {
    if (!this.session) return;
    try {
      await this.call("logout");
    } catch (error) {
      if (!(error instanceof AuthRequiredError)) throw error;
    }
  }

  async recoverUsername(body: z.input<typeof s.UsernameRecoverRequestSchema>): Promise<{ message: string }> {
    return (await this.call<{ message: string }>("recoverUsername", { body })).data;
  }

  async requestPasswordReset(
    body: z.input<typeof s.PasswordResetRequestSchema>,
  ): Promise<PasswordResetAccepted> {
    return (await this.call<PasswordResetAccepted>("requestPasswordReset", { body })).data;
  }

  async confirmPasswordReset(body: z.input<typeof s.PasswordResetConfirmRequestSchema>): Promise<void> {
    await this.call("confirmPasswordReset", { body });
  }

  /** Contract 1.1: the portal checks the details and emails a code that confirms the account. */
  async register(body: RegisterRequest): Promise<RegisterStarted> {
    return (await this.call<RegisterStarted>("register", { body })).data;
  }

  async verifyRegistration(body: { challengeId: string; code: string }): Promise<Registered> {
    return (await this.call<Registered>("verifyRegistration", { body })).data;
  }

  async getMe(): Promise<s.Me> {
    return (await this.call<s.Me>("getMe")).data;
  }

  async getIdCard(memberId?: string): Promise<s.IdCard> {
    return (await this.call<s.IdCard>("getIdCard", { query: { memberId } })).data;
  }

  async listPrescriptions(memberId?: string): Promise<PrescriptionList> {
    return (await this.call<PrescriptionList>("listPrescriptions", { query: { memberId } })).data;
  }

  async setAutoRefill(rxId: string, enabled: boolean): Promise<AutoRefillResult> {
    return (await this.call<AutoRefillResult>("setAutoRefill", { params: { rxId }, body: { enabled } })).data;
  }

  /**
   * Orders refills at most once: a retry (here or by `refill pending` later) with the same key gets
   * the first order back with `replayed: true`. The caller journals the key before calling.
   */
  async orderRefills(
    body: s.RefillRequest,
    idempotencyKey: string,
    opts: { maxRetries?: number } = {},
  ): Promise<{ order: s.RefillCreated; replayed: boolean; requestId?: string }> {
    if (idempotencyKey.trim() === "") throw new Error("rxportal bug: orderRefills needs an Idempotency-Key.");
    const { data, meta } = await this.call<s.RefillCreated>("orderRefills", {
      body,
      headers: { "Idempotency-Key": idempotencyKey },
      ...(opts.maxRetries === undefined ? {} : { maxRetries: opts.maxRetries }),
    });
    return { order: data, replayed: meta.replayed === true, requestId: meta.requestId };
  }

  async listOrders(memberId?: string): Promise<OrderList> {
    return (await this.call<OrderList>("listOrders", { query: { memberId } })).data;
  }

  async getOrder(orderId: string): Promise<s.Order> {
    return (await this.call<s.Order>("getOrder", { params: { orderId } })).data;
  }
}

function requestIdPart(requestId: string | undefined): string {
  return requestId ? ` X-Request-Id: ${requestId}` : "";
}

/** Problem codes come from the portal: print them only when they look like codes. */
function safeCode(code: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : "problem";
}

function successSchema(op: OperationRow, status: number): ResponseRow | undefined {
  const exact = op.responses[status];
  if (exact) return exact;
  // A portal answering 200 where the contract says 201 still sent the same body; parse it with
  // the operation's success schema rather than refuse a working order.
  const first = Object.entries(op.responses).find(([code]) => Number(code) >= 200 && Number(code) < 300);
  return first?.[1];
}

/**
 * A success answer read: by its quick reader when it has one and the answer is in order, else with
 * the contract's schema, built on first use (it also words what is wrong with an answer).
 */
async function parseSuccess(
  op: OperationRow,
  status: number,
  contentType: string | undefined,
  text: string,
  requestId: string | undefined,
): Promise<{ ok: true; data: unknown } | { ok: false; error: PortalError }> {
  const spec = successSchema(op, status);
  if (!spec?.schema) return { ok: true, data: undefined };
  const answer = { operation: op, status, contentType, body: text, requestId };
  if (bodyKind(contentType, text) !== "json") return { ok: false, error: unreadableSuccessError(answer) };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: unreadableSuccessError(answer) };
  }
  const quick = quickRead(op.id, json);
  if (quick) return { ok: true, data: quick.data };
  const { schemaNamed } = await import("./contract.js");
  const result = schemaNamed(spec.schema).safeParse(json);
  if (!result.success)
    return { ok: false, error: schemaMismatchError(op.id, result.error, { status, requestId }) };
  return { ok: true, data: result.data };
}
