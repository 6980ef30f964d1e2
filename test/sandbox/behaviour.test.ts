// Behaviour of the sandbox portal beyond single answers: lockout, two-step codes, tokens,
// idempotent refills, order progression, recovery without enumeration, and the control surface.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateTotp } from "../../src/portal/totp.js";
import { seed } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { type Checked, call, control, latestCode, PASSWORD, signIn, UUID } from "./helpers.js";

let sb: RunningSandbox;
/** Sandbox time = wall time + what the tests advanced. */
let offsetMs = 0;

beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(() => {
  sb.reset();
  offsetMs = 0;
});

const advance = (ms: number) => {
  sb.advanceClock(ms);
  offsetMs += ms;
};
const json = async (res: Response): Promise<Checked> => JSON.parse(await res.text());
const login = (username: string, password = PASSWORD) =>
  call(sb, "POST", "/auth/login", { json: { username, password } });

describe("lockout", () => {
  it("locks after 5 failures, refuses even the right password, and a password reset unlocks", async () => {
    for (let i = 1; i <= 4; i++) {
      expect(await json(await login("pat.sample", "wrong-password"))).toMatchObject({
        code: "invalid_credentials",
        attemptsRemaining: 5 - i,
      });
    }
    const fifth = await login("pat.sample", "wrong-password");
    expect(fifth.status).toBe(423);
    const right = await login("pat.sample");
    expect(right.status).toBe(423);
    expect((await json(right)).lockedUntil).toBeDefined();

    await call(sb, "POST", "/auth/password-reset", { json: { username: "pat.sample" } });
    const code = latestCode(sb, "pat.sample", "reset");
    const confirm = await call(sb, "POST", "/auth/password-reset/confirm", {
      json: { username: "pat.sample", code, newPassword: "Fresh-Start-2027" },
    });
    expect(confirm.status).toBe(204);
    expect((await login("pat.sample", "Fresh-Start-2027")).status).toBe(200);
    expect((await login("pat.sample")).status).toBe(401);
  });

  it("a success resets the failure count", async () => {
    await login("pat.sample", "wrong-password");
    await login("pat.sample", "wrong-password");
    expect((await login("pat.sample")).status).toBe(200);
    expect((await json(await login("pat.sample", "wrong-password"))).attemptsRemaining).toBe(4);
  });

  it("the seeded lock ends after lockMinutes", async () => {
    expect((await login("lee.locked")).status).toBe(423);
    advance(15 * 60_000);
    expect((await login("lee.locked")).status).toBe(200);
  });

  it("unknown usernames answer exactly like a known one with a wrong password", async () => {
    const known = await json(await login("pat.sample", "wrong-password"));
    const unknown = await json(await login("no.such.member", "wrong-password"));
    expect(unknown).toEqual(known);
    for (let i = 0; i < 4; i++) await login("no.such.member", "wrong-password");
    expect((await login("no.such.member", "wrong-password")).status).toBe(423);
  });
});

