// Sign-in flows against the real sandbox portal, through `run()` with an in-process context.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { memoryCredentials, testContext } from "../helpers/context.js";
import { ScriptedPrompter } from "../helpers/prompter.js";

const PASSWORD = "Sandbox-Pass-2026";
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const newestCode = (username: string) => {
  const mine = sandbox.outbox().filter((m) => m.to === username && m.kind === "mfa");
  return mine[mine.length - 1]?.code ?? "";
};

describe("rxportal login", () => {
  it("signs in a healthy member from stdin, keeps the session, and whoami uses it", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    t.stdin.end(`${PASSWORD}\n`);
    expect(await run(["login", "--username", "pat.sample", "--password-stdin", "--json"], t.ctx)).toBe(0);
    const doc = JSON.parse(t.stdout.text);
    expect(doc).toMatchObject({
      username: "pat.sample",
      sessionKept: true,
      member: { memberId: "SBX100001" },
    });
    expect(JSON.stringify(doc)).not.toContain("accessToken");
    const session = await t.credentials.store.getSession("test", "pat.sample");
    expect(session?.accessToken).toBeTruthy();

    const again = testContext({ dir: t.dir, credentials: t.credentials });
    expect(await run(["whoami", "--json"], again.ctx)).toBe(0);
    expect(JSON.parse(again.stdout.text)).toMatchObject({
      username: "pat.sample",
      dependents: expect.any(Array),
    });
  });

  it("refreshes an expired access token instead of asking for the password", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    t.stdin.end(`${PASSWORD}\n`);
    expect(await run(["login", "--username", "pat.sample", "--password-stdin"], t.ctx)).toBe(0);
    const before = await t.credentials.store.getSession("test", "pat.sample");
    if (!before) throw new Error("login kept no session");
    sandbox.advanceClock(20 * 60_000);
    // Our clock must agree that the token expired: move the stored expiry back.
    await t.credentials.store.setSession("test", "pat.sample", {
      ...before,
      expiresAt: new Date(0).toISOString(),
    });
    const again = testContext({ dir: t.dir, credentials: t.credentials });
    expect(await run(["whoami"], again.ctx)).toBe(0);
    const after = await t.credentials.store.getSession("test", "pat.sample");
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
  });

  it("walks email MFA: a stale code after a resend is refused, the newest works", async () => {
    let stale = "";
    const prompter = new ScriptedPrompter([
      PASSWORD,
      () => {
        stale = newestCode("erin.emailcode");
        sandbox.advanceClock(31_000); // the sandbox allows one resend per 30 s
        return "r";
      },
      () => stale,
      () => newestCode("erin.emailcode"),
    ]);
    const t = testContext({ baseUrl: sandbox.baseUrl, prompter });
    const code = await run(["login", "--username", "erin.emailcode"], t.ctx);
    expect(t.stderr.text).toMatch(/sent by an email to/);
    expect(t.stderr.text).toMatch(/_sandbox\/outbox/);
    expect(t.stderr.text).toMatch(/It works for 15 minutes/);
    expect(t.stderr.text).toMatch(/A new code was sent .* Earlier codes no longer work/);
    expect(t.stderr.text).toMatch(/That code was not accepted/);
    expect(code).toBe(0);
    expect(prompter.asked).toHaveLength(4);
    expect(t.stdout.text).toMatch(/Signed in as/);
  });

  it("r too soon at the prompt: stays, says when, and the code already sent works", async () => {
    const prompter = new ScriptedPrompter([PASSWORD, "r", "R", () => newestCode("sam.textcode")]);
    const t = testContext({ baseUrl: sandbox.baseUrl, prompter });
    const code = await run(["login", "--username", "sam.textcode"], t.ctx);
    expect(t.stderr.text).toMatch(/sent by a text message to/);
    expect(t.stderr.text.match(/A new code can be sent in \d+ seconds/g)).toHaveLength(2);
    expect(t.stderr.text).not.toMatch(/limiting requests/);
    expect(code).toBe(0);
    expect(t.stdout.text).toMatch(/Signed in as/);
    // Only one code was ever sent: the portal refused both resends.
    expect(sandbox.outbox().filter((m) => m.to === "sam.textcode")).toHaveLength(1);
  });

  it("reads the TOTP code from RXPORTAL_TOTP_SECRET for a monitoring account", async () => {
    const t = testContext({
      baseUrl: sandbox.baseUrl,
      env: { RXPORTAL_PASSWORD: PASSWORD, RXPORTAL_TOTP_SECRET: "XBZ3MMVUGRY5T4DUUNB5WREM4KQKXW3Z" },
    });
    expect(await run(["login", "--username", "monitor.totp"], t.ctx)).toBe(0);
  });

  it("a locked account exits 75 with the lock time and next steps", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl, env: { RXPORTAL_PASSWORD: PASSWORD } });
    expect(await run(["login", "--username", "lee.locked"], t.ctx)).toBe(75);
    expect(t.stderr.text).toMatch(/locked after too many failed sign-ins until .*\d{2}:\d{2}/);
    expect(t.stderr.text).toMatch(/rxportal reset/);
  });

  it("an expired password exits 1 and points to reset", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl, env: { RXPORTAL_PASSWORD: PASSWORD } });
    expect(await run(["login", "--username", "morgan.expired"], t.ctx)).toBe(1);
    expect(t.stderr.text).toMatch(/password has expired.*rxportal reset/);
  });

  it("without a terminal or a password source it exits 77 (login) or 64 (a prompt was needed)", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    expect(await run(["whoami"], t.ctx)).toBe(77);
    const l = testContext({ baseUrl: sandbox.baseUrl });
    expect(await run(["login", "--username", "pat.sample"], l.ctx)).toBe(64);
    expect(l.stderr.text).toMatch(/--password-stdin/);
  });

  it("--remember without a lasting keychain exits 77 and stores nothing", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl, credentials: memoryCredentials(false) });
    t.stdin.end(`${PASSWORD}\n`);
    expect(await run(["login", "--username", "pat.sample", "--password-stdin", "--remember"], t.ctx)).toBe(
      77,
    );
    expect(t.stderr.text).toMatch(/keychain status/);
    expect(await t.credentials.store.getPassword("test", "pat.sample")).toBeUndefined();
  });

  it("logout --forget removes the session and the remembered password", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    t.stdin.end(`${PASSWORD}\n`);
    expect(await run(["login", "--username", "pat.sample", "--password-stdin", "--remember"], t.ctx)).toBe(0);
    expect(await t.credentials.store.getPassword("test", "pat.sample")).toBe(PASSWORD);
    const out = testContext({ dir: t.dir, credentials: t.credentials });
    expect(await run(["logout", "--forget"], out.ctx)).toBe(0);
    expect(await t.credentials.store.getSession("test", "pat.sample")).toBeUndefined();
    expect(await t.credentials.store.getPassword("test", "pat.sample")).toBeUndefined();
  });
});

