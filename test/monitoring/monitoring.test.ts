// monitoring/: the rules pass `promtool check rules` and their unit tests (`promtool test rules`),
// the scrape config passes `promtool check config`, and every metric the Grafana dashboard and
// the rules query is one the exporter really emits: the names are read from a running exporter's
// /probe (both modules, over plain http and TLS) and /metrics, not from a list kept by hand.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareHealth } from "../../src/health/run.js";
import { type RunningExporter, startExporter } from "../../src/health/serve.js";
import { buildThresholds } from "../../src/health/thresholds.js";
import { createDirectFetch } from "../../src/portal/transport.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, type TestContext, testContext } from "../helpers/context.js";
import {
  makeTestCertificates,
  opensslAvailable,
  startTlsServer,
  type TestTlsServer,
} from "../helpers/tls-certs.js";

const dir = new URL("../../monitoring/", import.meta.url).pathname;
const havePromtool = spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;
const haveOpenssl = opensslAvailable();

function promtool(...args: string[]) {
  const r = spawnSync("promtool", args, { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.runIf(havePromtool)("monitoring/ with promtool", () => {
  it("the rules file is valid", () => {
    const r = promtool("check", "rules", "rxportal.rules.yml");
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it("the rules' unit tests pass (promtool test rules)", () => {
    const r = promtool("test", "rules", "rxportal.rules.test.yml");
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });

  it("the unit tests can fail: a rule with a wrong threshold breaks them", () => {
    const tmp = spawnSync("mktemp", ["-d"], { encoding: "utf8" }).stdout.trim();
    const rules = readFileSync(join(dir, "rxportal.rules.yml"), "utf8").replace(
      "abs(probe_rxportal_clock_skew_seconds) > 120",
      "abs(probe_rxportal_clock_skew_seconds) > 1200",
    );
    writeFileSync(join(tmp, "rxportal.rules.yml"), rules);
    writeFileSync(join(tmp, "t.yml"), readFileSync(join(dir, "rxportal.rules.test.yml")));
    const r = spawnSync("promtool", ["test", "rules", "t.yml"], { cwd: tmp, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain("RxportalClockSkew");
  });

  it("the scrape config example is valid and loads the rules", () => {
    const r = promtool("check", "config", "prometheus.yml");
    expect(r.out).toContain("SUCCESS");
    expect(r.code).toBe(0);
  });
});

/** Metric names a PromQL expression reads (label matchers, ranges, strings and grouping removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "inf", "nan"]);
  return [...stripped.matchAll(/(?<![\w:.$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)]
    .map((m) => m[1] as string)
    .filter((name) => !keywords.has(name.toLowerCase()));
}

describe.runIf(haveOpenssl)("the dashboard and the rules against the exporter's real output", () => {
  let sandbox: RunningSandbox;
  let front: TestTlsServer;
  let t: TestContext;
  let exporter: RunningExporter;
  const emitted = new Set<string>();

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const certs = makeTestCertificates();
    front = await startTlsServer(certs.good, (req, res) => {
      const upstream = request(
        `${sandbox.origin}${req.url}`,
        { method: req.method, headers: req.headers },
        (a) => {
          res.writeHead(a.statusCode ?? 502, a.headers);
          a.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    });
    t = testContext({
      env: { RXPORTAL_PASSWORD: "Sandbox-Pass-2026" },
      fetch: createDirectFetch({ connectTimeoutMs: 5_000 }),
    });
    mkdirSync(join(t.dir, "config"), { recursive: true });
    writeFileSync(
      join(t.dir, "config", "config.yaml"),
      `defaultProfile: plain\nprofiles:\n  plain:\n    baseUrl: ${sandbox.baseUrl}\n    username: pat.sample\n  tls:\n    baseUrl: ${front.origin}/api/v1\n    username: pat.sample\n`,
    );
    const prepared = await prepareHealth(t.ctx, {}, buildThresholds({}));
    exporter = await startExporter(t.ctx, prepared, {
      host: "127.0.0.1",
      port: 0,
      minLoginIntervalMs: 300_000,
      concurrency: 4,
      version: "test",
    });
    const origin = exporter.url.replace(/\/metrics$/, "");
    const texts = await Promise.all(
      [
        `${origin}/probe?target=plain&module=login`,
        `${origin}/probe?target=tls`,
        `${origin}/probe?target=nope`,
      ].map((u) => fetch(u).then((r) => r.text())),
    );
    texts.push(await fetch(exporter.url).then((r) => r.text()));
    for (const text of texts) {
      for (const line of text.split("\n")) {
        const name = /^([a-zA-Z_:][\w:]*)(?:\{| )/.exec(line)?.[1];
        if (name) emitted.add(name);
      }
    }
  }, 30_000);

  afterAll(async () => {
    await exporter?.close();
    if (t) await closeContext(t.ctx);
    await front?.close();
    await sandbox?.close();
  });

  it("the exporter emitted the families the dashboard needs (TLS included)", () => {
    for (const name of [
      "probe_success",
      "probe_ssl_earliest_cert_expiry",
      "rxportal_exporter_probes_total",
    ]) {
      expect(emitted.has(name), name).toBe(true);
    }
    expect(metricNames('sum by (le) (rate(x_bucket{a="b"}[5m])) / 0.005 and on (i) y == 1')).toEqual([
      "x_bucket",
      "y",
    ]);
  });

  it("every panel query of the Grafana dashboard names metrics the exporter really emits", () => {
    const dashboard = JSON.parse(readFileSync(join(dir, "grafana-dashboard.json"), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets) {
        const names = metricNames(expr);
        if (names.length === 0) wrong.push(`${panel.title}: no metric in ${expr}`);
        for (const name of names) if (!emitted.has(name)) wrong.push(`${panel.title}: ${name}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("every metric the rules read is emitted, recorded by the rules themselves, or Prometheus's `up`", () => {
    const text = readFileSync(join(dir, "rxportal.rules.yml"), "utf8");
    const recorded = new Set([...text.matchAll(/^\s*- record: (\S+)/gm)].map((m) => m[1] as string));
    const exprs = [...text.matchAll(/expr: (?:\|\n((?:\s{10,}.*\n)+)|(.*))/g)].map((m) => m[1] ?? m[2] ?? "");
    expect(exprs.length).toBeGreaterThan(15);
    const wrong = exprs
      .flatMap(metricNames)
      .filter((name) => name !== "up" && !emitted.has(name) && !recorded.has(name));
    expect(wrong).toEqual([]);
  });
});
