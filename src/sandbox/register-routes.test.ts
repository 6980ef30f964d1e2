// Registration against the real sandbox server on port 0: every answer of the contract's
// "Registration" section, and the SSN never coming back in any answer or message.
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "./server.js";

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, limits: { registerPerIdentifier: { limit: 4, windowSeconds: 60 } } });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const GOOD = "Lantern-Orbit-Maple-43";
const SAM = { firstName: "Sam", lastName: "Newcomer", dateOfBirth: "1990-07-21" };
const SAM_SSN = "987654321";

async function post(path: string, body: unknown) {
  const res = await fetch(`${sb.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: JSON.parse(text) as Record<string, unknown>,
  };
}

const register = (extra: Record<string, unknown>) =>
  post("/auth/register", {
    ...SAM,
    username: "sam.newcomer",
    password: GOOD,
    email: "sam@example.com",
    ...extra,
  });
const codeFor = (username: string) =>
  sb
    .outbox()
    .filter((m) => m.to === username && m.kind === "register")
    .at(-1)?.code ?? "";

describe("POST /auth/register and /auth/register/verify", () => {
  it("registers by member ID: 202 with a challenge, the code in the outbox, 201, then the account signs in", async () => {
    const started = await register({ memberId: "sbx300001" });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      result: "verify",
      channel: "email",
      destinationHint: "s***@example.com",
      expiresIn: 900,
    });
    const code = codeFor("sam.newcomer");
    expect(code).toMatch(/^\d{6}$/);
    const done = await post("/auth/register/verify", { challengeId: started.body.challengeId, code });
    expect(done.status).toBe(201);
    expect(done.body).toEqual({
      result: "ok",
      username: "sam.newcomer",
      member: { memberId: "SBX300001", name: "Sam Newcomer" },
    });
    const login = await post("/auth/login", { username: "sam.newcomer", password: GOOD });
    expect(login.status).toBe(200);
    expect(login.body.result).toBe("mfa_required");
    // Registered now: a second registration is refused.
    expect((await register({ memberId: "SBX300001", username: "sam.two" })).body.code).toBe(
      "already_registered",
    );
    expect((await register({ ssn: SAM_SSN, username: "sam.two" })).body.code).toBe("already_registered");
  });

  it("registers by SSN, and the SSN is in no answer and no message", async () => {
    const started = await register({ ssn: SAM_SSN });
    expect(started.status).toBe(202);
    const done = await post("/auth/register/verify", {
      challengeId: started.body.challengeId,
      code: codeFor("sam.newcomer"),
    });
    expect(done.status).toBe(201);
    for (const text of [started.text, done.text, JSON.stringify(sb.outbox())]) {
      expect(text).not.toContain(SAM_SSN);
      expect(text).not.toContain("4321");
    }
  });

  it("409 already_registered for a seeded member, by member ID or SSN", async () => {
    const pat = { firstName: "pat", lastName: "SAMPLE", dateOfBirth: "1981-04-12", username: "pat.two" };
    for (const id of [{ memberId: "SBX100001" }, { ssn: "987654320" }]) {
      const r = await register({ ...pat, ...id });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("already_registered");
    }
  });

  it("409 username_taken with free suggestions", async () => {
    const r = await register({ memberId: "SBX300001", username: "Pat.Sample" });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("username_taken");
    const suggestions = r.body.suggestions as string[];
    expect(suggestions.length).toBeGreaterThan(0);
    for (const s of suggestions)
      expect((await register({ memberId: "SBX300001", username: s })).status).toBe(202);
  });

  it("422 not_eligible: no match, an ended benefit, a commercial plan's child; a TRICARE child may register", async () => {
    const cases = [
      { ...SAM, memberId: "SBX300001", dateOfBirth: "1990-07-22" },
      { ...SAM, memberId: "SBX999999" },
      { firstName: "Dana", lastName: "Lapsed", dateOfBirth: "1977-03-14", memberId: "SBX300005" },
      { firstName: "Avery", lastName: "Young", dateOfBirth: "2013-08-30", memberId: "SBX300004-02" },
      { ...SAM, ssn: "987654329" },
    ];
    for (const c of cases) {
      const r = await register({ ...c, username: "someone.new" });
      expect(r.status, JSON.stringify(c)).toBe(422);
      expect(r.body.code).toBe("not_eligible");
    }
    const riley = { firstName: "Riley", lastName: "Service", dateOfBirth: "2012-05-17", ssn: "987654324" };
    expect((await register({ ...riley, username: "riley.service" })).status).toBe(202);
  });

  it("422 password_policy with every violation", async () => {
    const r = await register({ memberId: "SBX300001", password: "sam.newcomer" });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe("password_policy");
    const rules = (r.body.violations as { rule: string }[]).map((v) => v.rule);
    expect(rules).toEqual(expect.arrayContaining(["minClasses", "disallowUsername"]));
  });

  it("400 for both identifiers at once, or an SSN that is not nine digits, without echoing it", async () => {
    const both = await register({ memberId: "SBX300001", ssn: SAM_SSN });
    expect(both.status).toBe(400);
    const short = await register({ ssn: "98765432" });
    expect(short.status).toBe(400);
    expect(both.text + short.text).not.toContain("98765432");
  });

  it("429 with Retry-After after too many attempts for one person", async () => {
    for (let i = 0; i < 4; i++) await register({ memberId: "SBX300001", password: "short" });
    const r = await register({ memberId: "SBX300001" });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("401 invalid_code counts down, then 410; a newer request or 15 minutes end a challenge too", async () => {
    const started = await register({ memberId: "SBX300001" });
    const code = codeFor("sam.newcomer");
    const wrong = code === "000000" ? "111111" : "000000";
    const seen: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await post("/auth/register/verify", { challengeId: started.body.challengeId, code: wrong });
      seen.push(r.status === 401 ? r.body.attemptsRemaining : r.status);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const dead = await post("/auth/register/verify", { challengeId: started.body.challengeId, code });
    expect(dead.status).toBe(410);
    expect(dead.body.code).toBe("challenge_expired");

    const first = await register({ memberId: "SBX300001" });
    const firstCode = codeFor("sam.newcomer");
    const second = await register({ memberId: "SBX300001" });
    expect(
      (await post("/auth/register/verify", { challengeId: first.body.challengeId, code: firstCode })).status,
    ).toBe(410);
    sb.advanceClock(15 * 60_000 + 1);
    const late = await post("/auth/register/verify", {
      challengeId: second.body.challengeId,
      code: codeFor("sam.newcomer"),
    });
    expect(late.status).toBe(410);
  });

  it("GET /_sandbox/registrants lists who may register, the SSN as its last four only", async () => {
    const before = (await (await fetch(`${sb.origin}/_sandbox/registrants`)).json()) as Record<
      string,
      unknown
    >[];
    expect(before.map((r) => r.enrolleeType)).toEqual(
      expect.arrayContaining(["commercial", "medicare", "tricare"]),
    );
    expect(before.find((r) => r.memberId === "SBX300001")).toMatchObject({
      ssnLast4: "4321",
      registered: false,
    });
    expect(JSON.stringify(before)).not.toContain(SAM_SSN);
    const started = await register({ memberId: "SBX300001" });
    await post("/auth/register/verify", {
      challengeId: started.body.challengeId,
      code: codeFor("sam.newcomer"),
    });
    const after = (await (await fetch(`${sb.origin}/_sandbox/registrants`)).json()) as Record<
      string,
      unknown
    >[];
    expect(after.find((r) => r.memberId === "SBX300001")?.registered).toBe(true);
  });

  it("never echoes a generated SSN, whatever the answer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^\d{9}$/),
        fc.constantFrom("Sam", "Pat", "Riley"),
        async (ssn, firstName) => {
          sb.reset();
          const r = await register({ firstName, ssn });
          expect([202, 409, 422]).toContain(r.status);
          expect(r.text).not.toContain(ssn);
          expect(JSON.stringify(sb.outbox())).not.toContain(ssn);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("a registrant from a seed file", () => {
  it("registers like a bundled one", async () => {
    const { mergeSeed } = await import("./seed-file.js");
    const { seed } = await import("./seed.js");
    const extra = {
      memberId: "SBX700001",
      firstName: "Sky",
      lastName: "Seeded",
      dateOfBirth: "1993-03-03",
      ssn: "987654328",
      enrolleeType: "medicare" as const,
    };
    const seeded = await startSandbox({ port: 0, seed: mergeSeed("s.json", seed, { registrants: [extra] }) });
    try {
      const res = await fetch(`${seeded.baseUrl}/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          firstName: "Sky",
          lastName: "Seeded",
          dateOfBirth: "1993-03-03",
          ssn: "987654328",
          username: "sky",
          password: GOOD,
          email: "sky@example.com",
        }),
      });
      expect(res.status).toBe(202);
    } finally {
      await seeded.close();
    }
  });
});
