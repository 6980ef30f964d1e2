// health --login on OIDC profiles, in-process against a real oidc-provider: the monitoring
// client's secret from the keychain, a refused client credentials grant never sent again by the
// same process, a provider that never answers bounded by the profile's timeoutMs, and
// `health serve`'s /probe?target=<oidc profile>&login=1 with the OIDC phases' metrics (a profile
// the exporter was started with, and one it prepares on the first scrape).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareHealth, runHealth } from "../../src/health/run.js";
import { startExporter } from "../../src/health/serve.js";
import { buildThresholds } from "../../src/health/thresholds.js";
import { SANDBOX_MONITOR_CLIENT_ID } from "../../src/sandbox/oidc.js";
import { closeContext, memoryCredentials, testContext } from "../helpers/context.js";
import {
  appendMonitorProfile,
  closedPort,
  type OidcHealthSandbox,
  startOidcHealthSandbox,
  writeOidcConfig,
} from "../helpers/oidc-health.js";

let sbx: OidcHealthSandbox;
let downPort: number;

beforeAll(async () => {
  sbx = await startOidcHealthSandbox();
  downPort = await closedPort();
});
afterAll(() => sbx?.close());

function context(env: Record<string, string> = {}, credentials = memoryCredentials()) {
  const t = testContext({ env, credentials });
  writeOidcConfig(t.ctx.paths.configDir, sbx, downPort);
  return t;
}

const phases = (report: Awaited<ReturnType<typeof runHealth>>) =>
  report.results[0]?.phases.map((p) => `${p.name}:${p.ok ? "ok" : p.code}`);

describe("health --login with auth.monitor (client credentials)", () => {
  it("finds the secret in the keychain (service rxportal/<profile>, account <monitor clientId>)", async () => {
    const credentials = memoryCredentials();
    await credentials.store.setPassword("monitor", SANDBOX_MONITOR_CLIENT_ID, sbx.monitorSecret);
    const t = context({}, credentials);
    const prepared = await prepareHealth(t.ctx, { login: true, profile: ["monitor"] }, buildThresholds({}));
    const report = await runHealth(t.ctx, prepared);
    expect(phases(report)).toEqual([
      "dns:ok",
      "connect:ok",
      "status:ok",
      "discovery:ok",
      "jwks:ok",
      "token:ok",
      "me:ok",
    ]);
    expect(report.results[0]?.summary).toMatch(/^sign-in works \(all phases ok/);
    expect(report.results[0]?.login?.username).toBe(SANDBOX_MONITOR_CLIENT_ID);
    await closeContext(t.ctx);
  });

  it("a refused grant (a wrong secret) is sent once: later probes of the same process report it again, marked reused", async () => {
    const t = context({ RXPORTAL_CLIENT_SECRET: "not-the-secret" });
    const prepared = await prepareHealth(t.ctx, { login: true, profile: ["monitor"] }, buildThresholds({}));
    const before = sbx.grants();
    for (let i = 0; i < 5; i++) {
      const report = await runHealth(t.ctx, prepared);
      expect(report.results[0]?.state).toBe("CRITICAL");
      const token = report.results[0]?.phases.find((p) => p.name === "token");
      expect(token).toMatchObject({ ok: false, code: "invalid_client" });
      expect(token?.reused === true).toBe(i > 0);
    }
    expect(sbx.grants() - before).toBe(1);
    await closeContext(t.ctx);
  });

  it("probes again and again over one provider transport (rxportal's own): the cleanups do not grow per login", async () => {
    const t = context({ RXPORTAL_CLIENT_SECRET: sbx.monitorSecret });
    // rxportal's own transport, as the CLI has it, instead of the test's fetch.
    t.ctx.fetchOverride = undefined;
    const prepared = await prepareHealth(t.ctx, { login: true, profile: ["monitor"] }, buildThresholds({}));
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const report = await runHealth(t.ctx, prepared);
      expect(phases(report)).toContain("discovery:ok");
      expect(phases(report)).toContain("me:ok");
      counts.push(t.ctx.cleanups.length);
    }
    // The first login makes the provider's transport; later ones reuse it.
    expect(new Set(counts).size).toBe(1);
    await closeContext(t.ctx);
  });

  it("a provider that accepts and never answers: the token phase times out within timeoutMs, CRITICAL, not a hang", async () => {
    const t = context({ RXPORTAL_CLIENT_SECRET: sbx.monitorSecret });
    sbx.delays.set("/token", 30_000);
    try {
      const prepared = await prepareHealth(t.ctx, { login: true, profile: ["monitor"] }, buildThresholds({}));
      const target = prepared.targets[0];
      if (target) {
        target.profile.timeoutMs = 1500;
        target.timeoutMs = 20_000;
      }
      const started = Date.now();
      const report = await runHealth(t.ctx, prepared);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(report.results[0]?.state).toBe("CRITICAL");
      expect(report.results[0]?.phases.find((p) => p.name === "token")).toMatchObject({
        ok: false,
        code: "timeout",
      });
    } finally {
      sbx.delays.delete("/token");
    }
    await closeContext(t.ctx);
  }, 20_000);

  it("no secret: a setup mistake before any probe (UNKNOWN), naming the variable, the flag and the keychain", async () => {
    const t = context();
    await expect(
      prepareHealth(t.ctx, { login: true, profile: ["monitor"] }, buildThresholds({})),
    ).rejects.toThrow(
      /no secret for its monitoring client rxportal-monitor \(auth\.monitor\): set RXPORTAL_CLIENT_SECRET, pass --client-secret-file <file> \(mode 0600\), or keep it in the keychain \(service rxportal\/monitor, account rxportal-monitor\)/,
    );
    await expect(
      prepareHealth(t.ctx, { clientSecretFile: join(t.dir, "x") }, buildThresholds({})),
    ).rejects.toThrow(/are for --login/);
    // A credential flag no probed profile reads is a setup mistake too, before anything is sent.
    const before = sbx.requests.length;
    await expect(
      prepareHealth(
        t.ctx,
        { login: true, profile: ["oidc"], clientSecretFile: join(t.dir, "x") },
        buildThresholds({}),
      ),
    ).rejects.toThrow(/^--client-secret-file is for an OIDC profile whose auth names a monitoring client/);
    await expect(
      prepareHealth(
        t.ctx,
        { login: true, profile: ["monitor"], refreshTokenFile: join(t.dir, "x") },
        buildThresholds({}),
      ),
    ).rejects.toThrow(
      /^--refresh-token-file is for an OIDC profile that probes with a monitoring account's refresh token/,
    );
    await expect(
      prepareHealth(
        t.ctx,
        { login: true, profile: ["oidc"], passwordFile: join(t.dir, "x") },
        buildThresholds({}),
      ),
    ).rejects.toThrow(/^--password-file is for portal profiles/);
    expect(sbx.requests.length).toBe(before);
  });
});

