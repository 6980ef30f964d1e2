// End to end: the built binary's `doctor` on an OIDC profile, against the sandbox portal and a real
// oidc-provider started here on port 0, unattended (`--answer ... --json`). One run per case: the
// provider healthy, its clock skewed (its Date header moved by a proxy in front of it), an issuer
// that is not the configured one, and JWKS that answer 500. On a portal profile nothing of it shows.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ID_TOKEN_TOLERANCE_SECONDS } from "../../src/auth/oidc/id-token.js";
import { startSandboxWithOidc } from "../../src/sandbox/oidc.js";
import { type ProviderProxy, startProviderProxy } from "../doctor/provider-proxy.js";
import { bundleFilesNaming, runReading } from "../helpers/bundle-reads.js";
import { runCli, tempHome } from "../helpers/spawn.js";

interface Report {
  path: string[];
  probes: { node: string; probe: string; outcome: string; summary: string; details: string[] }[];
  recommendation: { node: string; title: string };
}

let both: Awaited<ReturnType<typeof startSandboxWithOidc>>;
let home: string;
let proxy: ProviderProxy;

beforeAll(async () => {
  both = await startSandboxWithOidc({ port: 0 });
  proxy = await startProviderProxy({ skewMs: 0 });
  home = tempHome();
  mkdirSync(join(home, "cfg"), { recursive: true });
});
afterAll(async () => {
  await proxy.close();
  await both.close();
});