describe("two-step verification", () => {
  async function challengeFor(username: string): Promise<string> {
    return (await json(await login(username))).challengeId;
  }
  const verify = (challengeId: string, code: string) =>
    call(sb, "POST", "/auth/mfa/verify", { json: { challengeId, code } });
  const resend = (challengeId: string, channel?: string) =>
    call(sb, "POST", "/auth/mfa/resend", { json: { challengeId, ...(channel ? { channel } : {}) } });

  it("a resent code invalidates the older one", async () => {
    const challengeId = await challengeFor("erin.emailcode");
    const first = latestCode(sb, "erin.emailcode", "mfa");
    let second = first;
    // Two random codes can coincide (one in a million); ask again until they differ.
    while (second === first) {
      advance(30_000);
      expect((await resend(challengeId)).status).toBe(202);
      second = latestCode(sb, "erin.emailcode", "mfa");
    }
    expect(await json(await verify(challengeId, first))).toMatchObject({
      code: "invalid_code",
      attemptsRemaining: 4,
    });
    expect((await verify(challengeId, second)).status).toBe(200);
  });

  it("a code stops working after 15 minutes (410)", async () => {
    const challengeId = await challengeFor("erin.emailcode");
    const code = latestCode(sb, "erin.emailcode", "mfa");
    advance(15 * 60_000);
    expect((await json(await verify(challengeId, code))).code).toBe("challenge_expired");
  });

  it("five wrong codes kill the challenge, even for the right code afterwards", async () => {
    const challengeId = await challengeFor("erin.emailcode");
    const code = latestCode(sb, "erin.emailcode", "mfa");
    const wrong = code === "000000" ? "111111" : "000000";
    let last: Checked;
    for (let i = 0; i < 5; i++) last = await json(await verify(challengeId, wrong));
    expect(last).toMatchObject({ code: "invalid_code", attemptsRemaining: 0 });
    expect((await verify(challengeId, code)).status).toBe(410);
  });

  it("signing in again replaces the earlier challenge", async () => {
    const old = await challengeFor("erin.emailcode");
    const oldCode = latestCode(sb, "erin.emailcode", "mfa");
    await challengeFor("erin.emailcode");
    expect((await verify(old, oldCode)).status).toBe(410);
  });

  it("resend can switch to another set-up channel, but not to one the member lacks", async () => {
    const challengeId = await challengeFor("erin.emailcode");
    advance(30_000);
    expect(await json(await resend(challengeId, "sms"))).toEqual({
      channel: "sms",
      destinationHint: "***-***-0102",
    });
    const message = sb.outbox().at(-1);
    expect(message).toMatchObject({ to: "erin.emailcode", kind: "mfa", channel: "sms" });
    expect(message?.code).toMatch(/^\d{6}$/);
    advance(30_000);
    expect((await resend(challengeId, "totp")).status).toBe(400);
  });

  it("the TOTP member verifies with the authenticator code and gets nothing in the outbox", async () => {
    const member = seed.members.find((m) => m.scenario === "mfa-totp");
    if (!member?.totpSecret) throw new Error("seed has no TOTP member");
    const start = await json(await login(member.username));
    expect(start).toMatchObject({ result: "mfa_required", channel: "totp" });
    expect(sb.outbox()).toEqual([]);
    const wrong = await verify(
      start.challengeId,
      generateTotp(member.totpSecret, Date.now() + offsetMs - 5 * 60_000),
    );
    expect(wrong.status).toBe(401);
    const ok = await verify(start.challengeId, generateTotp(member.totpSecret, Date.now() + offsetMs));
    expect((await json(ok)).member.memberId).toBe(member.memberId);
  });
});

describe("tokens", () => {
  it("refresh rotates both tokens; the old ones stop working", async () => {
    const first = await signIn(sb);
    const next = await json(
      await call(sb, "POST", "/auth/token/refresh", { json: { refreshToken: first.refreshToken } }),
    );
    expect(next.accessToken).not.toBe(first.accessToken);
    expect((await call(sb, "GET", "/me", { token: first.accessToken })).status).toBe(401);
    expect((await call(sb, "GET", "/me", { token: next.accessToken })).status).toBe(200);
    expect(
      (await call(sb, "POST", "/auth/token/refresh", { json: { refreshToken: first.refreshToken } })).status,
    ).toBe(401);
  });

  it("an expired access token still refreshes; a refresh token lasts 12 hours", async () => {
    const first = await signIn(sb);
    advance(16 * 60_000);
    expect((await json(await call(sb, "GET", "/me", { token: first.accessToken }))).code).toBe(
      "token_expired",
    );
    const next = await json(
      await call(sb, "POST", "/auth/token/refresh", { json: { refreshToken: first.refreshToken } }),
    );
    expect(next.result).toBe("ok");
    advance(12 * 3600_000);
    expect(
      (await call(sb, "POST", "/auth/token/refresh", { json: { refreshToken: next.refreshToken } })).status,
    ).toBe(401);
  });

  it("logout revokes the refresh token too, and succeeds without a valid token", async () => {
    const t = await signIn(sb);
    expect((await call(sb, "POST", "/auth/logout", { token: t.accessToken })).status).toBe(204);
    expect(
      (await call(sb, "POST", "/auth/token/refresh", { json: { refreshToken: t.refreshToken } })).status,
    ).toBe(401);
    expect((await call(sb, "POST", "/auth/logout")).status).toBe(204);
  });
});

