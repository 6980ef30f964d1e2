// health serve's /probe?target=<profile>, in process, against real sandboxes: a healthy one, one in
// maintenance, one that accepts and never answers; unknown targets and modules; the scrape
// timeout header; shared probes; /metrics' own counters; promtool on every exposition.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareHealth } from "../../src/health/run.js";
import { type RunningExporter, startExporter } from "../../src/health/serve.js";
import { buildThresholds } from "../../src/health/thresholds.js";
import { createDirectFetch } from "../../src/portal/transport.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, type TestContext, testContext } from "../helpers/context.js";

const PASSWORD = "Sandbox-Pass-2026";
const havePromtool = spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;

let healthy: RunningSandbox;
let maintenance: RunningSandbox;
let hung: RunningSandbox;
let slow: RunningSandbox;
let t: TestContext;
let exporter: RunningExporter;
let origin: string;

beforeAll(async () => {
  [healthy, maintenance, hung, slow] = await Promise.all([
    startSandbox({ port: 0 }),
    startSandbox({ port: 0, faults: [{ kind: "maintenance", path: "/status" }] }),
    startSandbox({ port: 0, faults: [{ kind: "hang", path: "/status" }] }),
    startSandbox({ port: 0, faults: [{ kind: "latency", value: 300, path: "/status" }] }),
  ]);
  t = testContext({
    env: { RXPORTAL_PASSWORD: PASSWORD },
    fetch: createDirectFetch({ connectTimeoutMs: 5_000 }),
  });
  const profiles = { healthy, maintenance, hung, slow };
  mkdirSync(join(t.dir, "config"), { recursive: true });
  writeFileSync(
    join(t.dir, "config", "config.yaml"),
    `defaultProfile: healthy\nprofiles:\n${Object.entries(profiles)
      .map(
        ([name, s]) =>
          `  ${name}:\n    baseUrl: ${s.baseUrl}\n    username: pat.sample\n    timeoutMs: 8000\n`,
      )
      .join("")}  nouser:\n    baseUrl: ${healthy.baseUrl}\n`,
  );
  const prepared = await prepareHealth(t.ctx, {}, buildThresholds({}));
  exporter = await startExporter(t.ctx, prepared, {
    host: "127.0.0.1",
    port: 0,
    minLoginIntervalMs: 300_000,
    concurrency: 4,
    version: "9.9.9-test",
  });
  origin = exporter.url.replace(/\/metrics$/, "");
}, 30_000);

afterAll(async () => {
  await exporter?.close();
  await closeContext(t.ctx);
  await Promise.all([healthy, maintenance, hung, slow].map((s) => s?.close()));
});

function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function promtoolCheck(text: string): void {
  if (!havePromtool) return;
  const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  expect(`${check.stdout}${check.stderr}`).toBe("");
  expect(check.status).toBe(0);
}

