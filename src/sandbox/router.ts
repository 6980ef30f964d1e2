// Routing for the portal under /api/v1: path matching, 404/405, the maintenance gate, bearer
// authentication, required headers and request-body validation, in the order a real API gateway
// applies them. Handlers only see requests that passed all of that.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type * as z from "zod/mini";
import type { ComponentName } from "../portal/schemas.js";
import { BodyTooLargeError, problem, type Reply, readBody } from "./http.js";
import type { RateLimiter, SandboxLimits } from "./rate-limit.js";
import type { Account, SandboxState, Session } from "./state.js";

export const API_PREFIX = "/api/v1";

export interface RouteContext<B = unknown> {
  state: SandboxState;
  limits: SandboxLimits;
  limiter: RateLimiter;
  now: number;
  /** The peer address, for per-IP limits. */
  ip: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The request body after schema validation. */
  body: B;
  /** The request body as parsed JSON, before validation stripped anything (idempotency compares it). */
  rawBody: unknown;
  session?: Session;
  account?: Account;
}

export interface Route<B = unknown> {
  method: "GET" | "POST" | "PUT";
  /** Contract-style path relative to /api/v1, e.g. `/orders/{orderId}`. */
  path: string;
  request?: z.ZodMiniType<B>;
  /** "required": 401 without a valid access token. "optional": resolve it if present (logout). */
  auth?: "required" | "optional";
  /** The status component this route belongs to, for the per-component maintenance gate. */
  component?: ComponentName;
  /** /status and /auth/policy stay up during maintenance, as a status page would. */
  alwaysUp?: boolean;
  /** Runs after authentication and before the body is read (required headers). */
  precheck?: (ctx: RouteContext<undefined>) => Reply | undefined;
  handle(ctx: RouteContext<B>): Reply;
}

/** Keeps each route's body type while letting routes of different bodies share one table. */
export function defineRoute<B = undefined>(route: Route<B>): Route {
  return route as unknown as Route;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** `sandbox --oidc`: an OpenID Provider's access token, checked; the member is its username. */
export type BearerVerifier = (token: string) => Promise<{ username: string; expiresAt: number } | undefined>;

export interface RouterDeps {
  /** Accepts a provider's access tokens beside the sandbox's own (src/sandbox/oidc.ts). */
  verifyBearer?: BearerVerifier;
  state: SandboxState;
  limits: SandboxLimits;
  limiter: RateLimiter;
}

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split("/")
        .map((part) => {
          const m = /^\{(\w+)\}$/.exec(part);
          if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(m[1] ?? "");
          return "([^/]+)";
        })
        .join("/");
      return { route, pattern: new RegExp(`^${source}$`), names };
    });
  }

  async dispatch(req: IncomingMessage, url: URL, deps: RouterDeps): Promise<Reply> {
    const { state } = deps;
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) return notFound(url.pathname);
    const relative = url.pathname.slice(API_PREFIX.length);
    const matches: { compiled: CompiledRoute; match: RegExpExecArray }[] = [];
    for (const compiled of this.compiled) {
      const match = compiled.pattern.exec(relative);
      if (match) matches.push({ compiled, match });
    }
    if (matches.length === 0) return notFound(url.pathname);
    const chosen = matches.find((m) => m.compiled.route.method === req.method);
    if (!chosen) {
      const allow = [...new Set(matches.map((m) => m.compiled.route.method))].join(", ");
      return problem(
        405,
        "method_not_allowed",
        `${req.method} is not allowed here; use ${allow}.`,
        {},
        { Allow: allow },
      );
    }
    const { route, names } = chosen.compiled;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = safeDecode(chosen.match[i + 1] ?? "");
    });

    if (!route.alwaysUp) {
      const down = state.unavailable(route.component);
      if (down) {
        return problem(
          503,
          "maintenance",
          down.detail,
          {},
          { "Retry-After": String(down.retryAfterSeconds) },
        );
      }
    }

    const ctx: RouteContext<unknown> = {
      ...deps,
      now: state.clock.now(),
      ip: req.socket.remoteAddress ?? "unknown",
      params,
      query: url.searchParams,
      headers: req.headers,
      body: undefined,
      rawBody: undefined,
    };

    if (route.auth) {
      const external = deps.verifyBearer ? await externalSession(deps, req.headers.authorization) : undefined;
      const refused = authenticate(ctx, req.headers.authorization, route.auth === "required", external);
      if (refused) return refused;
    }
    if (route.precheck) {
      const refused = route.precheck(ctx as RouteContext<undefined>);
      if (refused) return refused;
    }

    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError)
        return problem(413, "payload_too_large", "The request body is too large.");
      throw err;
    }
    if (route.request) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return problem(400, "bad_request", "The request body is not valid JSON.");
      }
      const parsed = route.request.safeParse(raw);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
        const first = errors[0];
        const detail = first ? `${first.path || "body"}: ${first.message}` : "The request body is invalid.";
        return problem(400, "bad_request", detail, { errors });
      }
      ctx.rawBody = raw;
      ctx.body = parsed.data;
    }
    return route.handle(ctx);
  }
}

function notFound(pathname: string): Reply {
  return problem(404, "not_found", `There is nothing at ${pathname}.`);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const BEARER_CHALLENGE = 'Bearer realm="portal"';

/**
 * A provider's access token (a JWT: the sandbox's own tokens never have dots) as a session of
 * this call only: the provider, not the sandbox, keeps the sign-in.
 */
async function externalSession(deps: RouterDeps, header: string | undefined): Promise<Session | undefined> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (!token || !deps.verifyBearer || token.split(".").length !== 3) return undefined;
  const verified = await deps.verifyBearer(token);
  const account = verified ? deps.state.accounts.get(verified.username.toLowerCase()) : undefined;
  if (!verified || !account) return undefined;
  return {
    id: `oidc:${account.username}`,
    usernameKey: account.username.toLowerCase(),
    memberId: account.memberId,
    accessHash: "",
    accessExpiresAt: verified.expiresAt,
    refreshHash: "",
    refreshExpiresAt: verified.expiresAt,
  };
}

/** Resolves the bearer token into ctx.session/account; returns a 401 when it must refuse. */
function authenticate(
  ctx: RouteContext<unknown>,
  header: string | undefined,
  required: boolean,
  external?: Session,
): Reply | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  const session = external ?? (token ? ctx.state.sessionByAccess(token) : undefined);
  const account = session ? ctx.state.accounts.get(session.usernameKey) : undefined;
  if (session && account) {
    ctx.session = session;
    ctx.account = account;
  }
  if (!required) return undefined;
  if (!token) {
    return problem(
      401,
      "unauthorized",
      "Sign in first: this call needs a bearer token.",
      {},
      {
        "WWW-Authenticate": BEARER_CHALLENGE,
      },
    );
  }
  if (!session || !account) {
    return problem(
      401,
      "unauthorized",
      "The access token is not valid. Sign in again.",
      {},
      {
        "WWW-Authenticate": `${BEARER_CHALLENGE}, error="invalid_token"`,
      },
    );
  }
  if (ctx.now >= session.accessExpiresAt) {
    return problem(
      401,
      "token_expired",
      "The access token expired. Refresh it or sign in again.",
      {},
      {
        "WWW-Authenticate": `${BEARER_CHALLENGE}, error="invalid_token", error_description="expired"`,
      },
    );
  }
  return undefined;
}
