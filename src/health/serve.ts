// `rxportal health serve`: a Prometheus exporter, two ways. /probe?target=<profile> probes one
// profile per scrape, as blackbox_exporter does, so Prometheus decides targets and intervals
// (relabel_configs); /metrics probes the profiles the exporter was started with, and adds the
// exporter's own metrics. Every scrape of /metrics runs the probe, but a
// real sign-in happens at most once per --min-login-interval per profile; scrapes in between
// report the last sign-in's result (rxportal_login_age_seconds says how old it is). So however
// often Prometheus scrapes, the portal sees few logins, and a wrong password cannot lock the
// account: one failure per interval, and the lockout guard stops the attempt that could lock it.
// Overlapping scrapes of one target share one probe run, and at most --concurrency probes run
// at once, whichever endpoint asked for them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CliError } from "../errors.js";
import { ExporterMetrics } from "./exporter-metrics.js";
import { formatProbe, PROBE_MODULES, type ProbeModule, probeSucceeded } from "./format-probe.js";
import { formatPrometheus } from "./format-prometheus.js";
import { createLimiter } from "./limit.js";
import { type HealthResult, type LoginOutcome, type LoginStep, probeProfile } from "./probe.js";
import type { HealthReport } from "./report.js";
import { type HealthDeps, type HealthTarget, type PreparedHealth, runHealth } from "./run.js";
import { TargetCatalog, UnknownTargetError } from "./targets.js";

export const DEFAULT_MIN_LOGIN_INTERVAL_S = 300;
export const DEFAULT_SERVE_PORT = 9687;
/** Taken off Prometheus's scrape timeout so the answer arrives before it (blackbox's default). */
export const SCRAPE_TIMEOUT_OFFSET_S = 0.5;

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
  /** At most this many probes at once, /probe and /metrics together. */
  concurrency: number;
  /** For /probe's module login: health serve's --username and --password-file. */
  username?: string;
  passwordFile?: string;
  version: string;
}

