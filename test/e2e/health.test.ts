// End to end: the built binary's `health`, spawned as a monitor would run it, against the sandbox
// portal (plain and behind local TLS servers with good, self-signed, expired and wrong-host
// certificates), plus the exporter, the deadline and the memory budget.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HealthReport } from "../../src/health/report.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";
import {
  type CertPair,
  makeTestCertificates,
  opensslAvailable,
  startTlsServer,
  type TestCertificates,
  type TestTlsServer,
} from "../helpers/tls-certs.js";

const PASSWORD = "Sandbox-Pass-2026";
const haveOpenssl = opensslAvailable();
const havePromtool = spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;

let sandbox: RunningSandbox;
let certs: TestCertificates | undefined;
const tls: Record<string, TestTlsServer> = {};
let home: string;

/** An HTTPS front for the sandbox presenting `pair`, as a real portal behind TLS would be. */
function tlsFront(pair: CertPair): Promise<TestTlsServer> {
  return startTlsServer(pair, (req, res) => {
    const upstream = request(
      `${sandbox.origin}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  const profiles: Record<string, string> = { plain: sandbox.baseUrl };
  if (haveOpenssl) {
    certs = makeTestCertificates();
    for (const kind of ["good", "selfSigned", "expired", "wrongHost"] as const) {
      tls[kind] = await tlsFront(certs[kind]);
      profiles[kind] = `${tls[kind]?.origin}/api/v1`;
    }
  }
  home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: plain\nprofiles:\n${Object.entries(profiles)
      .map(
        ([name, url]) => `  ${name}:\n    baseUrl: ${url}\n    username: pat.sample\n    timeoutMs: 5000\n`,
      )
      .join("")}`,
  );
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(tls).map((s) => s.close()));
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const json = (stdout: string) => JSON.parse(stdout) as HealthReport;
const trustCa = () => ({ NODE_EXTRA_CA_CERTS: certs?.ca.certFile ?? "" });

describe("rxportal health (built binary)", () => {
  it("OK against the sandbox: exit 0, one JSON document, nothing secret anywhere", async () => {
    const r = await runCli(["health", "--login", "--json"], { home, env: { RXPORTAL_PASSWORD: PASSWORD } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report).toMatchObject({ state: "OK", exitCode: 0 });
    expect(report.results[0]?.phases.map((p) => p.name)).toEqual([
      "dns",
      "connect",
      "status",
      "login",
      "me",
      "logout",
    ]);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it("--verbose traces every request on stderr without a password, token or TOTP secret", async () => {
    const secret = "XBZ3MMVUGRY5T4DUUNB5WREM4KQKXW3Z";
    const r = await runCli(
      ["--sandbox", "--verbose", "health", "--login", "--username", "monitor.totp", "--json"],
      {
        env: { RXPORTAL_PASSWORD: PASSWORD, RXPORTAL_TOTP_SECRET: secret },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/→ POST \S+\/auth\/login/);
    expect(r.stderr).toMatch(/→ POST \S+\/auth\/mfa\/verify/);
    const all = r.stdout + r.stderr;
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(secret);
    expect(all).not.toMatch(/"(accessToken|refreshToken)":\s*"(?!\[redacted)/i);
    expect(all).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
  });

  it.each([
    ["latency:400@/status", ["--warn-ms", "status=150", "--crit-ms", "status=3000"], 1, "WARNING"],
    ["latency:400@/status", ["--crit-ms", "status=150"], 2, "CRITICAL"],
    ["status:502", [], 2, "CRITICAL"],
    ["maintenance:600", [], 2, "CRITICAL"],
    ["reset", [], 2, "CRITICAL"],
    ["status:500@/me", ["--login"], 2, "CRITICAL"],
    ["status:500@/auth/logout", ["--login"], 1, "WARNING"],
  ])("fault %s %j: exit %i (%s)", async (fault, args, code, state) => {
    const login = args.includes("--login") ? ["--username", "pat.sample"] : [];
    const again = await runCli(
      ["--sandbox", "--sandbox-fault", fault, "health", "--json", ...login, ...args],
      {
        env: { RXPORTAL_PASSWORD: PASSWORD },
      },
    );
    expect(again.code, again.stderr).toBe(code);
    expect(json(again.stdout).state).toBe(state);
  });

  it("a portal that accepts the connection and never answers: exit 2 within --timeout plus one second", async () => {
    const r = await runCli([
      "--sandbox",
      "--sandbox-fault",
      "hang",
      "--timeout",
      "2000",
      "health",
      "--format",
      "nagios",
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /^RXPORTAL CRITICAL - sandbox: status failed: The portal did not finish answering within 2000 ms\. \| /,
    );
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    expect(r.ms).toBeLessThan(3000);
  });

  it("bad arguments and configuration are UNKNOWN: exit 3 with one line on stderr", async () => {
    for (const args of [
      ["health", "--frobnicate"],
      ["health", "--crit-ms", "soon"],
      ["health", "--format", "xml"],
      ["health", "--cert-warn-days", "-1"],
      ["--profile", "nope", "health"],
      ["health", "--login", "--username", "pat.sample"],
    ]) {
      const r = await runCli(args, { home });
      expect(r.code, args.join(" ")).toBe(3);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^rxportal: /);
    }
    // The built-in web-only profile has no API: nothing is sent to it, least of all a password.
    const webOnly = await runCli(
      ["--profile", "express-scripts", "--verbose", "health", "--login", "--username", "pat.sample"],
      { home, env: { RXPORTAL_PASSWORD: "never-sent-anywhere" } },
    );
    expect(webOnly.code).toBe(3);
    expect(webOnly.stderr).toMatch(
      /^rxportal: The profile "express-scripts" knows only the portal's official web addresses/,
    );
    expect(webOnly.stderr).not.toMatch(/→ (GET|POST)/);
    // With --json the error document carries the same exit code as the process.
    const json = await runCli(["health", "--crit-ms", "soon", "--json"], { home });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).error.exitCode).toBe(3);
    const help = await runCli(["health", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
  });

  it("repeated --profile and --all probe in parallel, one result per profile; the worst state wins", async () => {
    sandbox.addFault({ kind: "latency", value: 700, path: "/status" });
    const names = haveOpenssl ? ["plain", "good", "selfSigned"] : ["plain"];
    const r = await runCli(["health", "--json", ...names.flatMap((n) => ["--profile", n])], {
      home,
      env: trustCa(),
    });
    const report = json(r.stdout);
    expect(report.results.map((x) => x.profile)).toEqual(names);
    // In sequence this would take 700 ms per reachable profile.
    expect(r.ms).toBeLessThan(700 * 2 + 1000);
    if (haveOpenssl) {
      expect(r.code).toBe(2);
      expect(report.results.map((x) => x.state)).toEqual(["OK", "OK", "CRITICAL"]);
    }
    const all = await runCli(["health", "--all", "--format", "nagios"], { home, env: trustCa() });
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^RXPORTAL (OK|CRITICAL) - plain OK/);
    expect(lines.length).toBe(haveOpenssl ? 6 : 1);
  });
});

describe.skipIf(!haveOpenssl)("rxportal health and TLS certificates (openssl-made)", () => {
  it("a certificate from a CA trusted through NODE_EXTRA_CA_CERTS: OK, with its expiry; sign-in works over https", async () => {
    const r = await runCli(["--profile", "good", "health", "--login", "--json"], {
      home,
      env: { ...trustCa(), RXPORTAL_PASSWORD: PASSWORD },
    });
    expect(r.code, r.stdout).toBe(0);
    const result = json(r.stdout).results[0];
    expect(result?.phases.map((p) => p.name)).toEqual([
      "dns",
      "connect",
      "tls",
      "status",
      "login",
      "me",
      "logout",
    ]);
    expect(result?.certificate).toMatchObject({
      authorized: true,
      hostMatches: true,
      issuer: "CN=rxportal Test CA",
    });
    expect(result?.certificate?.daysLeft).toBeGreaterThanOrEqual(18);
    expect(result?.certificate?.daysLeft).toBeLessThanOrEqual(20);
  });

  it("--cert-warn-days and --cert-crit-days: a certificate with 20 days left is WARNING at 30 and CRITICAL at 25", async () => {
    const warn = await runCli(["--profile", "good", "health", "--cert-warn-days", "30"], {
      home,
      env: trustCa(),
    });
    expect(warn.code).toBe(1);
    expect(warn.stdout).toMatch(/^WARNING good .*the certificate expires in (19|20) days/);
    const crit = await runCli(
      [
        "--profile",
        "good",
        "health",
        "--cert-warn-days",
        "30",
        "--cert-crit-days",
        "25",
        "--format",
        "prometheus",
      ],
      { home, env: trustCa() },
    );
    expect(crit.code).toBe(2);
    const expiry = /rxportal_cert_expiry_timestamp_seconds\{profile="good"\} (\d+)/.exec(crit.stdout);
    expect(Number(expiry?.[1]) * 1000).toBeGreaterThan(Date.now() + 18 * 86_400_000);
  });

  it.each([
    ["good", {}, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", /could not be traced to an authority/],
    ["selfSigned", {}, "DEPTH_ZERO_SELF_SIGNED_CERT", /self-signed/],
    ["expired", { trust: true }, "CERT_HAS_EXPIRED", /has expired/],
    ["wrongHost", { trust: true }, "ERR_TLS_CERT_ALTNAME_INVALID", /not for 127\.0\.0\.1/],
  ])(
    "%s certificate %j: CRITICAL (exit 2) naming %s, and no request is sent",
    async (profile, opts, code, words) => {
      const r = await runCli(["--profile", profile, "health", "--json", "--login"], {
        home,
        env: { ...((opts as { trust?: boolean }).trust ? trustCa() : {}), RXPORTAL_PASSWORD: PASSWORD },
      });
      expect(r.code).toBe(2);
      const result = json(r.stdout).results[0];
      const tlsPhase = result?.phases.find((p) => p.name === "tls");
      expect(tlsPhase).toMatchObject({ ok: false, code });
      expect(tlsPhase?.message).toMatch(words);
      expect(result?.certificate?.authorized).toBe(false);
      expect(result?.phases.map((p) => p.name)).toEqual(["dns", "connect", "tls"]);
      if (profile === "expired") expect(result?.certificate?.validTo).toBe("2024-02-01T00:00:00.000Z");
      if (profile === "selfSigned") expect(result?.certificate?.selfSigned).toBe(true);
    },
  );
});

describe("rxportal health: peak memory", () => {
  it("health --login --json stays under 80 MiB of peak RSS", async () => {
    const dir = tempHome();
    const preload = join(dir, "max-rss.cjs");
    const out = join(dir, "max-rss.txt");
    // resourceUsage().maxRSS is the process's peak resident set in KiB, read as it exits.
    writeFileSync(
      preload,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    const r = await runCli(["health", "--login", "--json"], {
      home,
      env: { RXPORTAL_PASSWORD: PASSWORD, NODE_OPTIONS: `--require ${preload}` },
    });
    expect(r.code).toBe(0);
    const kib = Number(readFileSync(out, "utf8"));
    expect(kib).toBeGreaterThan(10_000);
    expect(kib / 1024).toBeLessThanOrEqual(80);
  });
});

describe("rxportal health serve", () => {
  it("serves /metrics; a scrape runs the probe, sign-ins are reused within --min-login-interval; Ctrl-C stops it", async () => {
    const child = startCli(["health", "serve", "--port", "0", "--login", "--min-login-interval", "300"], {
      home,
      env: { RXPORTAL_PASSWORD: PASSWORD },
    });
    try {
      const url = await firstLine(child);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const scrape = async () => {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
        return res.text();
      };
      const value = (text: string, series: string) =>
        Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
      const first = await scrape();
      expect(value(first, 'rxportal_login_success{profile="plain"}')).toBe(1);
      expect(value(first, 'rxportal_login_age_seconds{profile="plain"}')).toBeLessThan(1);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      // A fault on sign-in: a real login now would fail; the reused one still says it worked.
      sandbox.addFault({ kind: "status", value: 500, path: "/auth/login" });
      const second = await scrape();
      expect(value(second, 'rxportal_login_success{profile="plain"}')).toBe(1);
      expect(value(second, 'rxportal_login_age_seconds{profile="plain"}')).toBeGreaterThanOrEqual(1);
      // The status phase is measured fresh on every scrape.
      sandbox.addFault({ kind: "status", value: 503, path: "/status" });
      const third = await scrape();
      expect(value(third, 'rxportal_probe_success{profile="plain"}')).toBe(0);
      if (havePromtool) {
        const check = spawnSync("promtool", ["check", "metrics"], { input: second, encoding: "utf8" });
        expect(`${check.stdout}${check.stderr}`).toBe("");
        expect(check.status).toBe(0);
      }
      expect((await fetch(url.replace("/metrics", "/nope"))).status).toBe(404);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      const started = Date.now();
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });
});
