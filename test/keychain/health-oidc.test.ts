// health --login on OIDC profiles with the OS keychain, the built binary end to end: a monitoring
// account signs in once with the device flow (`rxportal login`), then health --login uses the
// refresh token kept in the Secret Service, and writes the rotated one back so the next probe
// works too; a confidential monitoring client's secret stored with secret-tool is found by
// health --login. No token or secret in any run's output or any file under HOME.
// Runs inside `bash scripts/with-keyring.sh` (CI's keychain suite does); elsewhere it is skipped.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeBackend } from "../../src/credentials/backend.js";
import type { HealthReport } from "../../src/health/report.js";
import { SANDBOX_MONITOR_CLIENT_ID } from "../../src/sandbox/oidc.js";
import {
  closedPort,
  type OidcHealthSandbox,
  startOidcHealthSandbox,
  writeOidcConfig,
} from "../helpers/oidc-health.js";
import { approveDevice } from "../helpers/oidc-member.js";
import { type RunResult, runCli, startCli, tempHome } from "../helpers/spawn.js";

const info = await describeBackend(process.env);
const requiredHere = process.env.RXPORTAL_KEYRING_SESSION === "1";
const skipReason = info.backend === "secret-service" ? "" : `no Secret Service here (${info.detail})`;
const skip = skipReason !== "" && !requiredHere;
if (skip) process.stderr.write(`test/keychain/health-oidc.test.ts: SKIPPED: ${skipReason}\n`);

const env = () => ({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? "" });
let sbx: OidcHealthSandbox;
let home: string;
const runs: RunResult[] = [];

function lookup(service: string, account: string) {
  const r = spawnSync("secret-tool", ["lookup", "service", service, "username", account], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return { found: r.status === 0, secret: r.stdout.replace(/\n$/, "") };
}

async function run(args: string[], extra: Record<string, string> = {}) {
  const r = await runCli(args, { home, env: { ...env(), ...extra }, timeoutMs: 30_000 });
  runs.push(r);
  return r;
}

/** `rxportal login` as the monitoring account: the code from stderr, approved at the provider. */
async function deviceLogin(member: string): Promise<RunResult> {
  const child = startCli(["login", "--profile", "oidc"], { home, env: env() });
  let stdout = "";
  let stderr = "";
  let approving: Promise<unknown> | undefined;
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    const code = /open (\S+) in a browser on any device and enter the code: (\S+)/.exec(stderr);
    if (code && !approving) approving = approveDevice(code[1] as string, code[2] as string, member);
  });
  child.stdin?.end("");
  const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  await approving;
  const result = { code, signal: null, stdout, stderr, ms: 0 };
  runs.push(result);
  return result;
}

describe.skipIf(skip)(
  `health --login on OIDC profiles with the OS keychain${skip ? " [skipped]" : ""}`,
  () => {
    beforeAll(async () => {
      sbx = await startOidcHealthSandbox();
      home = tempHome();
      writeOidcConfig(join(home, ".config", "rxportal"), sbx, await closedPort());
    });
    afterAll(() => sbx?.close());

    it("the kept refresh token: OK, rotated and written back, OK again; the kept secret of a monitoring client", async () => {
      const login = await deviceLogin("monitor.totp");
      expect(login.code, login.stderr).toBe(0);
      const first = JSON.parse(lookup("rxportal/oidc", "monitor.totp#session").secret) as {
        refreshToken: string;
      };
      expect(first.refreshToken.length).toBeGreaterThan(20);

      const before = sbx.grants();
      const ok = await run(["health", "--login", "--profile", "oidc", "--json"]);
      expect(ok.code, ok.stderr + ok.stdout).toBe(0);
      const report = JSON.parse(ok.stdout) as HealthReport;
      expect(report.results[0]?.phases.map((p) => `${p.name}:${p.ok}`)).toEqual([
        "dns:true",
        "connect:true",
        "status:true",
        "discovery:true",
        "jwks:true",
        "token:true",
        "me:true",
      ]);
      expect(sbx.grants() - before).toBe(1);
      const second = JSON.parse(lookup("rxportal/oidc", "monitor.totp#session").secret) as {
        refreshToken: string;
      };
      // The sandbox's provider rotates refresh tokens: the spent one was replaced in the keychain.
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const again = await run(["health", "--login", "--profile", "oidc", "--format", "nagios"]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^RXPORTAL OK - oidc: sign-in works/);
      const third = JSON.parse(lookup("rxportal/oidc", "monitor.totp#session").secret) as {
        refreshToken: string;
      };

      const store = spawnSync(
        "secret-tool",
        [
          "store",
          "--label",
          "rxportal monitoring client",
          "service",
          "rxportal/monitor",
          "username",
          SANDBOX_MONITOR_CLIENT_ID,
        ],
        { input: sbx.monitorSecret, encoding: "utf8", timeout: 10_000 },
      );
      expect(store.status, store.stderr).toBe(0);
      const client = await run(["health", "--login", "--profile", "monitor", "--format", "prometheus"]);
      expect(client.code, client.stdout + client.stderr).toBe(0);
      expect(client.stdout).toMatch(/^rxportal_probe_phase_success\{profile="monitor",phase="token"\} 1$/m);

      const files = readdirSync(home, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
      expect(files.length).toBeGreaterThan(1);
      for (const secret of [first.refreshToken, second.refreshToken, third.refreshToken, sbx.monitorSecret]) {
        for (const r of runs) expect(r.stdout + r.stderr).not.toContain(secret);
        for (const file of files) expect(readFileSync(file, "latin1"), file).not.toContain(secret);
      }
    }, 120_000);
  },
);
