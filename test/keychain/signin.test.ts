// The built binary against a real Secret Service: what `logout` leaves behind is said plainly and
// no longer signs anyone in by itself, `logout --all` reaches every profile, and `keychain status`
// lists who has something kept (names only). Runs inside `bash scripts/with-keyring.sh` (CI
// does); elsewhere it is skipped and says why.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeBackend } from "../../src/credentials/backend.js";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { runCli, tempHome } from "../helpers/spawn.js";

const info = await describeBackend(process.env);
const requiredHere = process.env.RXPORTAL_KEYRING_SESSION === "1";
const skipReason = info.backend === "secret-service" ? "" : `no Secret Service here (${info.detail})`;
const skip = skipReason !== "" && !requiredHere;
if (skip) process.stderr.write(`test/keychain/signin.test.ts: SKIPPED: ${skipReason}\n`);

const one = `so-${process.pid}-a`;
const two = `so-${process.pid}-b`;
let sandbox: RunningSandbox;
let home: string;
const env = () => ({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? "" });

function lookup(profile: string, account: string) {
  const r = spawnSync("secret-tool", ["lookup", "service", `rxportal/${profile}`, "username", account], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return r.status === 0;
}

const cli = (args: string[], input?: string) => runCli(args, { home, env: env(), input, timeoutMs: 30_000 });

describe.skipIf(skip)(`sign-out and what is kept${skip ? ` [skipped: ${skipReason}]` : ""}`, () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    // Leave nothing in the keyring whatever happened.
    if (home) await cli(["logout", "--all", "--forget"]);
    await sandbox?.close();
  });
  beforeEach(() => {
    sandbox.reset();
    home = tempHome();
    mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
    writeFileSync(
      join(home, ".config", "rxportal", "config.yaml"),
      `defaultProfile: ${one}\nprofiles:\n  ${one}:\n    baseUrl: ${sandbox.baseUrl}\n  ${two}:\n    baseUrl: ${sandbox.baseUrl}\n`,
    );
  });

  it("logout with a remembered password says so, and the next command does not sign in by itself", async () => {
    const login = await cli(
      ["login", "--username", "pat.sample", "--password-stdin", "--remember"],
      `${SANDBOX_PASSWORD}\n`,
    );
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/^Signed in as .* on so-/);
    expect(login.stderr).toMatch(/kept in the OS keychain; `rxportal logout --forget` removes it/);

    const out = await cli(["logout"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`Signed out pat.sample on ${one}.\n`);
    expect(out.stderr).toMatch(
      /password of pat\.sample is still remembered in the keychain: commands no longer sign in with it by themselves, but `rxportal login` will, without asking\. `rxportal logout --forget` removes it\./,
    );
    expect(lookup(one, "pat.sample")).toBe(true);
    expect(lookup(one, "pat.sample#session")).toBe(false);

    // The privacy bug: this used to sign in again silently with the remembered password.
    const card = await cli(["id-card"]);
    expect(card.code).toBe(77);
    expect(card.stdout).toBe("");
    expect(card.stderr).toMatch(/pat\.sample signed out on so-.*rxportal login/s);

    // `login` itself may use it, and says so.
    const again = await cli(["login"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Signed in as /);
    expect(again.stderr).toMatch(
      /signed in with the password remembered in the keychain; `rxportal logout --forget` removes it/,
    );
    const card2 = await cli(["id-card", "--json"]);
    expect(card2.code).toBe(0);

    const forget = await cli(["logout", "--forget"]);
    expect(forget.code).toBe(0);
    expect(forget.stdout).toBe(`Signed out pat.sample on ${one}.\nThe remembered password is removed.\n`);
    expect(forget.stderr).toBe("");
    expect(lookup(one, "pat.sample")).toBe(false);
  });

  it("keychain status lists who has what (names only); logout --all reaches every profile", async () => {
    expect(
      (
        await cli(
          ["login", "--username", "pat.sample", "--password-stdin", "--remember"],
          `${SANDBOX_PASSWORD}\n`,
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          ["--profile", two, "login", "--username", "wren.medicare", "--password-stdin"],
          `${SANDBOX_PASSWORD}\n`,
        )
      ).code,
    ).toBe(0);

    const status = await cli(["keychain", "status"]);
    expect(status.code).toBe(0);
    expect(status.stderr).toBe("");
    expect(status.stdout).toContain(`  ${one}: pat.sample (session, remembered password)\n`);
    expect(status.stdout).toContain(`  ${two}: wren.medicare (session)\n`);
    expect(status.stdout).not.toContain(SANDBOX_PASSWORD);
    const json = await cli(["keychain", "status", "--json"]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.kept).toEqual(
      expect.arrayContaining([
        { profile: one, username: "pat.sample", password: true, session: true },
        { profile: two, username: "wren.medicare", password: false, session: true },
      ]),
    );
    expect(json.stdout).not.toMatch(/accessToken|Sandbox-Pass/);

    const all = await cli(["logout", "--all"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`Signed out pat.sample on ${one}.\n`);
    expect(all.stdout).toContain(`Signed out wren.medicare on ${two}.\n`);
    expect(all.stderr).toMatch(
      /passwords are still remembered for pat\.sample \(so-.*`rxportal logout --all --forget` removes them/,
    );
    expect(lookup(one, "pat.sample#session")).toBe(false);
    expect(lookup(two, "wren.medicare#session")).toBe(false);
    expect(lookup(one, "pat.sample")).toBe(true);

    const forget = await cli(["logout", "--all", "--forget"]);
    expect(forget.code).toBe(0);
    expect(forget.stdout).toBe(`Signed out pat.sample on ${one}; the remembered password is removed.\n`);
    expect(lookup(one, "pat.sample")).toBe(false);
    const empty = await cli(["keychain", "status"]);
    expect(empty.stdout).toContain("Kept on this machine: nothing.\n");
  });
});