function config(issuer: string): string {
  const file = join(home, "cfg", `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `profiles:\n  acme:\n    baseUrl: ${both.sandbox.baseUrl}\n    auth: { type: oidc, issuer: "${issuer}", clientId: ${both.provider.clientId}, audience: "${both.provider.audience}" }\n`,
  );
  return file;
}

async function doctor(
  answers: string[],
  opts: { issuer?: string; env?: Record<string, string>; json?: boolean; lang?: string } = {},
) {
  const args = [
    "doctor",
    "--config",
    config(opts.issuer ?? both.provider.issuer),
    "--profile",
    "acme",
    ...(opts.lang ? ["--lang", opts.lang] : []),
    ...answers.flatMap((a) => ["--answer", a]),
    ...(opts.json === false ? [] : ["--json"]),
  ];
  return runCli(args, { home, env: opts.env, timeoutMs: 30_000 });
}

function parse(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

const oidcOutcomes = (r: Report) =>
  Object.fromEntries(r.probes.filter((p) => p.probe.startsWith("oidc-")).map((p) => [p.probe, p.outcome]));

describe("doctor on an OIDC profile (built binary, real provider)", () => {
  it("(d) healthy: every provider check passes, then the flow question explains a code that expired", async () => {
    const run = await doctor(["start=code", "oidc-flow=code-expired"]);
    expect(run.code, run.stderr).toBe(0);
    const report = parse(run.stdout);
    expect(report.path.slice(0, 6)).toEqual([
      "start",
      "oidc-code",
      "oidc-issuer",
      "oidc-jwks",
      "oidc-clock",
      "oidc-tls",
    ]);
    expect(oidcOutcomes(report)).toEqual({
      "oidc-discovery": "ok",
      "oidc-issuer": "ok",
      "oidc-jwks": "ok",
      "oidc-clock": "ok",
      "oidc-tls": "unknown",
    });
    expect(report.recommendation).toMatchObject({
      node: "end-oidc-code-expired",
      title: "The code expired before it was approved",
    });
  });

  it("(a) the provider's clock 10 minutes ahead: the clock check fails and the diagnosis is the clock", async () => {
    proxy.rules.skewMs = 10 * 60_000;
    try {
      const run = await doctor(["start=code"], { env: { HTTP_PROXY: proxy.url } });
      expect(run.code, run.stderr).toBe(0);
      const report = parse(run.stdout);
      const clock = report.probes.find((p) => p.probe === "oidc-clock");
      expect(clock).toMatchObject({
        outcome: "problem",
        summary: `This computer's clock is 10 minutes behind the sign-in provider's; sign-in allows ${ID_TOKEN_TOLERANCE_SECONDS} s.`,
      });
      expect(report.recommendation.node).toBe("end-oidc-clock");

      // The same in Spanish, as a member reads it at a terminal.
      const es = await doctor(["start=page"], { env: { HTTP_PROXY: proxy.url }, json: false, lang: "es" });
      expect(es.code, es.stderr).toBe(0);
      expect(es.stdout).toContain(
        `PROBLEMA: Reloj frente al del proveedor de inicio de sesión: El reloj de esta computadora va 10 minutos atrasado respecto al del proveedor de inicio de sesión; el inicio de sesión permite ${ID_TOKEN_TOLERANCE_SECONDS} s.`,
      );
      expect(es.stdout).toContain(
        "La hora de esta computadora no coincide con la del proveedor de inicio de sesión",
      );
    } finally {
      proxy.rules.skewMs = 0;
    }
  });

  it("(b) the profile's issuer is another name of the provider's host: the issuer check fails", async () => {
    const alias = both.provider.issuer.replace("127.0.0.1", "localhost");
    const run = await doctor(["start=code"], { issuer: alias });
    expect(run.code, run.stderr).toBe(0);
    const report = parse(run.stdout);
    expect(report.probes.find((p) => p.probe === "oidc-issuer")).toMatchObject({
      outcome: "problem",
      summary: `The provider names itself ${both.provider.issuer}, but the profile says ${alias}: sign-in fails until both are the same.`,
    });
    expect(report.recommendation).toMatchObject({
      node: "end-oidc-issuer",
      title: "rxportal's settings name another sign-in provider",
    });
  });

  it("(c) the JWKS answer 500: the keys check fails and the diagnosis is the provider's keys", async () => {
    proxy.rules.jwks = "500";
    try {
      const run = await doctor(["start=page"], { env: { HTTP_PROXY: proxy.url } });
      expect(run.code, run.stderr).toBe(0);
      const report = parse(run.stdout);
      const host = new URL(both.provider.issuer).host;
      expect(report.probes.find((p) => p.probe === "oidc-jwks")).toMatchObject({
        outcome: "problem",
        summary: `The provider's signing keys (JWKS) cannot be read: ${host} answers with an error (HTTP 500).`,
      });
      expect(oidcOutcomes(report)).toMatchObject({ "oidc-discovery": "ok", "oidc-issuer": "ok" });
      expect(report.recommendation.node).toBe("end-oidc-jwks");
    } finally {
      proxy.rules.jwks = undefined;
    }
  });

  it("a portal profile: no OIDC check runs or shows, and the walk is the one it always was", async () => {
    const run = await runCli(
      ["doctor", "--sandbox", "--answer", "start=code", "--answer", "two-step=every-time", "--json"],
      { home, timeoutMs: 30_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const report = parse(run.stdout);
    expect(report.path).toEqual(["start", "two-step", "end-mfa-trusted-device"]);
    expect(report.probes.filter((p) => p.probe.startsWith("oidc-"))).toEqual([]);
    expect(run.stdout).not.toMatch(/sign-in provider/i);
    const plain = await runCli(
      ["doctor", "--sandbox", "--answer", "start=code", "--answer", "two-step=every-time"],
      {
        home,
        timeoutMs: 30_000,
      },
    );
    expect(plain.stdout + plain.stderr).not.toMatch(/sign-in provider/i);
  });
});

describe("oauth4webapi, jose and src/auth/oidc load for the doctor only on an OIDC profile", () => {
  /** The bundle's files whose source map names them. */
  const oidcFiles = () => bundleFilesNaming(/node_modules\/(oauth4webapi|jose)\/|src\/auth\/oidc\//);
  const reads = async (args: string[]) => {
    const r = await runReading(args, { home, timeoutMs: 30_000 });
    return { code: r.code, stderr: r.stderr, files: r.reads };
  };

  it("not for a portal profile's doctor run; yes for an OIDC profile's (so the first can fail)", async () => {
    const oidc = oidcFiles();
    expect(oidc.size).toBeGreaterThan(0);
    const portal = await reads([
      "doctor",
      "--sandbox",
      "--answer",
      "start=code",
      "--answer",
      "two-step=every-time",
    ]);
    expect(portal.code, portal.stderr).toBe(0);
    expect(portal.files.length).toBeGreaterThan(0);
    expect(portal.files.filter((f) => oidc.has(f))).toEqual([]);
    const withOidc = await reads([
      "doctor",
      "--config",
      config(both.provider.issuer),
      "--profile",
      "acme",
      "--answer",
      "start=code",
      "--answer",
      "oidc-flow=denied",
    ]);
    expect(withOidc.code, withOidc.stderr).toBe(0);
    expect(withOidc.files.some((f) => oidc.has(f))).toBe(true);
  });
});
