// username recover and reset against a fake portal (msw): every answer the contract allows for
// recovery, the ones a real portal sends anyway, and the refusals made here before sending.

import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeContext, type TestContext, testContext } from "../../../test/helpers/context.js";
import { problemResponse } from "../../../test/helpers/problem.js";
import { type Answer, ScriptedPrompter } from "../../../test/helpers/prompter.js";
import { lockoutGuard } from "../../auth/sign-in.js";
import { run } from "../../main.js";

const BASE = "https://portal.test/api/v1";
const POLICY = {
  lockout: { maxAttempts: 5, lockMinutes: 15 },
  password: { minLength: 12, maxLength: 64, requireClasses: [], minClasses: 3, disallowUsername: true },
  resetCode: { length: 6, ttlMinutes: 15 },
  mfa: { channels: ["email"] },
};
const CODE = "482913";
const GOOD = "Lantern-Orbit-Maple-42";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Request bodies the fake portal received, by path. */
let received: Record<string, unknown[]> = {};
function keepBody(path: string, body: unknown): void {
  received[path] = [...(received[path] ?? []), body];
}
function portal(confirm: () => Response = () => new HttpResponse(null, { status: 204 })): void {
  received = {};
  const keep = async (path: string, request: Request) => keepBody(path, await request.json());
  server.use(
    http.get(`${BASE}/auth/policy`, () => HttpResponse.json(POLICY)),
    http.post(`${BASE}/auth/username/recover`, async ({ request }) => {
      await keep("recover", request);
      return HttpResponse.json({ message: "If an account matches, we emailed it." }, { status: 202 });
    }),
    http.post(`${BASE}/auth/password-reset`, async ({ request }) => {
      await keep("request", request);
      return HttpResponse.json(
        { message: "Sent if known.", channel: "email", destinationHint: "p***@example.com" },
        { status: 202, headers: { "X-Request-Id": "req-202" } },
      );
    }),
    http.post(`${BASE}/auth/password-reset/confirm`, async ({ request }) => {
      await keep("confirm", request);
      return confirm();
    }),
  );
}

const problem = problemResponse;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  t: TestContext;
}

async function rx(
  argv: string[],
  opts: { stdin?: string; answers?: Answer[]; t?: TestContext } = {},
): Promise<Ran & { prompter?: ScriptedPrompter }> {
  const prompter = opts.answers ? new ScriptedPrompter(opts.answers) : undefined;
  const t = opts.t ?? testContext({ baseUrl: BASE, prompter });
  t.stdin.end(opts.stdin ?? "");
  const code = await run(argv, t.ctx);
  await closeContext(t.ctx);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text, t, prompter };
}

/** The code and passwords must never be printed, whatever happened. */
function noSecrets(r: Ran, ...secrets: string[]): void {
  for (const secret of [CODE, GOOD, ...secrets]) {
    expect(r.stdout).not.toContain(secret);
    expect(r.stderr).not.toContain(secret);
  }
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe("rxportal username recover", () => {
  it("says the same thing whatever the portal's message, and sends only what was given", async () => {
    // A portal whose message differs per account must not make rxportal's answer differ.
    received = {};
    server.use(
      http.post(`${BASE}/auth/username/recover`, async ({ request }) => {
        const body = (await request.json()) as { email?: string };
        keepBody("recover", body);
        const message = body.email === "pat@example.com" ? "Sent to pat." : "No such account.";
        return HttpResponse.json({ message }, { status: 202 });
      }),
    );
    const known = await rx(["username", "recover", "--email", "pat@example.com"]);
    const unknown = await rx(["username", "recover", "--email", "nobody@example.com"]);
    expect(known.code).toBe(0);
    expect(unknown.code).toBe(0);
    expect(known.stdout).toBe(
      "If an account matches, its username has been sent to the email address on file.\n",
    );
    expect(unknown.stdout).toBe(known.stdout);
    expect(unknown.stderr).toBe(known.stderr);
    expect(known.stderr).toMatch(/spam or junk/);
    expect(known.stderr).toMatch(/--member-id with --dob/);
    expect(known.stderr).not.toMatch(/_sandbox/);
    expect(received.recover).toEqual([{ email: "pat@example.com" }, { email: "nobody@example.com" }]);
  });

  it("sends member id and date of birth, and prints one JSON document with --json", async () => {
    portal();
    const r = await rx(["username", "recover", "--member-id", "SBX100001", "--dob", "1981-04-12", "--json"]);
    expect(r.code).toBe(0);
    expect(received.recover).toEqual([{ memberId: "SBX100001", dateOfBirth: "1981-04-12" }]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      by: "memberId",
      profile: "test",
      message: expect.stringMatching(/^If an account/),
    });
    expect(doc.ifNothingArrives).toHaveLength(2);
    expect(JSON.stringify(doc)).not.toContain("SBX100001");
  });

  it("exits 64 without sending anything for a bad date or a wrong combination", async () => {
    portal();
    for (const args of [
      ["--member-id", "SBX100001", "--dob", "1981-02-30"],
      ["--member-id", "SBX100001", "--dob", "12/04/1981"],
      ["--member-id", "SBX100001"],
      ["--dob", "1981-04-12"],
      ["--email", "pat@example.com", "--member-id", "SBX100001", "--dob", "1981-04-12"],
      [],
    ]) {
      const r = await rx(["username", "recover", ...args]);
      expect(r.code, args.join(" ")).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^rxportal: /);
    }
    expect(received.recover).toBeUndefined();
  });

  it("passes a 429 on as exit 75 with the wait", async () => {
    server.use(
      http.post(`${BASE}/auth/username/recover`, () =>
        problem(429, "rate_limited", {}, { "Retry-After": "600" }),
      ),
    );
    const r = await rx(["username", "recover", "--email", "pat@example.com"]);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/limiting requests.*10 minutes/);
    expect(r.stderr).toMatch(/Request id: req-429/);
  });
});