describe("refills", () => {
  let token: string;
  beforeEach(async () => {
    token = (await signIn(sb)).accessToken;
  });
  const refill = (body: unknown, key: string) =>
    call(sb, "POST", "/refills", { token, json: body, headers: { "Idempotency-Key": key } });
  const rx = async (rxId: string, memberId = "SBX100001") =>
    (await json(await call(sb, "GET", `/prescriptions?memberId=${memberId}`, { token }))).items.find(
      (p: { rxId: string }) => p.rxId === rxId,
    );

  it("replays the stored answer for the same key and body (key order ignored), with Idempotent-Replayed", async () => {
    const key = crypto.randomUUID();
    const first = await refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const created = await json(first);
    const again = await call(sb, "POST", "/refills", {
      token,
      body: '{"rxIds":["RX-100101"],"memberId":"SBX100001"}',
      headers: { "Idempotency-Key": key, "Content-Type": "application/json" },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await json(again)).toEqual(created);
    expect((await rx("RX-100101")).refillsRemaining).toBe(2);
  });

  it("concurrent requests with one key create one order", async () => {
    const key = crypto.randomUUID();
    const before = (await json(await call(sb, "GET", "/orders", { token }))).items.length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, key)),
    );
    const bodies = await Promise.all(answers.map(json));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(bodies.map((b) => b.orderId)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    expect((await json(await call(sb, "GET", "/orders", { token }))).items).toHaveLength(before + 1);
    expect((await rx("RX-100101")).refillsRemaining).toBe(2);
  });

  it("a refill updates the prescription and is all-or-nothing", async () => {
    const refused = await refill(
      { memberId: "SBX100001", rxIds: ["RX-100101", "RX-100102"] },
      crypto.randomUUID(),
    );
    expect(refused.status).toBe(422);
    expect((await rx("RX-100101")).refillsRemaining).toBe(3);
    expect((await refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, crypto.randomUUID())).status).toBe(
      201,
    );
    const after = await rx("RX-100101");
    expect(after).toMatchObject({ refillsRemaining: 2, status: "too_soon" });
    expect(after.lastFilled).toBe(new Date(Date.now()).toISOString().slice(0, 10));
    expect(after.nextEligibleDate > after.lastFilled).toBe(true);
  });

  it("a member orders for a dependent", async () => {
    const res = await refill({ memberId: "SBX100001-02", rxIds: ["RX-100106"] }, crypto.randomUUID());
    expect(res.status).toBe(201);
    const orders = await json(await call(sb, "GET", "/orders?memberId=SBX100001-02", { token }));
    expect(orders.items[0].status).toBe("received");
  });

  it("keys are forgotten after 24 hours", async () => {
    const key = crypto.randomUUID();
    expect((await refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, key)).status).toBe(201);
    advance(24 * 3600_000 + 1000);
    token = (await signIn(sb)).accessToken;
    expect((await refill({ memberId: "SBX100001-02", rxIds: ["RX-100106"] }, key)).status).toBe(201);
  });

  it("orders move received → processing → shipped (tracking) → delivered with the clock", async () => {
    const created = await json(
      await refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, crypto.randomUUID()),
    );
    const createdAt = Date.parse(created.createdAt);
    expect(created.estimatedDelivery).toBe(new Date(createdAt + 72 * 3600_000).toISOString().slice(0, 10));
    const seen: Checked[] = [];
    let elapsedMs = 0;
    for (const hours of [0, 1, 24, 72]) {
      advance(hours * 3600_000 - elapsedMs);
      elapsedMs = hours * 3600_000;
      const fresh = (await signIn(sb)).accessToken;
      seen.push(await json(await call(sb, "GET", `/orders/${created.orderId}`, { token: fresh })));
    }
    expect(seen.map((o) => o.status)).toEqual(["received", "processing", "shipped", "delivered"]);
    expect(seen.map((o) => (Date.parse(o.updatedAt) - createdAt) / 3600_000)).toEqual([0, 1, 24, 72]);
    expect(seen[0].tracking).toBeUndefined();
    expect(seen[2].tracking).toMatchObject({ carrier: expect.any(String), number: expect.any(String) });
  });
});

