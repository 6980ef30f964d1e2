// `rxportal register` in-process against the real sandbox portal (port 0): the unattended flow on
// stdin, the interactive one through scripted questions, and every refusal as one line with its
// exit code. The SSN, the password and the code never reach stdout or stderr, --verbose included.
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeContext, type TestContext, testContext } from "../../../test/helpers/context.js";
import { type Answer, ScriptedPrompter } from "../../../test/helpers/prompter.js";
import { run } from "../../main.js";
import { type RunningSandbox, startSandbox } from "../../sandbox/server.js";
import { websiteOf } from "./register.js";
import { parseSsn, ssnProblem } from "./ssn.js";

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const GOOD = "Lantern-Orbit-Maple-43";
const SSN = "987-65-4321";
const SAM = ["--first-name", "Sam", "--last-name", "Newcomer", "--dob", "1990-07-21"];
const ACCOUNT = ["--username", "sam.newcomer", "--email", "sam@example.com"];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  t: TestContext;
  prompter?: ScriptedPrompter;
}

const newestCode = (to: string) =>
  sb
    .outbox()
    .filter((m) => m.to === to && m.kind === "register")
    .at(-1)?.code;

/** Runs with `lines` on stdin; with `codeFor`, the emailed code follows once the portal sent it. */
async function runIt(
  args: string[],
  opts: { lines?: string[]; codeFor?: string; code?: (real: string) => string; prompter?: Answer[] } = {},
): Promise<Ran> {
  const prompter = opts.prompter ? new ScriptedPrompter(opts.prompter) : undefined;
  const t = testContext({ baseUrl: sb.baseUrl, ...(prompter ? { prompter } : {}) });
  for (const line of opts.lines ?? []) t.stdin.write(`${line}\n`);
  const before = sb.outbox().length;
  const running = run(args, t.ctx);
  if (opts.codeFor) {
    const to = opts.codeFor;
    // Until the code is there or the command has ended: on a loaded machine (CI runs three suites
    // at once) the command can take seconds to reach the register request.
    let ended = false;
    void running.finally(() => {
      ended = true;
    });
    const pump = async () => {
      const giveUp = Date.now() + 30_000;
      while (!ended && Date.now() < giveUp) {
        const fresh = sb
          .outbox()
          .slice(before)
          .filter((m) => m.to === to && m.kind === "register");
        const code = fresh.at(-1)?.code;
        if (code) {
          t.stdin.write(`${opts.code ? opts.code(code) : code}\n`);
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      t.stdin.end();
    };
    void pump();
  } else t.stdin.end();
  const code = await running;
  await closeContext(t.ctx);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text, t, ...(prompter ? { prompter } : {}) };
}

function noSecrets(r: Ran, ...secrets: string[]): void {
  for (const s of secrets) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

describe("rxportal register, unattended (options and stdin)", () => {
  it("registers by SSN with --json; the SSN shows only as its last four, even in --verbose", async () => {
    const r = await runIt(
      [
        "--verbose",
        "register",
        ...SAM,
        "--ssn-stdin",
        ...ACCOUNT,
        "--password-stdin",
        "--code-stdin",
        "--json",
      ],
      { lines: [SSN, GOOD], codeFor: "sam.newcomer" },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      registered: true,
      username: "sam.newcomer",
      member: { memberId: "SBX300001", name: "Sam Newcomer" },
      next: "rxportal login --username sam.newcomer",
    });
    expect(r.stderr).toContain("SSN ending in 4321");
    expect(r.stderr).toMatch(/POST .*\/auth\/register .*"ssn":"\[redacted\]"/);
    noSecrets(r, "987654321", "987-65-4321", GOOD, newestCode("sam.newcomer") ?? "missing");
    // The account is real: it signs in (with its emailed code, as every new account has two steps).
    const login = testContext({ baseUrl: sb.baseUrl });
    login.stdin.write(`${GOOD}\n`);
    const signingIn = run(["login", "--username", "sam.newcomer", "--password-stdin"], login.ctx);
    for (let i = 0; i < 200 && !sb.outbox().some((m) => m.to === "sam.newcomer" && m.kind === "mfa"); i++)
      await new Promise((res) => setTimeout(res, 10));
    login.stdin.end(
      `${
        sb
          .outbox()
          .filter((m) => m.kind === "mfa")
          .at(-1)?.code
      }\n`,
    );
    expect(await signingIn).toBe(0);
    expect(login.stdout.text).toMatch(/Signed in as Sam Newcomer/);
  });

  it("registers by member ID in words: the account, then how to sign in", async () => {
    const r = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      { lines: [GOOD], codeFor: "sam.newcomer" },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("The account sam.newcomer is ready for Sam Newcomer (member ID SBX300001).\n");
    expect(r.stderr).toContain("on its way to s***@example.com");
    expect(r.stderr).toContain("rxportal login --username sam.newcomer");
  });

  it("refuses Pat-Sample-1981-04-12 style passwords for the member, with every reason, before sending", async () => {
    const r = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      { lines: ["Sam-Newcomer-1990-07-21"] },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const line = r.stderr.trim();
    expect(line.split("\n")).toHaveLength(1);
    expect(line).toContain("It contains your first name.");
    expect(line).toContain("It contains your last name.");
    expect(line).toContain("It contains your date of birth.");
    expect(sb.outbox()).toEqual([]);
  });

  it("refuses a weak password (policy and guessability) with every reason", async () => {
    const weak = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      { lines: ["password"] },
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/It has 8 characters; the portal needs at least 12\..*mix at least 3/);
    const guessable = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      { lines: ["Password1234!"] },
    );
    expect(guessable.code).toBe(1);
    expect(guessable.stderr).toMatch(/easy to guess/);
  });

  const failures: [string, string[], string[], number, RegExp][] = [
    [
      "already registered",
      ["--first-name", "Pat", "--last-name", "Sample", "--dob", "1981-04-12", "--member-id", "SBX100001"],
      ["--username", "pat.two", "--email", "p@example.com"],
      1,
      /^rxportal: Pat Sample already has an online account\. Sign in with `rxportal login`; forgotten the username\? `rxportal username recover --member-id SBX100001 --dob 1981-04-12`/,
    ],
    [
      "username taken",
      [...SAM, "--member-id", "SBX300001"],
      ["--username", "pat.sample", "--email", "s@example.com"],
      1,
      /^rxportal: The username pat\.sample is taken; free ones: pat\.sample90, /,
    ],
    [
      "not eligible",
      ["--first-name", "Dana", "--last-name", "Lapsed", "--dob", "1977-03-14", "--member-id", "SBX300005"],
      ["--username", "dana.l", "--email", "d@example.com"],
      1,
      /^rxportal: The portal found no active prescription benefit for these details\. .*contacts --topic registration/,
    ],
  ];
  for (const [what, person, account, exit, message] of failures) {
    it(`${what}: one line, exit ${exit}`, async () => {
      const r = await runIt(["register", ...person, ...account, "--password-stdin", "--code-stdin"], {
        lines: [GOOD],
      });
      expect(r.code).toBe(exit);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines.at(-1)).toMatch(message);
      expect(lines.filter((l) => l.startsWith("rxportal:"))).toHaveLength(1);
    });
  }

  it("a wrong code: exit 1 with the attempts left; nothing registered", async () => {
    const r = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      { lines: [GOOD], codeFor: "sam.newcomer", code: (real) => (real === "000000" ? "111111" : "000000") },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did not accept that code \(4 attempts left\); nothing is registered yet/);
  });

  it("an expired code: exit 1, run register again", async () => {
    const r = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      {
        lines: [GOOD],
        codeFor: "sam.newcomer",
        code: (real) => {
          sb.advanceClock(16 * 60_000);
          return real;
        },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The code expired, a newer one was sent, or there were too many wrong tries/);
  });

  it("501: says where to register on the website, exit 69", async () => {
    sb.addFault({ kind: "status", value: 501, path: "/auth/register" });
    const r = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      { lines: [GOOD] },
    );
    expect(r.code).toBe(69);
    expect(r.stderr).toContain(`registers members only on its website: ${new URL(sb.baseUrl).origin}/`);
  });

  it("429: exit 75 with the wait", async () => {
    sb.addFault({ kind: "status", value: 429, path: "/auth/register" });
    const r = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", ...ACCOUNT, "--password-stdin", "--code-stdin"],
      { lines: [GOOD] },
    );
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/limiting requests/);
  });

  it("refuses an SSN or a password on the command line without repeating it, exit 64", async () => {
    for (const args of [
      ["register", "--ssn", "987654321"],
      ["register", "--password", "Secret-Given-Away-9"],
    ]) {
      const r = await runIt(args);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(
        /^rxportal: (A Social Security number|A password) is never taken on the command line/,
      );
      noSecrets(r, "987654321", "Secret-Given-Away-9");
    }
  });

  it("usage errors before anything is sent: no terminal for the code, both identifiers, a bad SSN", async () => {
    const noCode = await runIt([
      "register",
      ...SAM,
      "--member-id",
      "SBX300001",
      ...ACCOUNT,
      "--password-stdin",
    ]);
    expect(noCode.code).toBe(64);
    expect(noCode.stderr).toMatch(/--code-stdin/);
    const both = await runIt(["register", "--member-id", "X", "--ssn-stdin", "--code-stdin"]);
    expect(both.code).toBe(64);
    const bad = await runIt(["register", ...SAM, "--ssn-stdin", ...ACCOUNT, "--code-stdin"], {
      lines: ["12-34"],
    });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toBe(
      "rxportal: A Social Security number has 9 digits; that had 4. Nothing was sent.\n",
    );
    const missing = await runIt(["register", "--member-id", "SBX300001", "--code-stdin"]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/pass --first-name/);
    expect(sb.outbox()).toEqual([]);
  });
});

