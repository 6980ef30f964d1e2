// End to end: the built binary's sign-in paths against one sandbox portal that many processes hit
// at once (issue 10, parts 4 and 7). Every case asserts the exit code, stdout and stderr.
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { type RunResult, runCli, tempHome } from "../helpers/spawn.js";

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox?.close());
beforeEach(() => sandbox.reset());

/** A HOME whose default profile "t" is this sandbox (not the built-in sandbox profile). */
function homeFor(sb: RunningSandbox): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: t\nprofiles:\n  t:\n    baseUrl: ${sb.baseUrl}\n    timeoutMs: 15000\n`,
  );
  return home;
}

/** The portal's own answer to the right password, asked directly: locked or not. */
async function portalLocks(username: string): Promise<boolean> {
  const res = await fetch(`${sandbox.baseUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: SANDBOX_PASSWORD }),
  });
  return res.status === 423;
}

const noInternalError = (r: RunResult) => {
  expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
};

describe("the lockout guard holds across processes", () => {
  it("10 wrong-password logins started together do not lock the account", async () => {
    const home = homeFor(sandbox);
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        runCli(["login", "--username", "pat.sample"], {
          home,
          env: { RXPORTAL_PASSWORD: "not-the-password" },
          timeoutMs: 60_000,
        }),
      ),
    );
    for (const r of runs) {
      noInternalError(r);
      expect(r.stdout).toBe("");
      expect([1, 75]).toContain(r.code);
      if (r.code === 1) expect(r.stderr).toMatch(/did not accept that username and password/);
      else expect(r.stderr).toMatch(/stopped this sign-in: 4 attempts in a row failed/);
      expect(r.stderr).not.toContain("not-the-password");
    }
    // Exactly the attempts the guard allows reached the portal: 5 allowed, one kept in reserve.
    expect(runs.filter((r) => r.code === 1)).toHaveLength(4);
    expect(await portalLocks("pat.sample")).toBe(false);
  }, 90_000);

  it("10 wrong-password `health --login`s started together do not lock it, and stop at the first refusal", async () => {
    const home = homeFor(sandbox);
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        runCli(["health", "--login", "--username", "pat.sample"], {
          home,
          env: { RXPORTAL_PASSWORD: "not-the-password" },
          timeoutMs: 60_000,
        }),
      ),
    );
    for (const r of runs) {
      noInternalError(r);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/CRITICAL t .*sign-in failed/);
      expect(r.stdout).not.toContain("not-the-password");
    }
    // One refusal, then no attempt at all: a monitor never sends a refused password again.
    expect(runs.filter((r) => /health will not send it again/.test(r.stdout))).toHaveLength(1);
    expect(runs.filter((r) => /Not tried: the portal refused the last sign-in/.test(r.stdout))).toHaveLength(
      9,
    );
    expect(await portalLocks("pat.sample")).toBe(false);
  }, 90_000);

  it("20 `health --login` runs, each with a fresh HOME and one shared RXPORTAL_STATE_DIR, do not lock it", async () => {
    const state = mkdtempSync(join(tmpdir(), "rxportal-shared-state-"));
    const runs: RunResult[] = [];
    // Two waves of ten, as monitors in fresh containers would start.
    for (let wave = 0; wave < 2; wave++) {
      runs.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, () =>
            runCli(["health", "--login", "--username", "pat.sample", "--format", "json"], {
              home: homeFor(sandbox),
              env: { RXPORTAL_PASSWORD: "not-the-password", RXPORTAL_STATE_DIR: state },
              timeoutMs: 60_000,
            }),
          ),
        )),
      );
    }
    for (const r of runs) {
      noInternalError(r);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ state: "CRITICAL", exitCode: 2 });
      expect(r.stdout).not.toContain("not-the-password");
    }
    expect(runs.filter((r) => r.stdout.includes("invalid_credentials"))).toHaveLength(1);
    expect(await portalLocks("pat.sample")).toBe(false);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(state, "lockout-guard")).filter((f) => f.endsWith(".json"))).toHaveLength(1);
  }, 120_000);

  it("tightens our folders found with loose modes to 0700", async () => {
    const home = homeFor(sandbox);
    const data = join(home, ".local", "share", "rxportal");
    mkdirSync(data, { recursive: true, mode: 0o755 });
    const r = await runCli(["login", "--username", "pat.sample"], {
      home,
      env: { RXPORTAL_PASSWORD: "not-the-password" },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/did not accept/);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, "lockout-guard")).mode & 0o777).toBe(0o700);
  });
});
