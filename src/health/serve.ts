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
// Exporter conventions: TLS and basic auth from the exporter-toolkit's web config file
// (./web-config.ts, ./basic-auth.ts), one log line per event (./log.ts), and a graceful stop
// (shutdown(): no new connections, answers in progress finish within a bound, then every socket
// closes).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { CliError } from "../errors.js";
import type { Verify } from "./basic-auth.js";
import { ExporterMetrics } from "./exporter-metrics.js";
import { formatProbe, PROBE_MODULES, type ProbeModule, probeSucceeded } from "./format-probe.js";
import { formatPrometheus } from "./format-prometheus.js";
import { createLimiter } from "./limit.js";
import type { EventLog } from "./log.js";
import { type HealthResult, type LoginOutcome, type LoginStep, probeProfile } from "./probe.js";
import type { HealthReport } from "./report.js";
import { type HealthDeps, type HealthTarget, type PreparedHealth, runHealth } from "./run.js";
import { TargetCatalog, UnknownTargetError } from "./targets.js";
import type { WebConfig } from "./web-config.js";

export const DEFAULT_MIN_LOGIN_INTERVAL_S = 300;
export const DEFAULT_SERVE_PORT = 9687;
/** Taken off Prometheus's scrape timeout so the answer arrives before it (blackbox's default). */
export const SCRAPE_TIMEOUT_OFFSET_S = 0.5;
/** How long a graceful stop waits for answers in progress before it cuts their probes short. */
export const DEFAULT_SHUTDOWN_GRACE_S = 10;
/** After the grace, how long the cut-short answers (503) get to reach their clients. */
const ABORT_FLUSH_MS = 1000;

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
  /** For /probe's module login: health serve's --username and --password-file (portal profiles),
   * --refresh-token-file and --client-secret-file (OIDC profiles). */
  username?: string;
  passwordFile?: string;
  refreshTokenFile?: string;
  clientSecretFile?: string;
  version: string;
  /** One line per event (default: none). */
  log?: EventLog;
  /** A graceful stop waits this long for answers in progress (default DEFAULT_SHUTDOWN_GRACE_S). */
  shutdownGraceMs?: number;
  /** --web-config-file, loaded: TLS, basic auth, headers. */
  web?: WebConfig;
  /** With users in `web`: checks an Authorization header (./basic-auth.ts). */
  verify?: Verify;
}

export interface ShutdownOutcome {
  /** Every answer in progress finished within the grace. */
  drained: boolean;
  /** Answers whose probes were cut short at the end of the grace (they got a 503). */
  aborted: number;
}

export interface RunningExporter {
  server: Server;
  url: string;
  /**
   * The graceful stop: no new connections; a request arriving on an open connection gets 503;
   * answers in progress finish (up to the grace, then their probes stop and they get 503); then
   * every connection closes, keep-alive ones included.
   */
  shutdown(): Promise<ShutdownOutcome>;
  /** At once: every connection closed, probes in progress stopped. */
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
  const log: EventLog = opts.log ?? (() => {});
  // Probes stop on this, not on the run's Ctrl-C signal: a graceful stop lets them finish first.
  const stopProbes = new AbortController();
  const probeDeps = { signal: stopProbes.signal, clock: deps.clock, trace: deps.trace };
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
  // The last success per target and module, to log a target going down or coming back.
  const lastUp = new Map<string, boolean>();
  const record = (result: HealthResult, module: ProbeModule) => {
    const success = probeSucceeded(result);
    const seconds = result.durationMs / 1000;
    metrics.probeRan(module, success, seconds);
    const fields = { target: result.profile, module, success, duration_seconds: Number(seconds.toFixed(3)) };
    log("debug", "probe", { ...fields, state: result.state });
    const key = `${module}\0${result.profile}`;
    const was = lastUp.get(key);
    lastUp.set(key, success);
    if (!success && was !== false) log("warn", "target down", { ...fields, reason: result.summary });
    else if (success && was === false) log("info", "target up", fields);
  };

