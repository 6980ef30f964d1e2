// Account recovery against the real sandbox portal, through `run()` with an in-process context.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, memoryCredentials, type TestContext, testContext } from "../helpers/context.js";
import { ScriptedPrompter } from "../helpers/prompter.js";

const OLD_PASSWORD = "Sandbox-Pass-2026";
const NEW_PASSWORD = "Lantern-Orbit-Maple-42";
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const resetCodes = (username: string) =>
  sandbox
    .outbox()
    .filter((m) => m.to === username && m.kind === "reset")
    .map((m) => m.code ?? "");
const newestCode = (username: string) => resetCodes(username).at(-1) ?? "";

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** One run of rxportal on a shared folder and keychain, as a member would run it twice. */
async function rx(t: TestContext, argv: string[], stdin = ""): Promise<Ran> {
  const next = testContext({ baseUrl: sandbox.baseUrl, dir: t.dir, credentials: t.credentials });
  next.stdin.end(stdin);
  const code = await run(argv, next.ctx);
  await closeContext(next.ctx);
  return { code, stdout: next.stdout.text, stderr: next.stderr.text };
}

function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe("password reset against the sandbox", () => {
  it("unlocks lee.locked: request, confirm from stdin, then sign in with the new password", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    const locked = await rx(
      t,
      ["login", "--username", "lee.locked", "--password-stdin"],
      `${OLD_PASSWORD}\n`,
    );
    expect(locked.code).toBe(75);

    const requested = await rx(t, ["--verbose", "reset", "request", "--username", "lee.locked"]);
    expect(requested.code).toBe(0);
    expect(requested.stdout).toMatch(/^If an account matches, a reset code is on its way by email/);
    expect(requested.stderr).toContain(
      `Sandbox portal: the code is shown at ${sandbox.origin}/_sandbox/outbox`,
    );
    const code = newestCode("lee.locked");
    expect(code).toMatch(/^\d{6}$/);

    const confirmed = await rx(
      t,
      ["--verbose", "reset", "confirm", "--username", "lee.locked", "--code-stdin", "--new-password-stdin"],
      `${code}\n${NEW_PASSWORD}\n`,
    );
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toBe("The password for lee.locked is changed, and the account is unlocked.\n");
    expect(confirmed.stderr).toMatch(/POST .*\/auth\/password-reset\/confirm/);

    const old = await rx(t, ["login", "--username", "lee.locked", "--password-stdin"], `${OLD_PASSWORD}\n`);
    expect(old.code).toBe(1);
    const signedIn = await rx(
      t,
      ["login", "--username", "lee.locked", "--password-stdin", "--json"],
      `${NEW_PASSWORD}\n`,
    );
    expect(signedIn.code).toBe(0);
    expect(JSON.parse(signedIn.stdout)).toMatchObject({
      username: "lee.locked",
      member: { memberId: "SBX100005" },
    });

    // The code and the new password reached the portal and nowhere else.
    const written = files(t.dir).map((f) => readFileSync(f, "utf8"));
    for (const text of [requested, confirmed, signedIn]
      .flatMap((r) => [r.stdout, r.stderr])
      .concat(written)) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(NEW_PASSWORD);
    }
  });

  it("refuses an expired code with the way to a new one, and a new code then works", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    expect((await rx(t, ["reset", "request", "--username", "pat.sample"])).code).toBe(0);
    const code = newestCode("pat.sample");
    sandbox.advanceClock(16 * 60_000);
    const args = ["reset", "confirm", "--username", "pat.sample", "--code-stdin", "--new-password-stdin"];
    const expired = await rx(t, args, `${code}\n${NEW_PASSWORD}\n`);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(
      /That reset code is wrong, already used or expired \(\d attempts? left on it\)/,
    );
    expect(expired.stderr).toMatch(
      /`rxportal reset request` for a new code: a code works once, for 15 minutes/,
    );
    expect(expired.stderr).toMatch(/Request id: /);

    expect((await rx(t, ["reset", "request", "--username", "pat.sample"])).code).toBe(0);
    expect((await rx(t, args, `${newestCode("pat.sample")}\n${NEW_PASSWORD}\n`)).code).toBe(0);
  });

  it("refuses a used code, and a code that a newer request replaced", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    const args = ["reset", "confirm", "--username", "pat.sample", "--code-stdin", "--new-password-stdin"];
    await rx(t, ["reset", "request", "--username", "pat.sample"]);
    await rx(t, ["reset", "request", "--username", "pat.sample"]);
    const [older, newer] = resetCodes("pat.sample");
    expect(older).not.toBe(newer);
    const replaced = await rx(t, args, `${older}\n${NEW_PASSWORD}\n`);
    expect(replaced.code).toBe(1);
    expect((await rx(t, args, `${newer}\n${NEW_PASSWORD}\n`)).code).toBe(0);
    const used = await rx(t, args, `${newer}\nAnother-Lantern-Orbit-7\n`);
    expect(used.code).toBe(1);
    expect(used.stderr).toMatch(/wrong, already used or expired/);
  });

  it("answers the same for unknown, disabled and real accounts", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl });
    const answer = async (args: string[]) => {
      const r = await rx(t, [...args, "--json"]);
      expect(r.code).toBe(0);
      // The request id differs per call, and `next` repeats the username that was typed.
      const { requestId, next: _next, ...doc } = JSON.parse(r.stdout);
      expect(requestId).toBeTruthy();
      return { doc, stderr: r.stderr };
    };
    const usernames = [
      await answer(["username", "recover", "--email", "pat.sample@example.com"]),
      await answer(["username", "recover", "--email", "nobody@example.com"]),
      await answer(["username", "recover", "--member-id", "SBX100001", "--dob", "1981-04-12"]),
      await answer(["username", "recover", "--member-id", "SBX100001", "--dob", "1981-04-13"]),
    ];
    expect(usernames[1]).toEqual(usernames[0]);
    expect(usernames[3]).toEqual(usernames[2]);
    const resets = await Promise.all(
      ["pat.sample", "no.such.member", "dana.disabled"].map((u) =>
        answer(["reset", "request", "--username", u]),
      ),
    );
    expect(resets[1]).toEqual(resets[0]);
    expect(resets[2]).toEqual(resets[0]);
    // The answers matched although only the real, enabled accounts were sent something.
    expect(sandbox.outbox().map((m) => `${m.to}:${m.kind}`)).toEqual([
      "pat.sample:username",
      "pat.sample:username",
      "pat.sample:reset",
    ]);
  });

  it("updates a remembered password in the keychain, which the next sign-in then uses", async () => {
    const t = testContext({ baseUrl: sandbox.baseUrl, credentials: memoryCredentials(true) });
    const remembered = await rx(
      t,
      ["login", "--username", "pat.sample", "--password-stdin", "--remember"],
      `${OLD_PASSWORD}\n`,
    );
    expect(remembered.code).toBe(0);
    expect(await t.credentials.store.getSession("test", "pat.sample")).toBeDefined();

    await rx(t, ["reset", "request", "--username", "pat.sample"]);
    const done = await rx(
      t,
      ["reset", "confirm", "--username", "pat.sample", "--code-stdin", "--new-password-stdin", "--json"],
      `${newestCode("pat.sample")}\n${NEW_PASSWORD}\n`,
    );
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ rememberedPasswordUpdated: true, sessionCleared: true });
    expect(await t.credentials.store.getPassword("test", "pat.sample")).toBe(NEW_PASSWORD);
    expect(await t.credentials.store.getSession("test", "pat.sample")).toBeUndefined();
    // No password source but the keychain: the remembered (new) one signs in.
    expect((await rx(t, ["login", "--username", "pat.sample"])).code).toBe(0);
  });

  it("runs the whole flow at a terminal, the code typed from the outbox", async () => {
    const prompter = new ScriptedPrompter([() => newestCode("morgan.expired"), NEW_PASSWORD, NEW_PASSWORD]);
    const t = testContext({ baseUrl: sandbox.baseUrl, prompter });
    const code = await run(["reset", "--username", "morgan.expired"], t.ctx);
    await closeContext(t.ctx);
    expect(code).toBe(0);
    expect(prompter.asked).toEqual([
      "Reset code from the message:",
      "New password (at least 12 characters):",
      "The new password again:",
    ]);
    expect(t.stdout.text).toMatch(/password for morgan\.expired is changed/);
    const signedIn = await rx(
      t,
      ["login", "--username", "morgan.expired", "--password-stdin"],
      `${NEW_PASSWORD}\n`,
    );
    expect(signedIn.code).toBe(0);
  });
});
