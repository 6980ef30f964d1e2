// End to end: the built binary's `health --login` on OIDC profiles, spawned as a monitor runs it,
// against a real OpenID Provider (oidc-provider, started here beside the sandbox portal, counting
// every request it gets). Every output format on the OK path, a revoked refresh token, a provider
// nothing answers at, a slow token phase against --warn-ms/--crit-ms, and the client credentials
// grant of a confidential monitoring client (right and wrong secret, from the environment and from
// a 0600 file). The grant is sent once per run, never retried; no refresh token or client secret
// appears in any run's stdout or stderr, nor in any file under its HOME.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthReport } from "../../src/health/report.js";
import {
  closedPort,
  OIDC_PHASES,
  type OidcHealthSandbox,
  startOidcHealthSandbox,
  writeOidcConfig,
} from "../helpers/oidc-health.js";
import { type RunResult, runCli, tempHome } from "../helpers/spawn.js";

let sbx: OidcHealthSandbox;
let home: string;
let secrets: string[];
const runs: RunResult[] = [];
const FORMATS = [
  ["human", ["--format", "human"]],
  ["json", ["--format", "json"]],
  ["--json", ["--json"]],
  ["prometheus", ["--format", "prometheus"]],
  ["nagios", ["--format", "nagios"]],
] as const;
type FormatName = (typeof FORMATS)[number][0];

beforeAll(async () => {
  sbx = await startOidcHealthSandbox();
  secrets = [sbx.monitorSecret];
  home = tempHome();
  writeOidcConfig(join(home, ".config", "rxportal"), sbx, await closedPort());
});
afterAll(() => sbx?.close());

async function health(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const r = await runCli(["health", "--login", ...args], { home, env, timeoutMs: 30_000 });
  runs.push(r);
  return r;
}

async function token(): Promise<string> {
  const t = await sbx.refreshToken();
  secrets.push(t);
  return t;
}

