// The doctor in-process against the real sandbox portal: probes read what the portal really says
// (status overrides, a moved clock, a rate limit), the interactive front end runs the inline reset,
// and nothing secret reaches the output.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, testContext } from "../helpers/context.js";
import { ScriptedPrompter } from "../helpers/prompter.js";

const PASSWORD = "Sandbox-Pass-2026";
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

interface Doc {
  path: string[];
  probes: { probe: string; outcome: string; summary: string; details: string[] }[];
  steps: {
    kind: string;
    id: string;
    status?: string;
    summary?: string;
    evidence?: Record<string, unknown>;
  }[];
  recommendation: { node: string };
}

async function doctor(
  args: string[],
  opts: { env?: Record<string, string>; prompter?: ScriptedPrompter } = {},
) {
  const t = testContext({ baseUrl: sandbox.baseUrl, env: opts.env, prompter: opts.prompter });
  const code = await run(["doctor", ...args], t.ctx);
  await closeContext(t.ctx);
  return {
    code,
    t,
    doc: args.includes("--json") && code === 0 ? (JSON.parse(t.stdout.text) as Doc) : undefined,
  };
}

const setStatus = (body: unknown) =>
  fetch(`${sandbox.origin}/_sandbox/status`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("doctor probes against the sandbox", () => {
  it("outage: a degraded sign-in component is a problem, listed by name", async () => {
    await setStatus({
      status: "degraded",
      components: [{ name: "login", status: "outage" }],
      message: "Sign-in is failing for some members.",
    });
    const { code, doc } = await doctor(["--answer", "start=page", "--json"]);
    expect(code).toBe(0);
    const status = doc?.probes.find((p) => p.probe === "status");
    expect(status).toMatchObject({ outcome: "problem" });
    expect(status?.summary).toMatch(/sign-in is down \(unplanned outage\)/);
    expect(status?.details).toContain("Sign-in: down (unplanned outage)");
    expect(doc?.recommendation.node).toBe("end-outage");
  });

  it("outage: a maintenance window happening now is a problem with its end time", async () => {
    const now = Date.now();
    await setStatus({
      status: "maintenance",
      maintenance: {
        start: new Date(now - 60_000).toISOString(),
        end: new Date(now + 3_600_000).toISOString(),
      },
    });
    const { doc } = await doctor(["--answer", "start=page", "--json"]);
    const status = doc?.probes.find((p) => p.probe === "status");
    expect(status?.summary).toMatch(/down for planned maintenance, until /);
  });

  it("outage: a working portal sends the member on to the browser questions", async () => {
    const { doc } = await doctor([
      ...["--answer", "start=page", "--answer", "web-elsewhere=yes", "--answer", "web-blockers=no"],
      ...["--answer", "browser=safari", "--json"],
    ]);
    // Issue 12: "works on another device or network?" and the VPN or extension question come first.
    expect(doc?.path).toEqual([
      "start",
      "outage",
      "web-elsewhere",
      "web-blockers",
      "browser",
      "end-browser-safari",
    ]);
    expect(doc?.probes[0]).toMatchObject({ probe: "status", outcome: "ok" });
  });

  it("network: a portal clock 10 minutes ahead is reported as our clock being behind", async () => {
    sandbox.advanceClock(10 * 60_000);
    const { doc } = await doctor(["--start", "network", "--json"]);
    const clock = doc?.probes.find((p) => p.probe === "clock");
    expect(clock).toMatchObject({ outcome: "problem" });
    expect(clock?.summary).toMatch(/^This computer's clock is (9|10) minutes behind the portal's\.$/);
    expect(doc?.recommendation.node).toBe("end-clock");
  });

  it("network: a proxy that does not answer is named (redacted) as the cause when the connection fails", async () => {
    // The portal itself refuses connections (a closed port), and HTTPS_PROXY points nowhere.
    const t = testContext({
      baseUrl: "http://127.0.0.1:9/api/v1",
      env: { HTTP_PROXY: "http://user:secret@127.0.0.1:9" },
    });
    expect(await run(["doctor", "--start", "network", "--json"], t.ctx)).toBe(0);
    const doc = JSON.parse(t.stdout.text) as Doc;
    expect(doc.path.slice(0, 3)).toEqual(["network", "net-tcp", "net-proxy"]);
    const proxy = doc.probes.find((p) => p.probe === "proxy");
    expect(proxy).toMatchObject({ outcome: "problem" });
    expect(proxy?.summary).toMatch(/proxy http:\/\/\*\*\*@127\.0\.0\.1:9 .*cannot be reached/);
    expect(t.stdout.text).not.toContain("secret");
    expect(doc.recommendation.node).toBe("end-proxy");
  });

  it("lockout: a healthy member with a saved password is not locked, and the walk goes on to credentials", async () => {
    const { doc } = await doctor(
      ["--answer", "start=locked", "--answer", "username=pat.sample", "--answer", "credentials=no", "--json"],
      { env: { RXPORTAL_PASSWORD: PASSWORD } },
    );
    expect(doc?.probes[0]).toMatchObject({ probe: "lockout", outcome: "ok" });
    expect(doc?.probes[0]?.summary).toMatch(/not locked: signing in with the saved password works/);
    expect(doc?.recommendation.node).toBe("end-forgot-username");
  });

  it("lockout: without a password at hand it says so, and never makes a sign-in attempt", async () => {
    const { doc } = await doctor([
      "--answer",
      "start=locked",
      "--answer",
      "username=pat.sample",
      "--answer",
      "lockout-someone=no",
      "--answer",
      "lockout-choice=wait",
      "--json",
    ]);
    expect(doc?.probes[0]).toMatchObject({ outcome: "unknown" });
    expect(doc?.probes[0]?.summary).toMatch(/no saved password is at hand/);
    // The lock-time action has nothing to show, and says so instead of inventing a time.
    expect(doc?.path).not.toContain("action-lockout-time");
  });

  it("lockout: a wrong saved password counts once and the guard stops before the account could lock", async () => {
    const args = [
      ...["--answer", "start=locked", "--answer", "username=pat.sample", "--answer", "credentials=no"],
      ...["--answer", "lockout-someone=no", "--answer", "lockout-choice=wait", "--json"],
    ];
    const t = testContext({ baseUrl: sandbox.baseUrl, env: { RXPORTAL_PASSWORD: "wrong-password" } });
    const summaries: string[] = [];
    for (let i = 0; i < 6; i++) {
      const again = testContext({ dir: t.dir, env: { RXPORTAL_PASSWORD: "wrong-password" } });
      expect(await run(["doctor", ...args], again.ctx)).toBe(0);
      const doc = JSON.parse(again.stdout.text) as Doc;
      summaries.push(doc.probes[0]?.summary ?? "");
    }
    expect(summaries[0]).toMatch(/not locked, but the saved password was refused/);
    expect(summaries.at(-1)).toMatch(
      /^Not checked with the portal: rxportal stopped this sign-in: 4 attempts in a row failed, and one more wrong password would lock the account/,
    );
    // The portal never locked the account: the right password still works.
    const check = await fetch(`${sandbox.baseUrl}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "pat.sample", password: PASSWORD }),
    });
    expect(check.status).toBe(200);
  });
});

describe("doctor's support branch", () => {
  it("names the plan's own line with its TTY number for the member's enrollee type", async () => {
    const { code, t } = await doctor(["--answer", "start=other", "--answer", "support=tricare"]);
    expect(code).toBe(0);
    expect(t.stdout.text).toContain("Diagnosis: Call TRICARE support, with this ready");
    const calls = t.stdout.text.slice(t.stdout.text.indexOf("Whom to call:"));
    expect(calls).toMatch(/TRICARE .*: \(877\) 363-1303, TTY \(877\) 540-6261/);
    // Lines for other plans would only confuse a TRICARE member.
    expect(calls).not.toContain("(866) 529-4917");
  });
});

describe("doctor at a terminal (scripted prompts)", () => {
  it("runs the password reset inline from the credentials branch, and no code or password is printed", async () => {
    const newPassword = "Velvet-Orbit-Cactus-91";
    let code = "";
    const prompter = new ScriptedPrompter([
      "rejected", // start
      "yes", // credentials
      "no", // cred-caps
      "no", // cred-password → action-reset
      true, // start the reset now?
      "pat.sample", // username (no default in a fresh home)
      () => {
        const mine = sandbox.outbox().filter((m) => m.to === "pat.sample" && m.kind === "reset");
        code = mine.at(-1)?.code ?? "";
        return code;
      },
      newPassword,
      newPassword,
      "yes", // reset-worked
    ]);
    const { code: exit, t } = await doctor([], { prompter });
    expect(exit).toBe(0);
    expect(t.stdout.text).toMatch(
      /Step: The password for pat\.sample is changed and the account is unlocked\./,
    );
    expect(t.stdout.text).toContain("Diagnosis: You are back in");
    expect(code).toMatch(/^\d{6}$/);
    for (const text of [t.stdout.text, t.stderr.text]) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(newPassword);
    }
    const login = await fetch(`${sandbox.baseUrl}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "pat.sample", password: newPassword }),
    });
    expect(login.status).toBe(200);
  });

  it("asks for a probe's input and lets the member skip it", async () => {
    const prompter = new ScriptedPrompter(["app", "", "", "yes", "no", "no"]);
    const { code, t } = await doctor([], { prompter });
    expect(code).toBe(0);
    expect(prompter.asked[1]).toMatch(/Which kind of phone/);
    expect(t.stdout.text).toMatch(
      /COULD NOT CHECK: App version: Not checked: the phone type or app version was not given/,
    );
  });
});
