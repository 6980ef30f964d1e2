// Conformance: every (operation, status) row of the portal contract is exercised against the real
// sandbox and validated with the contract's own schemas. The last test proves the coverage.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sandboxPolicy } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import {
  call,
  contractKeys,
  control,
  expectContract,
  expectMaintenance,
  latestCode,
  PASSWORD,
  signIn,
} from "./helpers.js";

const covered = new Set<string>();
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({
    limits: {
      loginPerIp: { limit: 12, windowSeconds: 60 },
      recoveryPerIdentifier: { limit: 3, windowSeconds: 900 },
      resetConfirmPerUsername: { limit: 4, windowSeconds: 900 },
    },
  });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const check = (opId: string, res: Response) => expectContract(covered, opId, res);

describe("service", () => {
  it("GET /status 200: operational, app versions, serverTime from the clock", async () => {
    const body = await check("getStatus", await call(sb, "GET", "/status"));
    expect(body.status).toBe("operational");
    expect(body.components).toHaveLength(6);
    expect(body.apps.ios).toEqual({ minimum: "5.2.0", latest: "5.4.1" });
    expect(Math.abs(Date.parse(body.serverTime) - Date.now())).toBeLessThan(5_000);
  });

  it("GET /auth/policy 200: the published policy", async () => {
    const body = await check("getAuthPolicy", await call(sb, "GET", "/auth/policy"));
    expect(body).toEqual(sandboxPolicy);
    expect(body.lockout).toEqual({ maxAttempts: 5, lockMinutes: 15 });
    expect(body.password.minClasses).toBe(3);
  });
});