async function probe(query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${origin}/probe?${query}`, { headers });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

describe("/probe?target=<profile>", () => {
  it("a healthy target: 200, probe_success 1, every phase timed, no target label, promtool clean", async () => {
    const r = await probe("target=healthy");
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(value(r.text, "probe_success")).toBe(1);
    expect(value(r.text, "probe_duration_seconds")).toBeGreaterThan(0);
    for (const phase of ["dns", "connect", "status"]) {
      expect(value(r.text, `probe_rxportal_duration_seconds{phase="${phase}"}`)).toBeGreaterThanOrEqual(0);
      expect(value(r.text, `probe_rxportal_phase_success{phase="${phase}"}`)).toBe(1);
    }
    expect(value(r.text, 'probe_rxportal_portal_status{status="operational"}')).toBe(1);
    expect(Math.abs(value(r.text, "probe_rxportal_clock_skew_seconds") ?? 99)).toBeLessThan(5);
    expect(value(r.text, "probe_rxportal_login_success")).toBeUndefined();
    expect(r.text).not.toMatch(/profile=|target=|rxportal_probe_/);
    promtoolCheck(r.text);
  });

  it("module=login (and login=1) signs in once per --min-login-interval; later scrapes reuse it", async () => {
    const first = await probe("target=healthy&module=login");
    expect(first.status).toBe(200);
    expect(value(first.text, "probe_success")).toBe(1);
    expect(value(first.text, "probe_rxportal_login_success")).toBe(1);
    for (const phase of ["login", "me", "logout"]) {
      expect(value(first.text, `probe_rxportal_phase_success{phase="${phase}"}`)).toBe(1);
    }
    const second = await probe("target=healthy&login=1");
    expect(value(second.text, "probe_rxportal_login_success")).toBe(1);
    const metrics = await (await fetch(exporter.url)).text();
    expect(value(metrics, 'rxportal_exporter_logins_total{result="success"}')).toBe(1);
    promtoolCheck(first.text);
  });

  it("a target in maintenance: 200 with probe_success 0 and the failed phase", async () => {
    const r = await probe("target=maintenance&module=login");
    expect(r.status).toBe(200);
    expect(value(r.text, "probe_success")).toBe(0);
    expect(value(r.text, 'probe_rxportal_phase_success{phase="status"}')).toBe(0);
    expect(value(r.text, "probe_rxportal_state")).toBe(2);
    // Never reached the sign-in: said as 0, so a sign-in alert does not go quiet.
    expect(value(r.text, "probe_rxportal_login_success")).toBe(0);
    promtoolCheck(r.text);
  });

  it("a hung target: the scrape timeout header bounds the probe (less blackbox's 0.5 s offset)", async () => {
    const started = performance.now();
    const r = await probe("target=hung", { "X-Prometheus-Scrape-Timeout-Seconds": "1.5" });
    const ms = performance.now() - started;
    expect(r.status).toBe(200);
    expect(value(r.text, "probe_success")).toBe(0);
    expect(value(r.text, "probe_rxportal_timeout_seconds")).toBeLessThanOrEqual(1);
    expect(ms).toBeGreaterThan(900);
    expect(ms).toBeLessThan(1500);
    promtoolCheck(r.text);
  });

  it("unknown target, missing target, unknown module, a sign-in with no username: 400 and one line", async () => {
    const unknown = await probe("target=nope");
    expect(unknown).toMatchObject({ status: 400, text: 'Unknown target "nope"\n' });
    expect(await probe("module=status")).toMatchObject({
      status: 400,
      text: "Target parameter is missing\n",
    });
    expect(await probe("target=healthy&module=icmp")).toMatchObject({
      status: 400,
      text: 'Unknown module "icmp"\n',
    });
    const web = await probe("target=nouser&module=login");
    expect(web.status).toBe(400);
    expect(web.text.trim().split("\n")).toHaveLength(1);
    const metrics = await (await fetch(exporter.url)).text();
    expect(value(metrics, 'rxportal_exporter_probe_errors_total{reason="unknown_target"}')).toBe(1);
    expect(value(metrics, 'rxportal_exporter_probe_errors_total{reason="missing_target"}')).toBe(1);
    expect(value(metrics, 'rxportal_exporter_probe_errors_total{reason="unknown_module"}')).toBe(1);
    expect(value(metrics, 'rxportal_exporter_probe_errors_total{reason="setup"}')).toBe(1);
  });

  it("concurrent scrapes of one target share one probe", async () => {
    const before = await (await fetch(exporter.url)).text();
    const ran = (text: string) =>
      value(text, 'rxportal_exporter_probes_total{module="status",result="success"}') ?? 0;
    const shared = (text: string) => value(text, "rxportal_exporter_shared_probes_total") ?? 0;
    const answers = await Promise.all(Array.from({ length: 5 }, () => probe("target=slow")));
    expect(answers.every((a) => a.status === 200 && value(a.text, "probe_success") === 1)).toBe(true);
    const after = await (await fetch(exporter.url)).text();
    // /metrics itself probes the default profile once per scrape: one of the new runs is its.
    expect(ran(after) - ran(before)).toBe(2);
    expect(shared(after) - shared(before)).toBe(4);
  });

  it("/metrics keeps the probe of the profiles it was started with and adds the exporter's own; /-/healthy", async () => {
    const res = await fetch(exporter.url);
    const text = await res.text();
    expect(value(text, 'rxportal_probe_success{profile="healthy"}')).toBe(1);
    expect(value(text, 'rxportal_exporter_build_info{version="9.9.9-test"}')).toBe(1);
    expect(value(text, "rxportal_exporter_concurrency")).toBe(4);
    expect(value(text, 'rxportal_exporter_probe_duration_seconds_count{module="status"}')).toBeGreaterThan(0);
    promtoolCheck(text);
    const healthz = await fetch(`${origin}/-/healthy`);
    expect(healthz.status).toBe(200);
  });
});