describe("rxportal reset request", () => {
  it("gives the uniform answer with the channel and destination hint, and the next step", async () => {
    portal();
    const r = await rx(["reset", "request", "--username", "pat"]);
    expect(r.code).toBe(0);
    expect(received.request).toEqual([{ username: "pat" }]);
    expect(r.stdout).toBe(
      "If an account matches, a reset code is on its way by email to p***@example.com.\n" +
        "The code works once, for 15 minutes; asking again cancels every earlier code.\n",
    );
    expect(r.stderr).toContain("Next, with the code: `rxportal reset confirm --username pat`.");
    expect(r.stderr).toMatch(/spam or junk/);
    expect(r.stderr).toMatch(/security questions/);
    // Not a loopback portal: no sandbox outbox to point at.
    expect(r.stderr).not.toMatch(/_sandbox/);
  });

  it("asks by member id and date of birth, as JSON", async () => {
    portal();
    const r = await rx(["reset", "request", "--member-id", "SBX100001", "--dob", "1981-04-12", "--json"]);
    expect(r.code).toBe(0);
    expect(received.request).toEqual([{ memberId: "SBX100001", dateOfBirth: "1981-04-12" }]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      channel: "email",
      destinationHint: "p***@example.com",
      codeTtlMinutes: 15,
      requestId: "req-202",
      next: "rxportal reset confirm --username <your username>",
    });
    expect(r.stderr).toBe("");
  });

  it("exits 64 for --username with --member-id, and without a username or a terminal", async () => {
    portal();
    const both = await rx([
      "reset",
      "request",
      "--username",
      "pat",
      "--member-id",
      "X",
      "--dob",
      "1981-04-12",
    ]);
    expect(both.code).toBe(64);
    const none = await rx(["reset", "request"]);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/no terminal to ask on; pass --username <u>/);
    expect(received.request).toBeUndefined();
  });

  it("passes 429 on as 75 and an HTML maintenance page as 69, in one line without a stack", async () => {
    server.use(
      http.get(`${BASE}/auth/policy`, () => HttpResponse.json(POLICY)),
      http.post(`${BASE}/auth/password-reset`, () =>
        problem(429, "rate_limited", {}, { "Retry-After": "60" }),
      ),
    );
    const limited = await rx(["reset", "request", "--username", "pat"]);
    expect(limited.code).toBe(75);
    server.use(
      http.post(
        `${BASE}/auth/password-reset`,
        () =>
          new HttpResponse("<!doctype html><html><body>Back soon</body></html>", {
            status: 503,
            headers: { "Content-Type": "text/html", "Retry-After": "120" },
          }),
      ),
    );
    const down = await rx(["reset", "request", "--username", "pat"]);
    expect(down.code).toBe(69);
    expect(down.stdout).toBe("");
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    expect(down.stderr).toMatch(/maintenance \(HTTP 503, HTML page\)/);
    noStack(down.stderr);
  });
});