describe("logout ends access", () => {
  it("a remembered password no longer signs commands in by themselves, even when a prompt is possible", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    t.stdin.end(`${PASSWORD}\n`);
    expect(await run(["login", "--username", "pat.sample", "--password-stdin", "--remember"], t.ctx)).toBe(0);
    const out = testContext({ dir: t.dir, credentials: t.credentials });
    expect(await run(["logout"], out.ctx)).toBe(0);
    expect(out.stderr.text).toMatch(/still remembered in the keychain.*--forget/);
    expect(await t.credentials.store.getPassword("test", "pat.sample")).toBe(PASSWORD);

    const script = testContext({ dir: t.dir, credentials: t.credentials });
    expect(await run(["id-card"], script.ctx)).toBe(77);
    expect(script.stderr.text).toMatch(/pat\.sample signed out on test/);

    // A person at the keyboard is asked for the password: the remembered one is not used silently.
    const prompter = new ScriptedPrompter([PASSWORD]);
    const person = testContext({ dir: t.dir, credentials: t.credentials, prompter });
    expect(await run(["id-card"], person.ctx)).toBe(0);
    expect(prompter.asked).toHaveLength(1);
    // That sign-in ended the signed-out state; the kept session now answers.
    const later = testContext({ dir: t.dir, credentials: t.credentials });
    expect(await run(["id-card"], later.ctx)).toBe(0);
  });
});

describe("the lockout guard against the sandbox", () => {
  it("a scripted wrong-password loop never locks the account", async () => {
    const dir = testContext().dir;
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const t = testContext({ baseUrl: sandbox.baseUrl, dir, env: { RXPORTAL_PASSWORD: `wrong-${i}` } });
      codes.push(await run(["login", "--username", "pat.sample"], t.ctx));
    }
    expect(codes).toEqual([1, 1, 1, 1, 75, 75, 75, 75]);
    // The portal never locked it: the right password still works (a fresh folder has no guard state).
    const ok = testContext({ baseUrl: sandbox.baseUrl, env: { RXPORTAL_PASSWORD: PASSWORD } });
    expect(await run(["login", "--username", "pat.sample"], ok.ctx)).toBe(0);
  });

  it("--force goes past the guard, and then the portal locks the account", async () => {
    const dir = testContext().dir;
    for (let i = 0; i < 4; i++) {
      const t = testContext({ baseUrl: sandbox.baseUrl, dir, env: { RXPORTAL_PASSWORD: `wrong-${i}` } });
      await run(["login", "--username", "pat.sample"], t.ctx);
    }
    const forced = testContext({ baseUrl: sandbox.baseUrl, dir, env: { RXPORTAL_PASSWORD: "wrong-again" } });
    expect(await run(["login", "--username", "pat.sample", "--force"], forced.ctx)).toBe(75);
    expect(forced.stderr.text).toMatch(/warning: --force given/);
    expect(forced.stderr.text).toMatch(/locked/);
    const after = testContext({ baseUrl: sandbox.baseUrl, env: { RXPORTAL_PASSWORD: PASSWORD } });
    expect(await run(["login", "--username", "pat.sample"], after.ctx)).toBe(75);
  });
});