describe("auth.monitor in the config file", () => {
  it.each([
    ["no clientId", "monitor: {}", "profiles.m.auth.monitor.clientId"],
    [
      "a secret in the file",
      "monitor: { clientId: m, clientSecret: s3cr3t }",
      "profiles.m.auth.monitor.clientSecret",
    ],
    ["not a map", "monitor: rxportal-monitor", "profiles.m.auth.monitor"],
  ])("%s: a configuration error (78) naming the key", async (_what, monitor, keyPath) => {
    const t = testContext();
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(t.ctx.paths.configDir, { recursive: true });
    writeFileSync(
      join(t.ctx.paths.configDir, "config.yaml"),
      `profiles:\n  m:\n    baseUrl: https://portal.example/api/v1\n    auth: { type: oidc, issuer: https://id.example, clientId: c, ${monitor} }\n`,
    );
    const error = (await t.ctx.config().catch((e: unknown) => e)) as {
      exitCode: number;
      keyPath: string;
      message: string;
    };
    expect(error.exitCode).toBe(78);
    expect(error.keyPath).toBe(keyPath);
    expect(error.message).not.toContain("s3cr3t");
  });
});

describe("health serve's /probe for an OIDC target", () => {
  async function scrape(url: string, query: string): Promise<string> {
    const response = await fetch(url.replace(/\/metrics$/, `/probe?${query}`));
    expect(response.status).toBe(200);
    return response.text();
  }

  /** health serve on a free loopback port, a real sign-in at most once a minute unless said. */
  const serve = (
    t: ReturnType<typeof context>,
    prepared: Parameters<typeof startExporter>[1],
    opts: Partial<Parameters<typeof startExporter>[2]> = {},
  ) =>
    startExporter(t.ctx, prepared, {
      host: "127.0.0.1",
      port: 0,
      minLoginIntervalMs: 60_000,
      concurrency: 4,
      version: "test",
      ...opts,
    });

  const metric = (text: string, name: string, phase: string) =>
    new RegExp(`^${name}\\{phase="${phase}"\\} (\\S+)$`, "m").exec(text)?.[1];

  it("emits the OIDC phases' metrics, for a profile started with --login and for one prepared on first scrape", async () => {
    const t = context({ RXPORTAL_CLIENT_SECRET: sbx.monitorSecret });
    // Started with the refresh-token profile and no --login: /probe prepares `monitor` itself.
    const prepared = await prepareHealth(t.ctx, { profile: ["oidc"] }, buildThresholds({}));
    const exporter = await serve(t, prepared);
    try {
      const before = sbx.grants();
      const text = await scrape(exporter.url, "target=monitor&login=1");
      for (const phase of ["discovery", "jwks", "token", "me"]) {
        expect(metric(text, "probe_rxportal_phase_success", phase), `${phase}\n${text}`).toBe("1");
        expect(Number(metric(text, "probe_rxportal_duration_seconds", phase))).toBeGreaterThanOrEqual(0);
      }
      expect(text).toMatch(/^probe_success 1$/m);
      expect(text).toMatch(/^probe_rxportal_login_success 1$/m);
      // Scraped again within --min-login-interval: the grant is not sent again.
      const again = await scrape(exporter.url, "module=login&target=monitor");
      expect(metric(again, "probe_rxportal_phase_success", "token")).toBe("1");
      expect(sbx.grants() - before).toBe(1);
      // module=status stops after GET /status: no OIDC phase.
      const status = await scrape(exporter.url, "target=monitor");
      expect(metric(status, "probe_rxportal_phase_success", "token")).toBeUndefined();
    } finally {
      await exporter.close();
      await closeContext(t.ctx);
    }
  });

  it("a profile /probe prepares itself takes the secret health serve was given (--client-secret-file)", async () => {
    const { writeFileSync } = await import("node:fs");
    const t = context();
    // A second profile with the monitoring client, not one the exporter was started with.
    appendMonitorProfile(join(t.ctx.paths.configDir, "config.yaml"), sbx, "monitor2");
    const secretFile = join(t.dir, "monitor-secret");
    writeFileSync(secretFile, `${sbx.monitorSecret}\n`, { mode: 0o600 });
    const prepared = await prepareHealth(
      t.ctx,
      { login: true, profile: ["monitor"], clientSecretFile: secretFile },
      buildThresholds({}),
    );
    const exporter = await serve(t, prepared, { clientSecretFile: secretFile });
    try {
      const text = await scrape(exporter.url, "target=monitor2&login=1");
      expect(metric(text, "probe_rxportal_phase_success", "token"), text).toBe("1");
      expect(text).toMatch(/^probe_success 1$/m);
    } finally {
      await exporter.close();
      await closeContext(t.ctx);
    }
  });

  it("a profile the exporter was started with (--login, a refresh token): its phases, and a revoked token's 0", async () => {
    const token = await sbx.refreshToken();
    await sbx.revoke(token);
    const t = context({ RXPORTAL_REFRESH_TOKEN: token });
    const prepared = await prepareHealth(t.ctx, { login: true, profile: ["oidc"] }, buildThresholds({}));
    const exporter = await serve(t, prepared, { minLoginIntervalMs: 1 });
    try {
      const before = sbx.grants();
      for (let i = 0; i < 3; i++) {
        const text = await scrape(exporter.url, "target=oidc&login=1");
        expect(metric(text, "probe_rxportal_phase_success", "discovery")).toBe("1");
        expect(metric(text, "probe_rxportal_phase_success", "jwks")).toBe("1");
        expect(metric(text, "probe_rxportal_phase_success", "token")).toBe("0");
        expect(metric(text, "probe_rxportal_phase_success", "me")).toBeUndefined();
        expect(text).toMatch(/^probe_success 0$/m);
        expect(text).toMatch(/^probe_rxportal_state 2$/m);
        await new Promise((r) => setTimeout(r, 5));
      }
      // The refused refresh grant was sent once, however often scraped after --min-login-interval.
      expect(sbx.grants() - before).toBe(1);
    } finally {
      await exporter.close();
      await closeContext(t.ctx);
    }
  });
});