describe("rxportal reset confirm", () => {
  const stdinArgs = ["reset", "confirm", "--username", "pat", "--code-stdin", "--new-password-stdin"];

  it("sets the password from stdin lines, clears the guard and the session, keeps no password it did not have", async () => {
    portal();
    const t = testContext({ baseUrl: BASE });
    await lockoutGuard(t.ctx).recordFailure("test", "pat", 5, 1);
    await t.credentials.store.setSession("test", "pat", {
      accessToken: "old",
      expiresAt: "2999-01-01T00:00:00Z",
    });
    const r = await rx(stdinArgs, { t, stdin: `${CODE}\n${GOOD}\n` });
    expect(r.code).toBe(0);
    expect(received.confirm).toEqual([{ username: "pat", code: CODE, newPassword: GOOD }]);
    expect(r.stdout).toBe("The password for pat is changed, and the account is unlocked.\n");
    expect(r.stderr).toMatch(/rxportal login/);
    expect((await lockoutGuard(t.ctx).status("test", "pat", 5)).failures).toBe(0);
    expect(await t.credentials.store.getSession("test", "pat")).toBeUndefined();
    expect(await t.credentials.store.getPassword("test", "pat")).toBeUndefined();
    noSecrets(r);
  });

  it("replaces a remembered password, and says so in JSON without any secret", async () => {
    portal();
    const t = testContext({ baseUrl: BASE });
    await t.credentials.store.setPassword("test", "pat", "Old-Remembered-1");
    const r = await rx([...stdinArgs, "--json"], { t, stdin: `${CODE}\n${GOOD}\n` });
    expect(r.code).toBe(0);
    expect(await t.credentials.store.getPassword("test", "pat")).toBe(GOOD);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      reset: true,
      unlocked: true,
      username: "pat",
      rememberedPasswordUpdated: true,
      next: "rxportal login --username pat",
    });
    noSecrets(r, "Old-Remembered-1");
  });

  it("400: wrong, used or expired code, with the attempts left and the way to a new code", async () => {
    portal(() => problem(400, "invalid_or_expired_code", { attemptsRemaining: 2 }));
    const r = await rx(stdinArgs, { stdin: `${CODE}\n${GOOD}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const line = r.stderr.trim();
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toMatch(/That reset code is wrong, already used or expired \(2 attempts left on it\)\./);
    expect(line).toMatch(/`rxportal reset request` for a new code: a code works once, for 15 minutes/);
    expect(line).toMatch(/\(Request id: req-400\)$/);
    noSecrets(r);
  });

  it("400 in JSON keeps the portal's code and the attempts", async () => {
    portal(() => problem(400, "invalid_or_expired_code", { attemptsRemaining: 0 }));
    const r = await rx([...stdinArgs, "--json"], { stdin: `${CODE}\n${GOOD}\n` });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "invalid_or_expired_code", exitCode: 1 });
    expect(r.stderr).toMatch(/0 attempts left/);
    noSecrets(r);
  });

  it("422: lists every violation the portal names", async () => {
    portal(() =>
      problem(422, "password_policy", {
        violations: [
          { rule: "history", message: "Do not reuse one of your last 5 passwords." },
          { rule: "dictionary", message: "Avoid dictionary words." },
        ],
      }),
    );
    const r = await rx(stdinArgs, { stdin: `${CODE}\n${GOOD}\n` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /breaks the portal's rules: Do not reuse one of your last 5 passwords; Avoid dictionary words\./,
    );
    expect(r.stderr).toMatch(/run `rxportal reset confirm` again/);
    noSecrets(r);
  });

  it("429 → 75 and a 503 HTML page → 69", async () => {
    portal(() => problem(429, "rate_limited", {}, { "Retry-After": "300" }));
    const limited = await rx(stdinArgs, { stdin: `${CODE}\n${GOOD}\n` });
    expect(limited.code).toBe(75);
    expect(limited.stderr).toMatch(/5 minutes/);
    portal(
      () =>
        new HttpResponse("<html><body>Maintenance</body></html>", {
          status: 503,
          headers: { "Content-Type": "text/html" },
        }),
    );
    const down = await rx(stdinArgs, { stdin: `${CODE}\n${GOOD}\n` });
    expect(down.code).toBe(69);
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    noStack(down.stderr);
    noSecrets(limited);
    noSecrets(down);
  });

  it("refuses a password that breaks the policy before sending, naming every rule broken", async () => {
    portal();
    const r = await rx(stdinArgs, { stdin: `${CODE}\nxpat\n` });
    expect(r.code).toBe(1);
    expect(received.confirm).toBeUndefined();
    expect(r.stderr).toMatch(/The new password was not sent\./);
    expect(r.stderr).toMatch(/It has 4 characters; the portal needs at least 12\./);
    expect(r.stderr).toMatch(/It uses 1 kind of character; mix at least 3/);
    expect(r.stderr).toMatch(/It contains your username/);
    noSecrets(r, "xpat");
  });

  it("refuses a guessable password that meets the policy, with zxcvbn's feedback", async () => {
    portal();
    const r = await rx([...stdinArgs, "--json"], { stdin: `${CODE}\nPassword123!x\n` });
    expect(r.code).toBe(1);
    expect(received.confirm).toBeUndefined();
    const error = JSON.parse(r.stdout).error;
    expect(error.code).toBe("password_too_weak");
    expect(error.message).toMatch(/easy to guess \(strength [0-2] of 4/);
    expect(error.message).toMatch(/close to a commonly used password/);
    noSecrets(r, "Password123!x");
  });

  it("without a terminal, exits 64 naming the stdin flag that is missing", async () => {
    portal();
    const noCode = await rx(["reset", "confirm", "--username", "pat"]);
    expect(noCode.code).toBe(64);
    expect(noCode.stderr).toMatch(/no terminal to ask on; pass --code-stdin/);
    const noPassword = await rx(["reset", "confirm", "--username", "pat", "--code-stdin"], {
      stdin: `${CODE}\n`,
    });
    expect(noPassword.code).toBe(64);
    expect(noPassword.stderr).toMatch(/pass --new-password-stdin/);
    const emptyLine = await rx(stdinArgs, { stdin: `${CODE}\n` });
    expect(emptyLine.code).toBe(64);
    expect(emptyLine.stderr).toMatch(/--new-password-stdin was given but stdin had no new password line/);
    expect(received.confirm).toBeUndefined();
    noSecrets(noPassword);
  });

  it("at a terminal: masked questions, a refused and a mistyped password asked again, then a wrong code retyped", async () => {
    let calls = 0;
    portal(() => {
      calls += 1;
      return calls === 1
        ? problem(400, "invalid_or_expired_code", { attemptsRemaining: 4 })
        : new HttpResponse(null, { status: 204 });
    });
    const r = await rx(["reset", "confirm", "--username", "pat"], {
      answers: ["111111", "Password123!x", GOOD, "Lantern-Orbit-Maple-43", GOOD, GOOD, CODE],
    });
    expect(r.code).toBe(0);
    expect(r.prompter?.asked).toEqual([
      "Reset code from the message:",
      "New password (at least 12 characters):",
      "New password (at least 12 characters):",
      "The new password again:",
      "New password (at least 12 characters):",
      "The new password again:",
      "Reset code from the message:",
    ]);
    expect(received.confirm).toEqual([
      { username: "pat", code: "111111", newPassword: GOOD },
      { username: "pat", code: CODE, newPassword: GOOD },
    ]);
    expect(r.stderr).toMatch(/That password will not do:\n {2}- It would be easy to guess/);
    expect(r.stderr).toMatch(/Tip: three or four unrelated words/);
    expect(r.stderr).toMatch(/The two entries differ/);
    expect(r.stderr).toMatch(/That code was not accepted \(4 attempts left\)/);
    noSecrets(r, "111111", "Password123!x", "Lantern-Orbit-Maple-43");
  });

  it("at a terminal, a 422 from the portal shows its rules and asks for another password", async () => {
    let calls = 0;
    portal(() => {
      calls += 1;
      return calls === 1
        ? problem(422, "password_policy", {
            violations: [{ rule: "history", message: "Do not reuse a recent password." }],
          })
        : new HttpResponse(null, { status: 204 });
    });
    const other = "Quartz-Harbor-Lilac-58";
    const r = await rx(["reset", "confirm", "--username", "pat"], {
      answers: [CODE, GOOD, GOOD, other, other],
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/breaks the portal's rules: Do not reuse a recent password\./);
    expect(received.confirm).toEqual([
      { username: "pat", code: CODE, newPassword: GOOD },
      { username: "pat", code: CODE, newPassword: other },
    ]);
    noSecrets(r, other);
  });

  it("at a terminal, gives up after three refused passwords without sending one", async () => {
    portal();
    const r = await rx(["reset", "confirm", "--username", "pat"], {
      answers: [CODE, "short", "password", "Password123!x"],
    });
    expect(r.code).toBe(1);
    expect(received.confirm).toBeUndefined();
  });
});

describe("rxportal reset (the whole flow)", () => {
  it("without a terminal, exits 64 naming the stdin flags before any code is requested", async () => {
    portal();
    const r = await rx(["reset", "--username", "pat"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/no terminal here/);
    expect(r.stderr).toMatch(/--code-stdin --new-password-stdin/);
    expect(received.request).toBeUndefined();
  });

  it("at a terminal, requests a code, then asks for it and the new password", async () => {
    portal();
    const r = await rx(["reset", "--username", "pat", "--json"], { answers: [CODE, GOOD, GOOD] });
    expect(r.code).toBe(0);
    expect(received.request).toEqual([{ username: "pat" }]);
    expect(received.confirm).toEqual([{ username: "pat", code: CODE, newPassword: GOOD }]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ reset: true, unlocked: true, request: { channel: "email" } });
    expect(r.stderr).toMatch(/a reset code is on its way by email to p\*\*\*@example\.com/);
    noSecrets(r);
  });

  it("shows each command's examples in --help", async () => {
    for (const argv of [
      ["username", "recover", "--help"],
      ["reset", "--help"],
      ["reset", "request", "--help"],
      ["reset", "confirm", "--help"],
    ]) {
      const r = await rx(argv);
      expect(r.code, argv.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n {2}\$ rxportal /);
    }
  });
});
