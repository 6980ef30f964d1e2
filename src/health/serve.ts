// `rxportal health serve`: a Prometheus exporter. Every scrape of /metrics runs the probe, but a
// real sign-in happens at most once per --min-login-interval per profile; scrapes in between
// report the last sign-in's result (rxportal_login_age_seconds says how old it is). So however
// often Prometheus scrapes, the portal sees few logins, and a wrong password cannot lock the
// account: one failure per interval, and the lockout guard stops the attempt that could lock it.
// Overlapping scrapes share one probe run.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { formatPrometheus } from "./format-prometheus.js";
import type { LoginOutcome, LoginStep } from "./probe.js";
import type { HealthReport } from "./report.js";
import { type PreparedHealth, type ProbeDeps, runHealth } from "./run.js";

export const DEFAULT_MIN_LOGIN_INTERVAL_S = 300;
export const DEFAULT_SERVE_PORT = 9687;

/** At most one real sign-in per `minIntervalMs`; in between, the last outcome marked as reused. */
export function throttleLogin(step: LoginStep, minIntervalMs: number, now: () => number): LoginStep {
  let last: { outcome: LoginOutcome; at: number } | undefined;
  let pending: Promise<LoginOutcome> | undefined;
  const reused = (outcome: LoginOutcome): LoginOutcome => ({
    phases: outcome.phases.map((p) => ({ ...p, reused: true })),
    login: { ...outcome.login, reused: true },
  });
  return async (client) => {
    if (pending) return reused(await pending);
    if (last && now() - last.at < minIntervalMs) return reused(last.outcome);
    const at = now();
    pending = step(client);
    try {
      const outcome = await pending;
      last = { outcome, at };
      return outcome;
    } finally {
      pending = undefined;
    }
  };
}

export interface ServeOptions {
  host: string;
  port: number;
  minLoginIntervalMs: number;
}

export interface RunningExporter {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rxportal health exporter</title></head>
<body><h1>rxportal health exporter</h1><p><a href="/metrics">Metrics</a></p></body></html>
`;

export async function startExporter(
  deps: ProbeDeps,
  prepared: PreparedHealth,
  opts: ServeOptions,
): Promise<RunningExporter> {
  const throttled = new Map(
    prepared.targets.map((t) => [
      t,
      t.login ? throttleLogin(t.login, opts.minLoginIntervalMs, () => deps.clock.now()) : undefined,
    ]),
  );
  let inFlight: Promise<HealthReport> | undefined;
  const probe = () => {
    inFlight ??= runHealth(deps, prepared, (t) => throttled.get(t)).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://exporter").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res
        .writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" })
        .end("GET only\n");
      return;
    }
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(LANDING);
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found; try /metrics\n");
      return;
    }
    probe().then(
      (report) => {
        res
          .writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" })
          .end(req.method === "HEAD" ? undefined : formatPrometheus(report));
      },
      (error: unknown) => {
        // Interrupted (shutting down) or a bug: no metrics are better than wrong ones.
        deps.trace?.(`scrape failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
        res.end("The probe could not run; see the exporter's log.\n");
      },
    );
  });
  const { checkHost, listenError } = await import("../net/listen-error.js");
  const listenHost = checkHost(opts.host);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, listenHost, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw listenError(error, listenHost, opts.port) ?? error;
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