export interface RunningExporter {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rxportal health exporter</title></head>
<body><h1>rxportal health exporter</h1>
<p><a href="/metrics">Metrics</a> (the exporter's own, and the profiles it was started with)</p>
<p>Probe one profile: <code>/probe?target=&lt;profile&gt;</code>, with the sign-in:
<code>/probe?target=&lt;profile&gt;&amp;module=login</code></p></body></html>
`;

const TEXT = "text/plain; charset=utf-8";
const EXPOSITION = "text/plain; version=0.0.4; charset=utf-8";

/** /probe's module: `module=status|login`, or `login=1` for the sign-in probe. */
function moduleOf(params: URLSearchParams): ProbeModule | { unknown: string } {
  const named = params.get("module");
  if (named !== null) {
    return (PROBE_MODULES as readonly string[]).includes(named) ? (named as ProbeModule) : { unknown: named };
  }
  const login = params.get("login");
  return login === "1" || login === "true" ? "login" : "status";
}

/** The scrape's own timeout, less the offset, bounds the probe (as blackbox_exporter does). */
export function scrapeBudgetMs(header: string | string[] | undefined): number | undefined {
  const value = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(value) || value <= 0) return undefined;
  const budget = (value - SCRAPE_TIMEOUT_OFFSET_S) * 1000;
  return budget > 0 ? budget : undefined;
}

export async function startExporter(
  deps: HealthDeps,
  prepared: PreparedHealth,
  opts: ServeOptions,
): Promise<RunningExporter> {
  const limiter = createLimiter(opts.concurrency);
  const metrics = new ExporterMetrics({ version: opts.version, startedAt: deps.clock.now() }, () => limiter);
  const catalog = new TargetCatalog(deps, prepared, opts);
  // One throttle per profile: /metrics and /probe?module=login share the profile's sign-ins.
  const throttles = new Map<string, LoginStep>();
  const throttled = (target: HealthTarget): LoginStep | undefined => {
    const step = target.login;
    if (!step) return undefined;
    let found = throttles.get(target.profile.name);
    if (!found) {
      const counted: LoginStep = async (client) => {
        const outcome = await step(client);
        metrics.loginSent(outcome.login.ok);
        return outcome;
      };
      found = throttleLogin(counted, opts.minLoginIntervalMs, () => deps.clock.now());
      throttles.set(target.profile.name, found);
    }
    return found;
  };
  const record = (result: HealthResult, module: ProbeModule) =>
    metrics.probeRan(module, probeSucceeded(result), result.durationMs / 1000);

  let inFlight: Promise<HealthReport> | undefined;
  const probeAll = () => {
    inFlight ??= runHealth(deps, prepared, throttled, limiter)
      .then((report) => {
        report.results.forEach((r, i) => {
          record(r, prepared.targets[i]?.login ? "login" : "status");
        });
        return report;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const probing = new Map<string, Promise<HealthResult>>();
  const probeOne = (target: HealthTarget, module: ProbeModule, budgetMs: number | undefined) => {
    const key = `${module}\0${target.profile.name}`;
    const running = probing.get(key);
    if (running) {
      metrics.probeShared();
      return running;
    }
    const asked = deps.clock.now();
    const run = limiter
      .run(() => {
        // Time spent waiting for a slot comes out of the scrape's budget.
        const left = budgetMs === undefined ? undefined : Math.max(1, budgetMs - (deps.clock.now() - asked));
        return probeProfile({
          profile: target.profile,
          fetch: prepared.fetch,
          timeoutMs: Math.round(left === undefined ? target.timeoutMs : Math.min(target.timeoutMs, left)),
          thresholds: prepared.thresholds,
          signal: deps.signal,
          now: () => deps.clock.now(),
          login: throttled(target),
          trace: deps.trace,
        });
      })
      .then((result) => {
        record(result, module);
        return result;
      })
      .finally(() => probing.delete(key));
    probing.set(key, run);
    return run;
  };

  const failed = (res: ServerResponse, error: unknown) => {
    // Interrupted (shutting down) or a bug: no metrics are better than wrong ones.
    deps.trace?.(`scrape failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) res.writeHead(503, { "content-type": TEXT });
    res.end("The probe could not run; see the exporter's log.\n");
  };

  const probeRequest = async (req: IncomingMessage, res: ServerResponse, params: URLSearchParams) => {
    const refuse = (reason: Parameters<ExporterMetrics["probeError"]>[0], line: string) => {
      metrics.probeError(reason);
      res.writeHead(400, { "content-type": TEXT }).end(`${line}\n`);
    };
    const name = params.get("target");
    if (!name) return refuse("missing_target", "Target parameter is missing");
    const module = moduleOf(params);
    if (typeof module !== "string")
      return refuse("unknown_module", `Unknown module ${JSON.stringify(module.unknown)}`);
    let target: HealthTarget;
    try {
      target = await catalog.target(name, module);
    } catch (error) {
      if (error instanceof UnknownTargetError) return refuse("unknown_target", error.message);
      // No password for the sign-in, a web-only profile: the operator's setup, said in one line.
      if (error instanceof CliError) return refuse("setup", error.message.replace(/\s*\n\s*/g, " "));
      metrics.probeError("internal");
      return failed(res, error);
    }
    const result = await probeOne(
      target,
      module,
      scrapeBudgetMs(req.headers["x-prometheus-scrape-timeout-seconds"]),
    );
    res
      .writeHead(200, { "content-type": EXPOSITION })
      .end(req.method === "HEAD" ? undefined : formatProbe(result, module));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://exporter");
    const path = url.pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": TEXT }).end("GET only\n");
      return;
    }
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(LANDING);
      return;
    }
    if (path === "/-/healthy") {
      res.writeHead(200, { "content-type": TEXT }).end("Healthy\n");
      return;
    }
    if (path === "/probe") {
      probeRequest(req, res, url.searchParams).catch((error: unknown) => {
        metrics.probeError("internal");
        failed(res, error);
      });
      return;
    }
    if (path !== "/metrics") {
      res
        .writeHead(404, { "content-type": TEXT })
        .end("Not found; try /metrics or /probe?target=<profile>\n");
      return;
    }
    probeAll().then(
      (report) => {
        res
          .writeHead(200, { "content-type": EXPOSITION })
          .end(req.method === "HEAD" ? undefined : formatPrometheus(report) + metrics.render());
      },
      (error: unknown) => failed(res, error),
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
