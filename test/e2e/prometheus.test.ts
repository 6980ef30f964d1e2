// A real Prometheus (Debian's `prometheus`) scraping the built binary's `health serve` through
// /probe, the way monitoring/prometheus.yml does it, over sandboxes that are healthy, in
// maintenance and hung, plus a target that is no profile; the rules are monitoring/'s own with
// every `for:` shortened to 1 s. Asserts the success values and which alerts fire, through
// Prometheus's HTTP API. A second exporter listens with TLS and basic auth (--web.config.file):
// Prometheus scrapes it with tls_config and basic_auth, once with the right password and once
// with a wrong one. Loopback only; bounded well under a minute.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { firstLine, startCli, tempHome } from "../helpers/spawn.js";
import { makeTestCertificates, opensslAvailable } from "../helpers/tls-certs.js";

const havePrometheus = spawnSync("prometheus", ["--version"], { stdio: "ignore" }).status === 0;
const haveOpenssl = opensslAvailable();
const rulesFile = new URL("../../monitoring/rxportal.rules.yml", import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(!havePrometheus)("a real Prometheus scraping health serve's /probe", () => {
  const sandboxes: Record<string, RunningSandbox> = {};
  let exporter: ChildProcess | undefined;
  let tlsExporter: ChildProcess | undefined;
  let prometheus: ChildProcess | undefined;
  let promLog = "";
  let api = "";

  beforeAll(async () => {
    sandboxes.healthy = await startSandbox({ port: 0 });
    sandboxes.maintenance = await startSandbox({
      port: 0,
      faults: [{ kind: "maintenance", path: "/status" }],
    });
    sandboxes.hung = await startSandbox({ port: 0, faults: [{ kind: "hang", path: "/status" }] });
    const home = tempHome();
    mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
    writeFileSync(
      join(home, ".config", "rxportal", "config.yaml"),
      `defaultProfile: healthy\nprofiles:\n${Object.entries(sandboxes)
        .map(
          ([name, s]) =>
            `  ${name}:\n    baseUrl: ${s.baseUrl}\n    username: pat.sample\n    timeoutMs: 10000\n`,
        )
        .join("")}`,
    );
    exporter = startCli(["health", "serve", "--port", "0", "--concurrency", "4"], {
      home,
      env: { RXPORTAL_PASSWORD: "Sandbox-Pass-2026" },
    });
    const metricsUrl = await firstLine(exporter);
    const exporterAddress = new URL(metricsUrl).host;

    const dir = mkdtempSync(join(tmpdir(), "rxportal-prometheus-"));
    // The same exporter behind TLS and basic auth, as the exporter-toolkit's web config sets them.
    let tlsJobs = "";
    if (haveOpenssl) {
      const certs = makeTestCertificates();
      const webConfig = join(dir, "web.yml");
      writeFileSync(
        webConfig,
        `tls_server_config:\n  cert_file: ${certs.good.certFile}\n  key_file: ${certs.good.keyFile}\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync("scrape-secret", 4)}\n`,
        { mode: 0o600 },
      );
      writeFileSync(join(dir, "right.pw"), "scrape-secret\n", { mode: 0o600 });
      writeFileSync(join(dir, "wrong.pw"), "not-the-secret\n", { mode: 0o600 });
      tlsExporter = startCli(["health", "serve", "--port", "0", "--web.config.file", webConfig], { home });
      const tlsAddress = new URL(await firstLine(tlsExporter)).host;
      const tlsJob = (name: string, passwordFile: string) => `  - job_name: ${name}
    scheme: https
    metrics_path: /probe
    tls_config: { ca_file: ${certs.ca.certFile} }
    basic_auth: { username: prometheus, password_file: ${passwordFile} }
    static_configs:
      - targets: [healthy]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
        replacement: tls-$1
      - target_label: __address__
        replacement: ${tlsAddress}
`;
      tlsJobs =
        tlsJob("rxportal-tls", join(dir, "right.pw")) + tlsJob("rxportal-tls-wrong", join(dir, "wrong.pw"));
    }
    // The shipped rules, with every `for:` at 1 s so that a test of seconds sees them fire.
    writeFileSync(
      join(dir, "rules.yml"),
      readFileSync(rulesFile, "utf8").replace(/for: \d+[smh]/g, "for: 1s"),
    );
    const relabel = `    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: ${exporterAddress}
`;
    writeFileSync(
      join(dir, "prometheus.yml"),
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: rxportal-status
    metrics_path: /probe
    params: { module: [status] }
    static_configs:
      - targets: [healthy, maintenance, hung, ghost]
${relabel}  - job_name: rxportal-login
    metrics_path: /probe
    params: { module: [login] }
    static_configs:
      - targets: [healthy, maintenance]
${relabel}  - job_name: rxportal-exporter
    static_configs:
      - targets: ['${exporterAddress}']
${tlsJobs}`,
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    prometheus.stderr?.setEncoding("utf8").on("data", (d: string) => {
      promLog += d;
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ready = await fetch(`${api}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline || prometheus.exitCode !== null)
        throw new Error(`prometheus not ready: ${promLog}`);
      await sleep(200);
    }
  }, 30_000);

  afterAll(async () => {
    const stop = (child: ChildProcess | undefined) =>
      new Promise<void>((resolve) => {
        if (!child || child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    await Promise.all([stop(prometheus), stop(exporter), stop(tlsExporter)]);
    await Promise.all(Object.values(sandboxes).map((s) => s.close()));
  });

  async function query(expr: string): Promise<Sample[]> {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; data: { result: Sample[] } };
    expect(body.status).toBe("success");
    return body.data.result;
  }

  /** Polls until `check` holds (or the time runs out, then asserts once more to show why). */
  async function eventually<T>(
    read: () => Promise<T>,
    check: (value: T) => boolean,
    ms = 25_000,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    let value = await read();
    while (!check(value) && Date.now() < deadline) {
      await sleep(500);
      value = await read();
    }
    return value;
  }

  const byInstance = (samples: Sample[]) =>
    Object.fromEntries(samples.map((s) => [s.metric.instance, Number(s.value[1])]));

  it("records probe_success 1 for the healthy target and 0 for the maintenance and hung ones; the unknown one is down", async () => {
    const success = await eventually(
      () => query('probe_success{job="rxportal-status"}').then(byInstance),
      (v) => Object.keys(v).length === 3,
    );
    expect(success).toEqual({ healthy: 1, maintenance: 0, hung: 0 });
    // Prometheus spreads its targets' scrapes over the interval: the unknown target's first one
    // may come after the others' (it has no probe_success, so the wait above does not cover it).
    const up = await eventually(
      () => query('up{job="rxportal-status"}').then(byInstance),
      (v) => Object.keys(v).length === 4,
    );
    // The hung target answers within the scrape timeout (the header bounds its probe): up 1.
    expect(up).toEqual({ healthy: 1, maintenance: 1, hung: 1, ghost: 0 });
    const login = await eventually(
      () => query('probe_rxportal_login_success{job="rxportal-login"}').then(byInstance),
      (v) => Object.keys(v).length === 2,
    );
    expect(login).toEqual({ healthy: 1, maintenance: 0 });
    const timeout = byInstance(await query('probe_rxportal_timeout_seconds{job="rxportal-status"}'));
    expect(timeout.hung).toBeLessThanOrEqual(0.5);
  }, 40_000);

  it.skipIf(!haveOpenssl)(
    "scrapes the exporter over TLS with basic auth: up and probe_success 1 with the password, up 0 with a wrong one",
    async () => {
      const up = await eventually(
        () =>
          query('up{job=~"rxportal-tls.*"}').then((r) =>
            r.map((s) => `${s.metric.job} ${s.value[1]}`).sort(),
          ),
        (v) => v.length === 2,
      );
      expect(up).toEqual(["rxportal-tls 1", "rxportal-tls-wrong 0"]);
      expect(byInstance(await query('probe_success{job="rxportal-tls"}'))).toEqual({ "tls-healthy": 1 });
      const targets = (await (await fetch(`${api}/api/v1/targets`)).json()) as {
        data: { activeTargets: { labels: { job: string }; lastError: string }[] };
      };
      const wrong = targets.data.activeTargets.find((t) => t.labels.job === "rxportal-tls-wrong");
      expect(wrong?.lastError).toMatch(/401/);
    },
    40_000,
  );

  it("fires the shipped alerts for the broken targets, and none for the healthy one", async () => {
    const firing = async () =>
      (await query('ALERTS{alertstate="firing"}'))
        .map((s) => `${s.metric.alertname} ${s.metric.instance}`)
        .sort();
    const expected = [
      "RxportalPortalDown hung",
      "RxportalPortalDown maintenance",
      "RxportalProbeFailingToRun ghost",
      "RxportalSignInDown maintenance",
    ];
    const alerts = await eventually(firing, (a) => expected.every((e) => a.includes(e)));
    for (const e of expected) expect(alerts).toContain(e);
    expect(alerts.filter((a) => a.endsWith(" healthy"))).toEqual([]);
    const exporterMetrics = await query('rxportal_exporter_probe_errors_total{reason="unknown_target"}');
    expect(Number(exporterMetrics[0]?.value[1])).toBeGreaterThan(0);
  }, 40_000);
});