describe("sign-in", () => {
  const login = (username: string, password = PASSWORD) =>
    call(sb, "POST", "/auth/login", { json: { username, password } });

  it("POST /auth/login 200 ok, username matched case-insensitively", async () => {
    const body = await check("login", await login("PAT.Sample"));
    expect(body).toMatchObject({
      result: "ok",
      expiresIn: 900,
      member: { memberId: "SBX100001", name: "Pat Sample" },
    });
  });

  it("POST /auth/login 200 mfa_required with a masked destination", async () => {
    const body = await check("login", await login("erin.emailcode"));
    expect(body).toMatchObject({
      result: "mfa_required",
      channel: "email",
      destinationHint: "e***@example.com",
    });
    expect(body.expiresIn).toBe(900);
  });

  it("POST /auth/login 401 invalid_credentials with attemptsRemaining (password is case-sensitive)", async () => {
    const body = await check("login", await login("pat.sample", PASSWORD.toLowerCase()));
    expect(body).toMatchObject({ code: "invalid_credentials", attemptsRemaining: 4 });
  });

  it("POST /auth/login 403 password_expired and account_disabled", async () => {
    expect((await check("login", await login("morgan.expired"))).code).toBe("password_expired");
    expect((await check("login", await login("dana.disabled"))).code).toBe("account_disabled");
  });

  it("POST /auth/login 423 account_locked for the seeded locked member, until lockMinutes after start", async () => {
    const body = await check("login", await login("lee.locked"));
    expect(body.code).toBe("account_locked");
    const until = Date.parse(body.lockedUntil);
    expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(15 * 60_000);
  });

  it("POST /auth/login 429 rate_limited per IP with Retry-After", async () => {
    for (let i = 0; i < 12; i++) expect((await login("nobody.here", "x")).status).not.toBe(429);
    const res = await login("pat.sample");
    const body = await check("login", res);
    expect(body.code).toBe("rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("POST /auth/login 503 maintenance (problem+json) while the portal is in maintenance", async () => {
    const end = new Date(Date.now() + 2 * 3600_000).toISOString();
    const set = await control(sb, "POST", "/status", {
      maintenance: { start: new Date(Date.now() - 60_000).toISOString(), end, message: "Upgrade" },
    });
    expect(set.status).toBe(200);
    const res = await login("pat.sample");
    const body = await check("login", res);
    expect(body.code).toBe("maintenance");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(7000);
    const status = await check("getStatus", await call(sb, "GET", "/status"));
    expect(status.status).toBe("maintenance");
    expect(status.maintenance.end).toBe(end);
  });

  async function challenge(username = "erin.emailcode"): Promise<string> {
    const res = await login(username);
    const body = (await res.json()) as { challengeId: string };
    return body.challengeId;
  }

  it("POST /auth/mfa/verify 200 with the code from the outbox", async () => {
    const challengeId = await challenge();
    const code = latestCode(sb, "erin.emailcode", "mfa");
    const body = await check(
      "verifyMfa",
      await call(sb, "POST", "/auth/mfa/verify", { json: { challengeId, code } }),
    );
    expect(body.member.memberId).toBe("SBX100002");
  });

  it("POST /auth/mfa/verify 401 invalid_code with attemptsRemaining", async () => {
    const challengeId = await challenge();
    const wrong = latestCode(sb, "erin.emailcode", "mfa") === "000000" ? "111111" : "000000";
    const res = await call(sb, "POST", "/auth/mfa/verify", { json: { challengeId, code: wrong } });
    expect(await check("verifyMfa", res)).toMatchObject({ code: "invalid_code", attemptsRemaining: 4 });
  });

  it("POST /auth/mfa/verify 410 challenge_expired for an unknown challenge", async () => {
    const res = await call(sb, "POST", "/auth/mfa/verify", { json: { challengeId: "nope", code: "123456" } });
    expect((await check("verifyMfa", res)).code).toBe("challenge_expired");
  });

  it("POST /auth/mfa/resend 429 right after a code, 202 once the interval passed", async () => {
    const challengeId = await challenge("sam.textcode");
    const early = await call(sb, "POST", "/auth/mfa/resend", { json: { challengeId } });
    expect((await check("resendMfa", early)).code).toBe("rate_limited");
    expect(Number(early.headers.get("retry-after"))).toBeGreaterThan(0);
    sb.advanceClock(30_000);
    const res = await call(sb, "POST", "/auth/mfa/resend", { json: { challengeId } });
    expect(await check("resendMfa", res)).toEqual({ channel: "sms", destinationHint: "***-***-0103" });
  });

  it("POST /auth/token/refresh 200, then 401 unauthorized for the spent token", async () => {
    const { refreshToken } = await signIn(sb);
    const fresh = await check(
      "refreshToken",
      await call(sb, "POST", "/auth/token/refresh", { json: { refreshToken } }),
    );
    expect(fresh.refreshToken).not.toBe(refreshToken);
    const again = await call(sb, "POST", "/auth/token/refresh", { json: { refreshToken } });
    expect((await check("refreshToken", again)).code).toBe("unauthorized");
  });

  it("POST /auth/logout 204 and the token stops working", async () => {
    const { accessToken } = await signIn(sb);
    await check("logout", await call(sb, "POST", "/auth/logout", { token: accessToken }));
    expect((await call(sb, "GET", "/me", { token: accessToken })).status).toBe(401);
  });
});

describe("recovery", () => {
  it("POST /auth/username/recover 202, then 429 per identifier", async () => {
    const json = { email: "nobody@example.com" };
    for (let i = 0; i < 3; i++)
      await check("recoverUsername", await call(sb, "POST", "/auth/username/recover", { json }));
    const res = await call(sb, "POST", "/auth/username/recover", { json });
    expect((await check("recoverUsername", res)).code).toBe("rate_limited");
  });

  it("POST /auth/password-reset 202, then 429 per identifier", async () => {
    const json = { memberId: "SBX100001", dateOfBirth: "1981-04-12" };
    const first = await check(
      "requestPasswordReset",
      await call(sb, "POST", "/auth/password-reset", { json }),
    );
    expect(first.channel).toBe("email");
    await call(sb, "POST", "/auth/password-reset", { json });
    await call(sb, "POST", "/auth/password-reset", { json });
    const res = await call(sb, "POST", "/auth/password-reset", { json });
    expect((await check("requestPasswordReset", res)).code).toBe("rate_limited");
  });

  const confirm = (code: string, newPassword = "Brand-New-Pass-77") =>
    call(sb, "POST", "/auth/password-reset/confirm", { json: { username: "pat.sample", code, newPassword } });

  it("POST /auth/password-reset/confirm 204, 400, 422 and 429", async () => {
    await call(sb, "POST", "/auth/password-reset", { json: { username: "pat.sample" } });
    const code = latestCode(sb, "pat.sample", "reset");
    const wrong = code === "000000" ? "999999" : "000000";
    const bad = await check("confirmPasswordReset", await confirm(wrong));
    expect(bad).toMatchObject({ code: "invalid_or_expired_code", attemptsRemaining: 4 });
    const weak = await check("confirmPasswordReset", await confirm(code, "short"));
    expect(weak.code).toBe("password_policy");
    expect(weak.violations.map((v: { rule: string }) => v.rule)).toEqual(["minLength", "minClasses"]);
    await check("confirmPasswordReset", await confirm(code));
    const reused = await check("confirmPasswordReset", await confirm(code, "Another-Pass-88"));
    expect(reused.code).toBe("invalid_or_expired_code");
    const limited = await check("confirmPasswordReset", await confirm(code));
    expect(limited.code).toBe("rate_limited");
  });
});

describe("registration (contract 1.1)", () => {
  const sam = { firstName: "Sam", lastName: "Newcomer", dateOfBirth: "1990-07-21", memberId: "SBX300001" };
  const account = { username: "sam.newcomer", password: "Lantern-Orbit-Maple-43", email: "sam@example.com" };
  const register = (extra: Record<string, unknown> = {}) =>
    call(sb, "POST", "/auth/register", { json: { ...sam, ...account, ...extra } });
  const verify = (challengeId: string, code: string) =>
    call(sb, "POST", "/auth/register/verify", { json: { challengeId, code } });
  const code = () =>
    sb
      .outbox()
      .filter((m) => m.kind === "register")
      .at(-1)?.code ?? "";

  it("POST /auth/register 202, then /auth/register/verify 401, 201 and 410", async () => {
    const started = await check("register", await register());
    expect(started).toMatchObject({ result: "verify", channel: "email", expiresIn: 900 });
    const wrong = code() === "000000" ? "111111" : "000000";
    expect(
      (await check("verifyRegistration", await verify(started.challengeId, wrong))).attemptsRemaining,
    ).toBe(4);
    const done = await check("verifyRegistration", await verify(started.challengeId, code()));
    expect(done).toEqual({
      result: "ok",
      username: "sam.newcomer",
      member: { memberId: "SBX300001", name: "Sam Newcomer" },
    });
    expect((await check("verifyRegistration", await verify(started.challengeId, code()))).code).toBe(
      "challenge_expired",
    );
  });

  it("POST /auth/register 409 (both codes), 422 (both codes), 429 and 501", async () => {
    const pat = { firstName: "Pat", lastName: "Sample", dateOfBirth: "1981-04-12", memberId: "SBX100001" };
    expect((await check("register", await register({ ...pat, username: "pat.two" }))).code).toBe(
      "already_registered",
    );
    const taken = await check("register", await register({ username: "pat.sample" }));
    expect(taken.code).toBe("username_taken");
    expect(taken.suggestions.length).toBeGreaterThan(0);
    expect((await check("register", await register({ memberId: "SBX999999" }))).code).toBe("not_eligible");
    expect((await check("register", await register({ password: "short" }))).code).toBe("password_policy");
    sb.addFault({ kind: "status", value: 429, path: "/auth/register", count: 1 });
    await check("register", await register());
    sb.addFault({ kind: "status", value: 501, path: "/auth/register", count: 1 });
    expect((await check("register", await register())).code).toBe("not_implemented");
  });
});

describe("member", () => {
  let token: string;
  beforeEach(async () => {
    token = (await signIn(sb)).accessToken;
  });
  const get = (path: string, t: string | undefined = token) => call(sb, "GET", path, { token: t });

  it("GET /me 200 with dependents; 401 unauthorized without a token; 401 token_expired after 15 min", async () => {
    const me = await check("getMe", await get("/me"));
    expect(me.enrolleeType).toBe("commercial");
    expect(me.dependents.map((d: { relationship: string }) => d.relationship).sort()).toEqual([
      "child",
      "spouse",
    ]);
    expect((await check("getMe", await get("/me", ""))).code).toBe("unauthorized");
    expect((await check("getMe", await get("/me", "not-a-token"))).code).toBe("unauthorized");
    sb.advanceClock(900_000);
    expect((await check("getMe", await get("/me"))).code).toBe("token_expired");
  });

  it("GET /id-card 200 (self and dependent), 401, 403", async () => {
    expect((await check("getIdCard", await get("/id-card"))).memberId).toBe("SBX100001");
    const child = await check("getIdCard", await get("/id-card?memberId=SBX100001-02"));
    expect(child.name).toBe("Robin Sample");
    await check("getIdCard", await get("/id-card", ""));
    expect((await check("getIdCard", await get("/id-card?memberId=SBX100002"))).code).toBe("forbidden");
  });

  it("GET /prescriptions 200 with every status, 401, 403", async () => {
    const list = await check("listPrescriptions", await get("/prescriptions"));
    const statuses = new Set(list.items.map((rx: { status: string }) => rx.status));
    expect([...statuses].sort()).toEqual(["active", "expired", "no_refills", "too_soon"]);
    await check("listPrescriptions", await get("/prescriptions", ""));
    expect((await check("listPrescriptions", await get("/prescriptions?memberId=X"))).code).toBe("forbidden");
  });

  const autoRefill = (rxId: string, enabled: boolean, t: string = token) =>
    call(sb, "PUT", `/prescriptions/${rxId}/auto-refill`, { token: t, json: { enabled } });

  it("PUT /prescriptions/{rxId}/auto-refill 200, 401, 404, 422", async () => {
    expect(await check("setAutoRefill", await autoRefill("RX-100101", true))).toEqual({
      rxId: "RX-100101",
      autoRefill: true,
    });
    await check("setAutoRefill", await autoRefill("RX-100101", true, "bad"));
    expect((await check("setAutoRefill", await autoRefill("RX-100201", true))).code).toBe("not_found");
    expect((await check("setAutoRefill", await autoRefill("RX-100104", true))).code).toBe("not_eligible");
  });

  const refill = (json: unknown, key: string | undefined = crypto.randomUUID(), t = token) =>
    call(sb, "POST", "/refills", { token: t, json, headers: key ? { "Idempotency-Key": key } : {} });

  it("POST /refills 201, 400, 401, 403, 409, 422", async () => {
    const key = crypto.randomUUID();
    const created = await check(
      "orderRefills",
      await refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, key),
    );
    expect(created).toMatchObject({
      status: "received",
      items: [{ rxId: "RX-100101", drug: "Atorvastatin" }],
    });
    const noKey = await check(
      "orderRefills",
      await refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, ""),
    );
    expect(noKey.code).toBe("idempotency_key_required");
    await check(
      "orderRefills",
      await refill({ memberId: "SBX100001", rxIds: ["RX-100101"] }, undefined, "bad"),
    );
    const other = await check("orderRefills", await refill({ memberId: "SBX100002", rxIds: ["RX-100201"] }));
    expect(other.code).toBe("forbidden");
    const conflict = await check(
      "orderRefills",
      await refill({ memberId: "SBX100001", rxIds: ["RX-100106"] }, key),
    );
    expect(conflict.code).toBe("idempotency_conflict");
    const refused = await check(
      "orderRefills",
      await refill({ memberId: "SBX100001", rxIds: ["RX-100102", "RX-100103", "RX-100104", "RX-100999"] }),
    );
    expect(refused.items).toEqual([
      { rxId: "RX-100102", reason: "too_soon" },
      { rxId: "RX-100103", reason: "no_refills" },
      { rxId: "RX-100104", reason: "expired" },
      { rxId: "RX-100999", reason: "not_found" },
    ]);
  });

  it("GET /orders 200 for self and dependent, 401, 403", async () => {
    const mine = await check("listOrders", await get("/orders"));
    expect(mine.items.map((o: { status: string }) => o.status)).toEqual([
      "received",
      "processing",
      "delivered",
    ]);
    const spouse = await check("listOrders", await get("/orders?memberId=SBX100001-01"));
    expect(spouse.items[0]).toMatchObject({ status: "shipped", tracking: { carrier: expect.any(String) } });
    await check("listOrders", await get("/orders", ""));
    expect((await check("listOrders", await get("/orders?memberId=SBX100008"))).code).toBe("forbidden");
  });

  it("GET /orders/{orderId} 200 (a dependent's order too), 401, 404 for another family's order", async () => {
    expect((await check("getOrder", await get("/orders/ORD-200105"))).status).toBe("cancelled");
    await check("getOrder", await get("/orders/ORD-200101", ""));
    expect((await check("getOrder", await get("/orders/ORD-200801"))).code).toBe("not_found");
    expect((await check("getOrder", await get("/orders/ORD-NOPE"))).code).toBe("not_found");
  });
});

describe("maintenance on any path", () => {
  it("answers 503 as problem+json during an outage and as an HTML page from the maintenance fault", async () => {
    const { accessToken } = await signIn(sb);
    await control(sb, "POST", "/status", { status: "outage" });
    await expectMaintenance(covered, await call(sb, "GET", "/me", { token: accessToken }));
    await control(sb, "POST", "/status", { status: "operational" });
    sb.addFault({ kind: "maintenance", value: 120, path: "/orders", count: 1 });
    const res = await call(sb, "GET", "/orders", { token: accessToken });
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("retry-after")).toBe("120");
    await expectMaintenance(covered, res);
  });
});

describe("coverage", () => {
  it("exercised and validated every (operation, status) of the contract", () => {
    const expected = contractKeys();
    const missing = [...expected].filter((k) => !covered.has(k));
    const extra = [...covered].filter((k) => !expected.has(k));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect(covered.size).toBeGreaterThan(40);
  });
});
