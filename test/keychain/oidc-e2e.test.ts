// Done-when of issue 14, end to end: the built binary signs in with the device flow at a real
// OpenID Provider (`rxportal sandbox --oidc`, itself the built binary), lists and orders refills
// with the provider's access token, and signs out, revoking the refresh token. The refresh token
// is in the Secret Service, where secret-tool finds it, and nowhere else: not on stdout or stderr
// of any run, not in any file under the test's HOME.
// Runs inside `bash scripts/with-keyring.sh` (CI's keychain suite does); elsewhere it is skipped
// and says why.
import { type ChildProcess, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeBackend } from "../../src/credentials/backend.js";
import { approveDevice } from "../helpers/oidc-member.js";
import { type RunResult, runCli, startCli, tempHome } from "../helpers/spawn.js";

const info = await describeBackend(process.env);
const requiredHere = process.env.RXPORTAL_KEYRING_SESSION === "1";
const skipReason = info.backend === "secret-service" ? "" : `no Secret Service here (${info.detail})`;
const skip = skipReason !== "" && !requiredHere;
if (skip) process.stderr.write(`test/keychain/oidc-e2e.test.ts: SKIPPED: ${skipReason}\n`);

const profile = `oidc-${process.pid}`;
const env = () => ({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? "" });
let server: ChildProcess;
let home: string;
let baseUrl: string;
let issuer: string;
const runs: RunResult[] = [];

function lookup(account: string) {
  const r = spawnSync("secret-tool", ["lookup", "service", `rxportal/${profile}`, "username", account], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return { found: r.status === 0, secret: r.stdout.replace(/\n$/, "") };
}

/** The first `n` stdout lines of a long-running child. */
function lines(child: ChildProcess, n: number, timeoutMs = 20_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(
      () => reject(new Error(`no ${n} lines within ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const got = out.split("\n");
      if (got.length > n) {
        clearTimeout(timer);
        resolve(got.slice(0, n));
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** `rxportal login` as the member does it: read the code on stderr, approve it at the provider. */
async function deviceLogin(): Promise<RunResult> {
  const child = startCli(["login"], { home, env: env() });
  const started = Date.now();
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  const approved = new Promise<void>((resolve, reject) => {
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const code = /open (\S+) in a browser on any device and enter the code: (\S+)/.exec(stderr);
      if (code && !stderr.includes("\u0000approved")) {
        stderr += "\u0000approved";
        approveDevice(code[1] as string, code[2] as string, "pat.sample").then(() => resolve(), reject);
      }
    });
  });
  child.stdin?.end("");
  const closed = new Promise<RunResult>((resolve) =>
    child.on("close", (code, signal) =>
      resolve({
        code,
        signal,
        stdout,
        stderr: stderr.replace("\u0000approved", ""),
        ms: Date.now() - started,
      }),
    ),
  );
  const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
  // A login that ends before showing a code (an error) must not leave the test waiting.
  await Promise.race([approved, closed]);
  const result = await closed;
  clearTimeout(timer);
  return result;
}

describe.skipIf(skip)(
  `OIDC device flow end to end with the OS keychain${skip ? ` [skipped: ${skipReason}]` : ""}`,
  () => {
    beforeAll(async () => {
      home = tempHome();
      server = startCli(["sandbox", "--oidc", "--port", "0"], { home: tempHome() });
      [baseUrl = "", issuer = ""] = await lines(server, 2);
      mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
      writeFileSync(
        join(home, ".config", "rxportal", "config.yaml"),
        `defaultProfile: ${profile}\nprofiles:\n  ${profile}:\n    baseUrl: ${baseUrl}\n    auth:\n      type: oidc\n      issuer: ${issuer}\n      clientId: rxportal-cli\n      audience: urn:rxportal:sandbox-api\n`,
      );
    }, 30_000);
    afterAll(() => {
      server?.kill("SIGTERM");
    });

    it("login -> refill list -> refill order -> logout; the refresh token only in the keychain", async () => {
      const login = await deviceLogin();
      runs.push(login);
      expect(login.stderr).toMatch(/enter the code: [A-Z]{4}-[A-Z]{4}/);
      expect(login.code, login.stderr).toBe(0);
      expect(login.stdout).toBe(`Signed in as Pat Sample (pat.sample) on ${profile}.\n`);

      const kept = lookup("pat.sample#session");
      expect(kept.found).toBe(true);
      const session = JSON.parse(kept.secret) as {
        refreshToken: string;
        accessToken: string;
        subject: string;
      };
      expect(session.subject).toBe("pat.sample");
      expect(session.refreshToken.length).toBeGreaterThan(20);

      const list = await runCli(["refill", "list", "--json"], { home, env: env() });
      runs.push(list);
      expect(list.code, list.stderr).toBe(0);
      type Listed = { members: { prescriptions: { rxId: string; status: string }[] }[] };
      const active = (JSON.parse(list.stdout) as Listed).members
        .flatMap((m) => m.prescriptions)
        .find((p) => p.status === "active");
      expect(active, list.stdout).toBeDefined();

      const order = await runCli(["refill", "order", active?.rxId as string, "--yes", "--json"], {
        home,
        env: env(),
      });
      runs.push(order);
      expect(order.code, order.stderr).toBe(0);
      expect(JSON.parse(order.stdout)).toMatchObject({ orderId: expect.any(String) });

      const who = await runCli(["whoami", "--json"], { home, env: env() });
      runs.push(who);
      expect(who.code, who.stderr).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({
        provider: { issuer, subject: "pat.sample", name: "Pat Sample" },
        memberId: "SBX100001",
      });

      const out = await runCli(["logout"], { home, env: env() });
      runs.push(out);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toContain("revoked at the sign-in provider");
      expect(lookup("pat.sample#session").found).toBe(false);
      const after = await runCli(["refill", "list"], { home, env: env() });
      runs.push(after);
      expect(after.code).toBe(77);

      // The canary: the tokens appear in no output of any run and in no file under HOME.
      for (const secret of [session.refreshToken, session.accessToken]) {
        for (const run of runs) {
          expect(run.stdout).not.toContain(secret);
          expect(run.stderr).not.toContain(secret);
        }
        for (const file of filesUnder(home)) expect(readFileSync(file, "latin1"), file).not.toContain(secret);
      }
      expect(filesUnder(home).length).toBeGreaterThan(1);
    }, 90_000);
  },
);
