// The sandbox portal: a real HTTP server speaking the portal contract (shared/portal-api.md) under
// /api/v1, with seeded members, injected faults and a loopback-only control surface. The CLI runs
// it for `rxportal sandbox` and `--sandbox`; the conformance tests run it on port 0.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { OffsetClock } from "../clock.js";
import { authRoutes } from "./auth-routes.js";
import { handleControl, isControlPath } from "./control.js";
import { DEFAULT_MAINTENANCE_RETRY_AFTER, FaultList, type FaultSpec } from "./faults.js";
import { JSON_TYPE, problem, sendReply } from "./http.js";
import { memberRoutes } from "./member-routes.js";
import { RateLimiter, resolveLimits, type SandboxLimits } from "./rate-limit.js";
import { registerRoutes } from "./register-routes.js";
import { API_PREFIX, type BearerVerifier, Router } from "./router.js";
import type { Seed } from "./seed.js";
import { serviceRoutes } from "./service-routes.js";
import { type OutboxMessage, SandboxState } from "./state.js";

export type { FaultSpec } from "./faults.js";
export type { SandboxLimits } from "./rate-limit.js";
export type { OutboxMessage } from "./state.js";

export interface SandboxOptions {
  host?: string;
  port?: number;
  clock?: OffsetClock;
  faults?: FaultSpec[];
  limits?: Partial<SandboxLimits>;
  /** Default: the bundled seed (`sandbox --seed <file>` adds to it: seed-file.ts). */
  seed?: Seed;
  /** `sandbox --oidc`: also accept these access tokens (an OpenID Provider's, src/sandbox/oidc.ts). */
  verifyBearer?: BearerVerifier;
}

export interface RunningSandbox {
  /** Seeded members by username (for an OpenID Provider beside this sandbox). */
  member(username: string): { username: string; name: string; email: string } | undefined;
  /** "http://127.0.0.1:PORT" */
  origin: string;
  /** origin + "/api/v1": every contract path lives under it. */
  baseUrl: string;
  port: number;
  /** Stops listening and ends every connection, hung and keep-alive ones included. */
  close(): Promise<void>;
  addFault(f: FaultSpec): void;
  clearFaults(): void;
  /** The one-time codes and usernames "sent" so far. */
  outbox(): OutboxMessage[];
  /** Seed state, no faults, empty outbox, rate limits and clock offset cleared. */
  reset(): void;
  advanceClock(ms: number): void;
}

/** Retry-After for injected 429/503 answers. */
const FAULT_RETRY_AFTER_SECONDS = 30;

const FAULT_CODES: Record<number, Parameters<typeof problem>[1]> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  429: "rate_limited",
  // A portal that registers members only on its website (contract 1.1).
  501: "not_implemented",
  503: "maintenance",
};

const MAINTENANCE_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Scheduled maintenance</title></head>
<body>
<h1>We'll be back soon</h1>
<p>The member portal is down for scheduled maintenance. Please try again later.</p>
</body>
</html>
`;

export const routes = [...serviceRoutes, ...authRoutes, ...registerRoutes, ...memberRoutes];

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = opts.host ?? "127.0.0.1";
  const clock = opts.clock ?? new OffsetClock();
  const limits = resolveLimits(opts.limits);
  const state = new SandboxState(clock, opts.seed);
  const faults = new FaultList();
  for (const f of opts.faults ?? []) faults.add(f);
  const limiter = new RateLimiter(clock);
  const router = new Router(routes);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const reset = () => {
    clock.reset();
    faults.clear();
    limiter.clear();
    state.reseed();
  };

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      // A pending latency fault must not keep a CLI process alive after the sandbox closed.
      timer.unref();
      timers.add(timer);
    });

  function applyFault(fault: FaultSpec, req: IncomingMessage, res: ServerResponse): void {
    switch (fault.kind) {
      case "status": {
        const status = fault.value ?? 500;
        const code = FAULT_CODES[status] ?? (status >= 500 ? "internal_error" : "bad_request");
        const headers: Record<string, string> =
          status === 429 || status === 503 ? { "Retry-After": String(FAULT_RETRY_AFTER_SECONDS) } : {};
        sendReply(res, problem(status, code, `Injected fault: status ${status}.`, {}, headers));
        return;
      }
      case "maintenance":
        // What a proxy in front of a portal serves: HTML, not a problem document.
        sendReply(res, {
          status: 503,
          body: MAINTENANCE_PAGE,
          headers: {
            "Content-Type": "text/html; charset=utf-8",
            "Retry-After": String(fault.value ?? DEFAULT_MAINTENANCE_RETRY_AFTER),
          },
        });
        return;
      case "malformed":
        sendReply(res, { status: 200, body: '{"status": "operational", "components": [<html>', headers: {} });
        return;
      case "truncated": {
        const full = Buffer.from(JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ n: i })) }));
        res.writeHead(200, { "Content-Type": JSON_TYPE, "Content-Length": String(full.length) });
        // Half the promised bytes, then the connection ends: a proxy or server dying mid-answer.
        res.write(full.subarray(0, Math.floor(full.length / 2)), () => req.socket.destroy());
        return;
      }
      case "reset":
        req.socket.resetAndDestroy();
        return;
      case "hang":
        // Accept and never answer; close() destroys the socket.
        return;
      case "latency":
        return;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("X-Request-Id", randomUUID());
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    if (isControlPath(url.pathname)) {
      sendReply(res, await handleControl(req, url, { state, faults, clock, reset }));
      return;
    }
    const decision = faults.take(url.pathname);
    if (decision.latencyMs > 0) await delay(decision.latencyMs);
    if (closing) return;
    if (decision.fault) {
      applyFault(decision.fault, req, res);
      return;
    }
    sendReply(
      res,
      await router.dispatch(req, url, { state, limits, limiter, verifyBearer: opts.verifyBearer }),
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const detail = err instanceof Error ? err.message : String(err);
      sendReply(res, problem(500, "internal_error", `The sandbox failed: ${detail}`));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // Listening on every interface still gets a loopback origin: 0.0.0.0 is not a place to connect to
  // everywhere, and the control surface answers only on loopback anyway.
  const connectHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const origin = `http://${connectHost.includes(":") ? `[${connectHost}]` : connectHost}:${port}`;

  return {
    origin,
    baseUrl: origin + API_PREFIX,
    port,
    member(username) {
      const account = state.accounts.get(username.toLowerCase());
      return account && { username: account.username, name: account.name, email: account.email };
    },
    close() {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      return closed;
    },
    addFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    outbox: () => state.outbox.map((m) => ({ ...m })),
    reset,
    advanceClock: (ms) => clock.advance(ms),
  };
}