describe("recovery", () => {
  /** Status, header names and body: everything but the per-request values. */
  async function shape(res: Response) {
    const names = [...res.headers.keys()].filter((n) => n !== "date").sort();
    return {
      status: res.status,
      names,
      contentType: res.headers.get("content-type"),
      body: await res.text(),
    };
  }

  it("username recovery answers byte-identically for known and unknown accounts", async () => {
    const known = await call(sb, "POST", "/auth/username/recover", {
      json: { email: "Pat.Sample@example.com" },
    });
    const unknown = await call(sb, "POST", "/auth/username/recover", {
      json: { email: "nobody@example.com" },
    });
    expect(known.headers.get("x-request-id")).not.toBe(unknown.headers.get("x-request-id"));
    expect(await shape(unknown)).toEqual(await shape(known));
    expect(sb.outbox()).toHaveLength(1);
    expect(sb.outbox()[0]).toMatchObject({ to: "pat.sample", kind: "username", channel: "email" });
    expect(sb.outbox()[0]?.text).toContain("pat.sample");
    const byId = await call(sb, "POST", "/auth/username/recover", {
      json: { memberId: "SBX100008", dateOfBirth: "1952-03-14" },
    });
    expect(byId.status).toBe(202);
    expect(sb.outbox().at(-1)?.to).toBe("wren.medicare");
  });

  it("password reset answers byte-identically for known and unknown accounts", async () => {
    const known = await call(sb, "POST", "/auth/password-reset", { json: { username: "pat.sample" } });
    const unknown = await call(sb, "POST", "/auth/password-reset", { json: { username: "nobody.here" } });
    expect(await shape(unknown)).toEqual(await shape(known));
    expect(sb.outbox().map((m) => m.to)).toEqual(["pat.sample"]);
  });

  const confirm = (code: string, username = "pat.sample", newPassword = "Fresh-Start-2027") =>
    call(sb, "POST", "/auth/password-reset/confirm", { json: { username, code, newPassword } });

  it("a reset code is single-use, and a newer request invalidates older codes", async () => {
    await call(sb, "POST", "/auth/password-reset", { json: { username: "pat.sample" } });
    const older = latestCode(sb, "pat.sample", "reset");
    await call(sb, "POST", "/auth/password-reset", { json: { username: "pat.sample" } });
    const newer = latestCode(sb, "pat.sample", "reset");
    if (older !== newer) expect((await confirm(older)).status).toBe(400);
    expect((await confirm(newer)).status).toBe(204);
    expect((await confirm(newer, "pat.sample", "Yet-Another-Pass-9")).status).toBe(400);
  });

  it("a reset code expires after 15 minutes", async () => {
    await call(sb, "POST", "/auth/password-reset", { json: { username: "pat.sample" } });
    const code = latestCode(sb, "pat.sample", "reset");
    advance(15 * 60_000);
    expect((await json(await confirm(code))).code).toBe("invalid_or_expired_code");
  });

  it("a reset clears an expired password; unknown usernames get the same 400", async () => {
    expect((await login("morgan.expired")).status).toBe(403);
    await call(sb, "POST", "/auth/password-reset", { json: { username: "morgan.expired" } });
    expect((await confirm(latestCode(sb, "morgan.expired", "reset"), "morgan.expired")).status).toBe(204);
    expect((await login("morgan.expired", "Fresh-Start-2027")).status).toBe(200);
    const unknown = await json(await confirm("123456", "nobody.here"));
    expect(unknown).toMatchObject({ code: "invalid_or_expired_code", attemptsRemaining: 4 });
  });

  it("the policy refuses passwords containing the username, too long, or with too few classes", async () => {
    await call(sb, "POST", "/auth/password-reset", { json: { username: "pat.sample" } });
    const code = latestCode(sb, "pat.sample", "reset");
    const rules = async (pw: string) =>
      (await json(await confirm(code, "pat.sample", pw))).violations.map((v: { rule: string }) => v.rule);
    expect(await rules("My-pat.sample-Pass1")).toEqual(["disallowUsername"]);
    expect(await rules(`Aa1-${"x".repeat(61)}`)).toEqual(["maxLength"]);
    expect(await rules("alllowercaseletters")).toEqual(["minClasses"]);
    // A policy failure keeps the code usable.
    expect((await confirm(code)).status).toBe(204);
  });

  it("a disabled account gets no reset code", async () => {
    await call(sb, "POST", "/auth/password-reset", { json: { username: "dana.disabled" } });
    expect(sb.outbox()).toEqual([]);
  });
});

