// The built binary against a real Secret Service: `login --remember` stores the password where
// secret-tool finds it, the session survives to the next run, `logout --forget` removes both.
// Runs inside `bash scripts/with-keyring.sh` (CI does); elsewhere it is skipped and says why.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeBackend } from "../../src/credentials/backend.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { runCli, tempHome } from "../helpers/spawn.js";

const info = await describeBackend(process.env);
const requiredHere = process.env.RXPORTAL_KEYRING_SESSION === "1";
const skipReason = info.backend === "secret-service" ? "" : `no Secret Service here (${info.detail})`;
const skip = skipReason !== "" && !requiredHere;
if (skip) process.stderr.write(`test/keychain/cli.test.ts: SKIPPED: ${skipReason}\n`);

const PASSWORD = "Sandbox-Pass-2026";
const profile = `cli-${process.pid}`;
let sandbox: RunningSandbox;
let home: string;
const env = () => ({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? "" });

function lookup(username: string) {
  const r = spawnSync("secret-tool", ["lookup", "service", `rxportal/${profile}`, "username", username], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return { found: r.status === 0, secret: r.stdout.replace(/\n$/, "") };
}

describe.skipIf(skip)(`rxportal with the OS keychain${skip ? ` [skipped: ${skipReason}]` : ""}`, () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    home = tempHome();
    mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
    writeFileSync(
      join(home, ".config", "rxportal", "config.yaml"),
      `defaultProfile: ${profile}\nprofiles:\n  ${profile}:\n    baseUrl: ${sandbox.baseUrl}\n`,
    );
  });
  afterAll(() => sandbox?.close());

  it("reports a lasting Secret Service", async () => {
    const r = await runCli(["keychain", "status", "--json"], { home, env: env() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: "secret-service", persistent: true });
  });

  it("login --remember stores the password for secret-tool, the session lasts, logout --forget removes it", async () => {
    const login = await runCli(["login", "--username", "pat.sample", "--password-stdin", "--remember"], {
      home,
      env: env(),
      input: `${PASSWORD}\n`,
    });
    expect(login.stderr).not.toContain(PASSWORD);
    expect(login.code).toBe(0);
    expect(lookup("pat.sample")).toEqual({ found: true, secret: PASSWORD });

    // A second run: no password given, the kept session answers.
    const who = await runCli(["whoami", "--json"], { home, env: env() });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ username: "pat.sample", memberId: "SBX100001" });

    const out = await runCli(["logout", "--forget"], { home, env: env() });
    expect(out.code).toBe(0);
    expect(lookup("pat.sample").found).toBe(false);
    const after = await runCli(["whoami"], { home, env: env() });
    expect(after.code).toBe(77);
  });
});