describe("rxportal register, interactive (scripted questions)", () => {
  it("asks for everything, refuses a personal password with reasons, then registers by SSN", async () => {
    const code = () => newestCode("sam.newcomer") ?? "";
    const prompter: Answer[] = [
      "Sam",
      "Newcomer",
      "1990-07-21",
      "ssn",
      "987 65 4321",
      "sam.newcomer",
      "sam@example.com",
      "Newcomer-Sam-1990!",
      GOOD,
      GOOD,
      code,
    ];
    const r = await runIt(["register"], { prompter });
    expect(r.code, r.stderr).toBe(0);
    const asked = r.prompter?.asked;
    expect(asked).toEqual([
      "First name (as on the member ID card):",
      "Last name:",
      "Date of birth (yyyy-mm-dd):",
      "Identify the member by:",
      "Social Security number (9 digits, typed hidden):",
      "Username to create:",
      "Email address (the code that confirms the account goes there):",
      "Password (at least 12 characters):",
      "Password (at least 12 characters):",
      "The password again:",
      "Code from the email:",
    ]);
    expect(r.stderr).toContain("That password will not do:");
    expect(r.stderr).toContain("  - It contains your last name.");
    expect(r.stdout).toMatch(/^The account sam\.newcomer is ready for Sam Newcomer/);
    noSecrets(r, "987654321", "987 65 4321", GOOD);
  });

  it("offers the portal's free usernames when one is taken, and retypes a wrong code", async () => {
    // The first code typed is wrong on purpose (whatever the real one is), the second is right.
    const wrong = () => ((newestCode("sam.n") ?? "") === "000000" ? "111111" : "000000");
    const right = () => newestCode("sam.n") ?? "";
    const prompter: Answer[] = ["pat.sample", GOOD, GOOD, "sam.n", GOOD, GOOD, wrong, right];
    const r = await runIt(["register", ...SAM, "--member-id", "SBX300001", "--email", "s@example.com"], {
      prompter,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/The username pat\.sample is taken\. Free ones: pat\.sample90/);
    expect(r.stderr).toContain("That code was not accepted (4 attempts left)");
    expect(r.stdout).toMatch(/^The account sam\.n is ready/);
  });
});

describe("rxportal register, a terminal and a password on stdin", () => {
  it("checks the stdin password again against a username picked after the first was taken", async () => {
    const r = await runIt(
      ["register", ...SAM, "--member-id", "SBX300001", "--email", "s@example.com", "--password-stdin"],
      { lines: [GOOD], prompter: ["pat.sample", "maple-43"] },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /The password was not sent, and nothing is registered\. It contains your username/,
    );
    expect(sb.outbox()).toEqual([]);
  });
});

describe("the SSN, read locally", () => {
  it("takes nine digits with dashes or spaces anywhere; refuses the rest without repeating it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 0, maxLength: 14 }),
        fc.array(fc.constantFrom("-", " ", ""), { minLength: 14, maxLength: 14 }),
        (digits, seps) => {
          const typed = digits.map((d, i) => `${d}${seps[i]}`).join("");
          const problem = ssnProblem(typed);
          if (digits.length === 9) {
            expect(problem).toBeUndefined();
            expect(parseSsn(typed)).toBe(digits.join(""));
          } else {
            expect(problem).toBeDefined();
            if (digits.length >= 4) expect(problem).not.toContain(digits.join(""));
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(ssnProblem("98765432x")).toMatch(/only digits/);
  });

  it("names the website from the profile's official hosts, else the portal's origin", () => {
    expect(websiteOf("https://api.acme.example/api/v1", ["acme.example"])).toBe("https://acme.example/");
    expect(websiteOf("http://127.0.0.1:8787/api/v1", ["localhost", "127.0.0.1"])).toBe(
      "http://127.0.0.1:8787/",
    );
  });
});