  let inFlight: Promise<HealthReport> | undefined;
  const probeAll = () => {
    inFlight ??= runHealth(probeDeps, prepared, throttled, limiter)
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
          signal: stopProbes.signal,
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

  const failed = (res: ServerResponse, error: unknown, path: string) => {
    // Interrupted (shutting down) or a bug: no metrics are better than wrong ones.
    const err = error instanceof Error ? error.message : String(error);
    deps.trace?.(`scrape failed: ${err}`);
    if (stopProbes.signal.aborted) log("warn", "scrape cut short by the shutdown", { path });
    else log("error", "scrape failed", { path, err });
    if (!res.headersSent) res.writeHead(503, { "content-type": TEXT });
    res.end("The probe could not run; see the exporter's log.\n");
  };

  const probeRequest = async (req: IncomingMessage, res: ServerResponse, params: URLSearchParams) => {
    const refuse = (reason: Parameters<ExporterMetrics["probeError"]>[0], line: string) => {
      metrics.probeError(reason);
      log("warn", "probe refused", { target: clip(name ?? ""), reason, err: line });
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
      return failed(res, error, "/probe");
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

  // Answers in progress (for the graceful stop) and the state of the stop.
  const open = new Set<ServerResponse>();
  let draining = false;
  let drained: (() => void) | undefined;
  const headers = () => opts.web?.headers ?? {};

  const route = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname;
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
        failed(res, error, path);
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
      (error: unknown) => failed(res, error, path),
    );
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.once("close", () => {
      open.delete(res);
      if (draining && open.size === 0) drained?.();
    });
    for (const [name, value] of Object.entries(headers())) res.setHeader(name, value);
    if (draining) {
      // Arrived on a connection kept open while the exporter stops: no new work.
      res.shouldKeepAlive = false;
      res.writeHead(503, { "content-type": TEXT }).end("The exporter is shutting down.\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://exporter");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": TEXT }).end("GET only\n");
      return;
    }
    if (!opts.verify) return route(req, res, url);
    // Every path asks for the password, /-/healthy included, as the exporter-toolkit does.
    opts.verify(req.headers.authorization).then(
      ({ ok }) => {
        if (ok) return route(req, res, url);
        log("debug", "unauthorized", { path: url.pathname, remote: req.socket.remoteAddress });
        res
          .writeHead(401, {
            "content-type": TEXT,
            "www-authenticate": 'Basic realm="rxportal health exporter", charset="UTF-8"',
          })
          .end("Unauthorized\n");
      },
      (error: unknown) => failed(res, error, url.pathname),
    );
  };

  const tls = opts.web?.tls;
  let server: Server;
  if (tls) {
    const { createServer: createHttpsServer } = await import("node:https");
    const { readTlsFiles, checkClientCert } = await import("./web-tls.js");
    let files = readTlsFiles(tls);
    const https = createHttpsServer(
      {
        ...files.context,
        requestCert: tls.clientAuthType !== "NoClientCert",
        rejectUnauthorized: tls.clientAuthType === "RequireAndVerifyClientCert",
      },
      handle,
    );
    // The certificate, key and client CAs are read again when one of them changes, checked as
    // each new connection arrives (the exporter-toolkit reads them for each new connection). A
    // file that cannot be read, or a certificate that does not fit its key, keeps the last good
    // set and is logged.
    let lastReloadError = "";
    https.prependListener("connection", () => {
      const now = files.stamp();
      if (now === files.stamped) return;
      try {
        const next = readTlsFiles(tls);
        https.setSecureContext(next.context);
        files = next;
        lastReloadError = "";
        log("info", "TLS certificate reloaded", { cert_file: tls.certFile });
      } catch (error) {
        const err = error instanceof Error ? error.message : String(error);
        if (err !== lastReloadError)
          log("error", "TLS certificate reload failed; keeping the last one", { err });
        lastReloadError = err;
      }
    });
    https.on("secureConnection", (socket: TLSSocket) => {
      const why = checkClientCert(tls.clientAuthType, socket);
      if (why) {
        log("debug", "client certificate refused", { remote: socket.remoteAddress, err: why });
        socket.destroy();
      }
    });
    https.on("tlsClientError", (error, socket: Socket) => {
      log("debug", "TLS handshake failed", { remote: socket.remoteAddress, err: error.message });
    });
    server = https;
  } else {
    server = createServer(handle);
  }
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
  const scheme = tls ? "https" : "http";

  let stopping: Promise<ShutdownOutcome> | undefined;
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  const shutdown = () => {
    stopping ??= (async () => {
      draining = true;
      // No new connections; idle keep-alive ones close now (Node closes them on close()).
      server.close();
      server.closeIdleConnections();
      for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
      const inProgress = open.size;
      log("info", "shutting down", { in_flight: inProgress, grace_seconds: graceMs / 1000 });
      const allDone = new Promise<void>((resolve) => {
        drained = resolve;
        if (open.size === 0) resolve();
      });
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<"grace">((resolve) => {
        timer = setTimeout(() => resolve("grace"), graceMs);
      });
      const first = await Promise.race([allDone.then(() => "done" as const), graceOver]);
      clearTimeout(timer);
      let aborted = 0;
      if (first === "grace") {
        // Out of time: the probes stop, and their scrapes get a 503 (failed()).
        aborted = open.size;
        stopProbes.abort(new Error("shutting down"));
        await Promise.race([allDone, new Promise((resolve) => setTimeout(resolve, ABORT_FLUSH_MS).unref())]);
      }
      stopProbes.abort(new Error("shutting down"));
      server.closeAllConnections();
      await closed;
      log("info", "stopped", { drained: first === "done", cut_short: aborted });
      return { drained: first === "done", aborted };
    })();
    return stopping;
  };
  const graceMs = opts.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_S * 1000;
  log("info", "Listening on", {
    address: `${host}:${port}`,
    tls: Boolean(tls),
    basic_auth: Boolean(opts.verify),
    concurrency: opts.concurrency,
  });
  return {
    server,
    url: `${scheme}://${host}:${port}/metrics`,
    shutdown,
    close: async () => {
      if (stopping) {
        await stopping;
        return;
      }
      draining = true;
      stopProbes.abort(new Error("closing"));
      server.closeAllConnections();
      server.close();
      await closed;
    },
  };
}

/** A query-string value in a log line: bounded, whatever a client sends. */
function clip(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}...` : value;
}