/** The phases of one profile's probe as each format shows them: [name, ok] pairs. */
function phasesOf(format: FormatName, stdout: string): [string, boolean][] {
  switch (format) {
    case "json":
    case "--json": {
      const report = JSON.parse(stdout) as HealthReport;
      return (report.results[0]?.phases ?? []).map((p) => [p.name, p.ok]);
    }
    case "prometheus":
      return [
        ...stdout.matchAll(/^rxportal_probe_phase_success\{profile="[^"]+",phase="(\w+)"\} (\d)$/gm),
      ].map((m) => [m[1] as string, m[2] === "1"]);
    case "nagios": {
      // perfdata names every phase; the status text names a failed one.
      const perf = stdout.split(" | ")[1] ?? "";
      return [...perf.matchAll(/'(\w+)'=[\d.]+s/g)]
        .map((m) => m[1] as string)
        .filter((n) => n !== "time")
        .map((n) => [n, !new RegExp(`\\b${n} failed`).test(stdout)]);
    }
    default:
      return [...stdout.matchAll(/^ {2}(\w+) +[\d.]+ ms +(ok|FAILED)/gm)]
        .filter((m) => m[1] !== "total")
        .map((m) => [m[1] as string, m[2] === "ok"]);
  }
}

function stateOf(format: FormatName, stdout: string): string {
  switch (format) {
    case "json":
    case "--json":
      return (JSON.parse(stdout) as HealthReport).state;
    case "prometheus": {
      const n = /^rxportal_probe_state\{profile="[^"]+"\} (\d)$/m.exec(stdout)?.[1];
      return ["OK", "WARNING", "CRITICAL", "UNKNOWN"][Number(n)] ?? `? ${stdout}`;
    }
    case "nagios":
      return /^RXPORTAL (\w+) - /.exec(stdout)?.[1] ?? `? ${stdout}`;
    default:
      return /^(OK|WARNING|CRITICAL|UNKNOWN) /.exec(stdout)?.[1] ?? `? ${stdout}`;
  }
}

describe("health --login on an OIDC profile, the built binary", () => {
  it.each(FORMATS)(
    "OK in %s: the four phases, exit 0, the refresh grant sent once",
    async (format, flags) => {
      const refresh = await token();
      const before = sbx.grants();
      const r = await health([...flags], { RXPORTAL_REFRESH_TOKEN: refresh });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stderr).toBe("");
      expect(stateOf(format, r.stdout)).toBe("OK");
      const phases = phasesOf(format, r.stdout);
      expect(phases.map(([n]) => n)).toEqual(["dns", "connect", "status", ...OIDC_PHASES]);
      expect(phases.every(([, ok]) => ok)).toBe(true);
      expect(sbx.grants() - before).toBe(1);
    },
  );

  it("--refresh-token-file (0600) works like RXPORTAL_REFRESH_TOKEN; a file others can read is UNKNOWN", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rxportal-rt-"));
    const file = join(dir, "monitor.token");
    writeFileSync(file, `${await token()}\n`, { mode: 0o600 });
    const ok = await health(["--refresh-token-file", file, "--format", "nagios"]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^RXPORTAL OK - oidc: /);
    chmodSync(file, 0o644);
    const open = await health(["--refresh-token-file", file, "--format", "nagios"]);
    expect(open.code).toBe(3);
    expect(open.stdout).toMatch(/^RXPORTAL UNKNOWN - --refresh-token-file \S+ can be read by other users/);
    expect(open.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(FORMATS)(
    "a revoked refresh token in %s: CRITICAL with invalid_grant, exit 2, no /me, the grant sent once",
    async (format, flags) => {
      const refresh = await token();
      await sbx.revoke(refresh);
      const before = sbx.grants();
      const r = await health([...flags], { RXPORTAL_REFRESH_TOKEN: refresh });
      expect(r.code, r.stderr + r.stdout).toBe(2);
      expect(sbx.grants() - before).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
      expect(stateOf(format, r.stdout)).toBe("CRITICAL");
      const phases = phasesOf(format, r.stdout);
      expect(phases.map(([n]) => n)).toEqual(["dns", "connect", "status", "discovery", "jwks", "token"]);
      expect(phases.find(([n]) => n === "token")?.[1]).toBe(false);
      expect(r.stdout).toContain("invalid_grant");
    },
  );

  it.each(FORMATS)(
    "a provider nothing answers at, in %s: CRITICAL (discovery failed), exit 2, no token asked for",
    async (format, flags) => {
      const before = sbx.requests.length;
      const r = await health(["--profile", "down", ...flags], {
        RXPORTAL_REFRESH_TOKEN: "not-sent-anywhere",
      });
      expect(r.code, r.stderr + r.stdout).toBe(2);
      expect(sbx.requests.length).toBe(before);
      expect(stateOf(format, r.stdout)).toBe("CRITICAL");
      const phases = phasesOf(format, r.stdout);
      expect(phases.map(([n]) => n)).toEqual(["dns", "connect", "status", "discovery"]);
      expect(phases.at(-1)?.[1]).toBe(false);
      if (format !== "prometheus") expect(r.stdout).toMatch(/did not answer its discovery request/);
      else
        expect(r.stdout).toMatch(
          /rxportal_probe_phase_error_info\{[^}]*phase="discovery",code="oidc_unavailable"\} 1/,
        );
    },
  );

  it("a slow token phase: WARNING above --warn-ms token=, CRITICAL above --crit-ms token= (client credentials)", async () => {
    sbx.delays.set("/token", 400);
    try {
      const env = { RXPORTAL_CLIENT_SECRET: sbx.monitorSecret };
      const warn = await health(
        ["--profile", "monitor", "--warn-ms", "token=150", "--format", "nagios"],
        env,
      );
      expect(warn.code, warn.stdout + warn.stderr).toBe(1);
      expect(warn.stdout).toMatch(/^RXPORTAL WARNING - monitor: token took \d+ ms \(warning above 150 ms\)/);
      expect(warn.stdout).toMatch(/'token'=0\.[4-9]\d*s;0\.15;;0/);
      const crit = await health(
        ["--profile", "monitor", "--warn-ms", "token=100", "--crit-ms", "token=150", "--json"],
        env,
      );
      expect(crit.code, crit.stdout + crit.stderr).toBe(2);
      const report = JSON.parse(crit.stdout) as HealthReport;
      expect(report.results[0]?.reasons).toEqual([
        { state: "CRITICAL", text: expect.stringMatching(/^token took \d+ ms \(critical above 150 ms\)$/) },
      ]);
      const fine = await health(
        ["--profile", "monitor", "--warn-ms", "token=3000", "--format", "prometheus"],
        env,
      );
      expect(fine.code, fine.stdout).toBe(0);
    } finally {
      sbx.delays.delete("/token");
    }
  });
});

describe("health --login with a confidential monitoring client (auth.monitor: client credentials)", () => {
  it.each(FORMATS)(
    "OK in %s with RXPORTAL_CLIENT_SECRET: the four phases, one grant",
    async (format, flags) => {
      const before = sbx.grants();
      const r = await health(["--profile", "monitor", ...flags], {
        RXPORTAL_CLIENT_SECRET: sbx.monitorSecret,
      });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(stateOf(format, r.stdout)).toBe("OK");
      expect(phasesOf(format, r.stdout)).toEqual(
        ["dns", "connect", "status", ...OIDC_PHASES].map((n) => [n, true]),
      );
      expect(sbx.grants() - before).toBe(1);
      if (format === "human")
        expect(r.stdout).toMatch(/token +[\d.]+ ms +ok +client credentials \(rxportal-monitor\)/);
    },
  );

  it("--client-secret-file (0600) works; a wrong secret is CRITICAL with invalid_client, the grant sent once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rxportal-cs-"));
    const file = join(dir, "monitor.secret");
    writeFileSync(file, `${sbx.monitorSecret}\n`, { mode: 0o600 });
    const ok = await health(["--profile", "monitor", "--client-secret-file", file, "--json"]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);

    const wrong = `wrong-${sbx.monitorSecret}`;
    secrets.push(wrong);
    for (const [format, flags] of FORMATS) {
      const before = sbx.grants();
      const r = await health(["--profile", "monitor", ...flags], { RXPORTAL_CLIENT_SECRET: wrong });
      expect(r.code, `${format}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(sbx.grants() - before).toBe(1);
      expect(stateOf(format, r.stdout)).toBe("CRITICAL");
      expect(r.stdout).toContain("invalid_client");
      expect(phasesOf(format, r.stdout).find(([n]) => n === "token")?.[1]).toBe(false);
    }
  });

  it("no secret anywhere: UNKNOWN (exit 3) naming where to put it; a secret in the config file: UNKNOWN naming the key", async () => {
    const none = await health(["--profile", "monitor", "--format", "nagios"]);
    expect(none.code).toBe(3);
    expect(none.stdout).toMatch(
      /^RXPORTAL UNKNOWN - health --login on the OIDC profile "monitor" has no secret for its monitoring client rxportal-monitor \(auth\.monitor\): set RXPORTAL_CLIENT_SECRET, pass --client-secret-file/,
    );
    expect(none.stderr.trim().split("\n")[0]).toMatch(/^rxportal: health --login on the OIDC profile/);

    const other = tempHome();
    const dir = join(other, ".config", "rxportal");
    writeOidcConfig(dir, sbx, 9);
    const file = join(dir, "config.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "monitor: { clientId: rxportal-monitor }",
        `monitor: { clientId: rxportal-monitor, clientSecret: "${sbx.monitorSecret}" }`,
      ),
      { mode: 0o600 },
    );
    const r = await runCli(["health", "--login", "--profile", "monitor", "--format", "nagios"], {
      home: other,
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^RXPORTAL UNKNOWN - .*profiles\.monitor\.auth\.monitor\.clientSecret/);
    const validate = await runCli(["config", "validate"], { home: other });
    expect(validate.code).toBe(78);
    expect(validate.stderr).toMatch(/profiles\.monitor\.auth\.monitor\.clientSecret/);
    for (const run of [r, validate]) expect(run.stdout + run.stderr).not.toContain(sbx.monitorSecret);
  });
});

describe("--verbose", () => {
  it("traces the provider's requests with the grant's secrets redacted (refresh token, client secret)", async () => {
    const refresh = await token();
    const r = await health(["--verbose", "--format", "nagios"], { RXPORTAL_REFRESH_TOKEN: refresh });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^rxportal: → POST http:\/\/127\.0\.0\.1:\d+\/token \S*refresh_token=\[redacted\]&grant_type=refresh_token/m,
    );
    const c = await health(["--verbose", "--profile", "monitor", "--format", "nagios"], {
      RXPORTAL_CLIENT_SECRET: sbx.monitorSecret,
    });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(
      /^rxportal: → POST http:\/\/127\.0\.0\.1:\d+\/token \S*grant_type=client_credentials/m,
    );
  });
});

describe("canary", () => {
  it("no refresh token or client secret in any run's stdout or stderr, nor in any file under HOME", () => {
    expect(runs.length).toBeGreaterThan(20);
    expect(secrets.length).toBeGreaterThan(10);
    const files = readdirSync(home, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    for (const secret of secrets) {
      for (const run of runs) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
      for (const file of files) expect(readFileSync(file, "utf8")).not.toContain(secret);
    }
  });
});