describe("requests the portal refuses", () => {
  it("bad JSON and schema failures are 400 bad_request problems", async () => {
    const bad = await call(sb, "POST", "/auth/login", {
      body: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await json(bad)).code).toBe("bad_request");
    const invalid = await json(await call(sb, "POST", "/auth/login", { json: { username: "pat.sample" } }));
    expect(invalid).toMatchObject({ code: "bad_request", status: 400 });
    expect(invalid.errors[0].path).toBe("password");
  });

  it("unknown paths are 404 and wrong methods 405 with Allow, each with an X-Request-Id", async () => {
    const missing = await call(sb, "GET", "/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-request-id")).toMatch(UUID);
    expect((await json(missing)).code).toBe("not_found");
    const outside = await fetch(`${sb.origin}/`);
    expect(outside.status).toBe(404);
    const wrong = await call(sb, "DELETE", "/status");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
  });
});

describe("control surface", () => {
  it("lists members with scenarios and no secrets", async () => {
    const res = await control(sb, "GET", "/members");
    expect(res.headers.get("x-request-id")).toMatch(UUID);
    const members: Record<string, unknown>[] = await json(res);
    expect(members.map((m) => m.scenario).sort()).toEqual([
      "disabled",
      "healthy",
      "locked",
      "medicare",
      "mfa-email",
      "mfa-sms",
      "mfa-totp",
      "password-expired",
      "tricare",
    ]);
    for (const m of members)
      expect(Object.keys(m).sort()).toEqual(["enrolleeType", "mfa", "scenario", "username"]);
    expect(JSON.stringify(members)).not.toContain(seed.members.find((m) => m.totpSecret)?.totpSecret);
  });

  it("shows and empties the outbox, filtered by username", async () => {
    await login("erin.emailcode");
    await login("sam.textcode");
    const erin = await json(await control(sb, "GET", "/outbox?to=Erin.Emailcode"));
    expect(erin.messages).toHaveLength(1);
    expect(erin.messages[0]).toMatchObject({ id: expect.any(String), kind: "mfa", channel: "email" });
    expect(erin.messages[0].code).toMatch(/^\d{6}$/);
    expect((await control(sb, "DELETE", "/outbox")).status).toBe(204);
    expect((await json(await control(sb, "GET", "/outbox"))).messages).toEqual([]);
  });

  it("adds, lists and clears faults; refuses junk specs", async () => {
    const added = await control(sb, "POST", "/faults", { spec: "maintenance:120@/status#1" });
    expect(added.status).toBe(201);
    expect((await json(await control(sb, "GET", "/faults"))).faults).toEqual([
      { spec: "maintenance:120@/status#1", kind: "maintenance", value: 120, path: "/status", count: 1 },
    ]);
    const junk = await control(sb, "POST", "/faults", { spec: "explode" });
    expect(junk.status).toBe(400);
    expect((await json(junk)).detail).toMatch(/unknown kind "explode"/);
    expect((await control(sb, "DELETE", "/faults")).status).toBe(204);
    expect((await call(sb, "GET", "/status")).status).toBe(200);
  });

  it("moves the clock and resets state", async () => {
    const before = Date.parse((await json(await control(sb, "GET", "/clock"))).serverTime);
    const moved = await json(await control(sb, "POST", "/clock", { advanceSeconds: 3600 }));
    expect(Date.parse(moved.serverTime) - before).toBeGreaterThanOrEqual(3600_000);
    expect((await control(sb, "POST", "/reset")).status).toBe(204);
    const after = Date.parse((await json(await control(sb, "GET", "/clock"))).serverTime);
    expect(after - before).toBeLessThan(3600_000);
  });

  it("takes a single component down without the rest", async () => {
    const { accessToken } = await signIn(sb);
    const set = await control(sb, "POST", "/status", {
      status: "degraded",
      components: [{ name: "refills", status: "outage" }],
    });
    expect((await json(set)).components.find((c: { name: string }) => c.name === "refills").status).toBe(
      "outage",
    );
    const refill = await call(sb, "POST", "/refills", {
      token: accessToken,
      json: { memberId: "SBX100001", rxIds: ["RX-100101"] },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    expect(refill.status).toBe(503);
    expect(refill.headers.get("retry-after")).toBe("300");
    expect((await call(sb, "GET", "/me", { token: accessToken })).status).toBe(200);
    expect((await control(sb, "POST", "/status", { status: "sideways" })).status).toBe(400);
  });

  it("answers 404 for unknown control routes and 405 for wrong methods", async () => {
    expect((await control(sb, "GET", "/nope")).status).toBe(404);
    expect((await control(sb, "PUT", "/outbox")).status).toBe(405);
  });
});
