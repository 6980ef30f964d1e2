// login, logout and whoami against msw: every way the portal can refuse or fail.

import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeContext, testContext } from "../../../test/helpers/context.js";
import { problemResponse } from "../../../test/helpers/problem.js";
import { run } from "../../main.js";

const BASE = "https://portal.test/api/v1";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const POLICY = {
  lockout: { maxAttempts: 5, lockMinutes: 15 },
  password: { minLength: 12, maxLength: 64, requireClasses: [], minClasses: 3, disallowUsername: true },
  resetCode: { length: 6, ttlMinutes: 15 },
  mfa: { channels: ["email"] },
};
const OK = {
  result: "ok",
  accessToken: "at-1",
  refreshToken: "rt-1",
  expiresIn: 900,
  member: { memberId: "M1", name: "Alice" },
};
const MFA = {
  result: "mfa_required",
  challengeId: "ch-1",
  channel: "email",
  destinationHint: "a***@example.com",
  expiresIn: 900,
};
const problem = (status: number, code: string, extras: object = {}, headers: Record<string, string> = {}) =>
  problemResponse(status, code, extras, { "X-Request-Id": `req-${code}`, ...headers });

function portal(login: () => Response, extra: Parameters<typeof server.use> = []) {
  server.use(
    http.get(`${BASE}/auth/policy`, () => HttpResponse.json(POLICY)),
    http.post(`${BASE}/auth/login`, login),
    ...extra,
  );
}

async function login(
  env: Record<string, string> = { RXPORTAL_PASSWORD: "pw-Example-123" },
  args: string[] = [],
) {
  const t = testContext({ baseUrl: BASE, env });
  const code = await run(["login", "--username", "alice", ...args], t.ctx);
  await closeContext(t.ctx);
  return { code, ...t };
}

describe("login error branches", () => {
  it.each([
    [
      "403 account_disabled",
      () => problem(403, "account_disabled"),
      1,
      /disabled; it cannot be unlocked online/,
    ],
    ["403 password_expired", () => problem(403, "password_expired"), 1, /rxportal reset/],
    [
      "401 invalid_credentials",
      () => problem(401, "invalid_credentials", { attemptsRemaining: 3 }),
      1,
      /did not accept/,
    ],
    [
      "423 account_locked",
      () => problem(423, "account_locked", { lockedUntil: "2026-11-23T15:00:00Z" }),
      75,
      /locked after too many failed sign-ins until/,
    ],
    [
      "429 rate_limited",
      () => problem(429, "rate_limited", {}, { "Retry-After": "120" }),
      75,
      /limiting requests/,
    ],
    [
      "503 HTML maintenance page",
      () =>
        new HttpResponse("<html><body>Down for maintenance</body></html>", {
          status: 503,
          headers: { "Content-Type": "text/html", "Retry-After": "60" },
        }),
      69,
      /maintenance/,
    ],
    [
      "malformed JSON",
      () => new HttpResponse("{nope", { status: 200, headers: { "Content-Type": "application/json" } }),
      69,
      /malformed/,
    ],
  ])("%s", async (_name, answer, exit, message) => {
    portal(answer);
    const r = await login();
    expect(r.code).toBe(exit);
    expect(r.stdout.text).toBe("");
    expect(r.stderr.text.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.text).toMatch(message);
    expect(r.stderr.text).not.toContain("pw-Example-123");
  });

  it("an expired challenge is exit 1 with a fresh-start hint; a wrong code without a terminal is exit 1", async () => {
    portal(
      () => HttpResponse.json(MFA),
      [http.post(`${BASE}/auth/mfa/verify`, () => problem(410, "challenge_expired"))],
    );
    const t = testContext({ baseUrl: BASE });
    t.stdin.end("pw-Example-123\n123456\n");
    expect(await run(["login", "--username", "alice", "--password-stdin"], t.ctx)).toBe(1);
    expect(t.stderr.text).toMatch(/code expired.*rxportal login/);

    portal(
      () => HttpResponse.json(MFA),
      [http.post(`${BASE}/auth/mfa/verify`, () => problem(401, "invalid_code", { attemptsRemaining: 4 }))],
    );
    const w = testContext({ baseUrl: BASE });
    w.stdin.end("pw-Example-123\n654321\n");
    expect(await run(["login", "--username", "alice", "--password-stdin"], w.ctx)).toBe(1);
    expect(w.stderr.text).not.toContain("654321");
  });

  it("--password-stdin with an empty stdin is a usage error (64)", async () => {
    portal(() => HttpResponse.json(OK));
    const t = testContext({ baseUrl: BASE });
    t.stdin.end("");
    expect(await run(["login", "--username", "alice", "--password-stdin"], t.ctx)).toBe(64);
    expect(t.stderr.text).toMatch(/stdin had no password line/);
  });
});

describe("logout and whoami", () => {
  it("logout removes the local session even when the portal is down, and says so", async () => {
    portal(
      () => HttpResponse.json(OK),
      [
        http.post(
          `${BASE}/auth/logout`,
          () =>
            new HttpResponse("<html>down</html>", { status: 502, headers: { "Content-Type": "text/html" } }),
        ),
      ],
    );
    const first = await login();
    expect(first.code).toBe(0);
    const t = testContext({ dir: first.dir, credentials: first.credentials });
    expect(await run(["logout"], t.ctx)).toBe(0);
    expect(t.stderr.text).toMatch(/could not be told/);
    expect(await first.credentials.store.getSession("test", "alice")).toBeUndefined();
  });

  it("whoami: a kept session the portal rejects (401 token_expired) is exit 77 with the next step", async () => {
    portal(
      () => HttpResponse.json(OK),
      [
        http.get(`${BASE}/me`, () => problem(401, "token_expired")),
        http.post(`${BASE}/auth/token/refresh`, () => problem(401, "unauthorized")),
      ],
    );
    const first = await login();
    const t = testContext({ dir: first.dir, credentials: first.credentials });
    expect(await run(["whoami"], t.ctx)).toBe(77);
    expect(t.stderr.text).toMatch(/rxportal login/);
  });

  it("whoami with nobody signed in is exit 77 without contacting the portal", async () => {
    const t = testContext({ baseUrl: BASE });
    expect(await run(["whoami"], t.ctx)).toBe(77);
    expect(t.stderr.text).toMatch(/Nobody is signed in/);
  });
});

describe("the policy before the password", () => {
  it("asks for the policy once, and sends the password only after its answer", async () => {
    const seen: string[] = [];
    let policyAnswered = false;
    server.use(
      http.get(`${BASE}/auth/policy`, async () => {
        seen.push("policy");
        // Slower than the rest of the sign-in: the password must still wait for it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        policyAnswered = true;
        return HttpResponse.json(POLICY);
      }),
      http.post(`${BASE}/auth/login`, () => {
        seen.push(policyAnswered ? "login after policy" : "login before policy");
        return HttpResponse.json(OK);
      }),
    );
    const r = await login();
    expect(r.code).toBe(0);
    expect(seen).toEqual(["policy", "login after policy"]);
  });

  it("a policy request that fails is one line, exit 69, and no password is sent", async () => {
    let logins = 0;
    server.use(
      http.get(`${BASE}/auth/policy`, () => new HttpResponse("down", { status: 503 })),
      http.post(`${BASE}/auth/login`, () => {
        logins++;
        return HttpResponse.json(OK);
      }),
    );
    const r = await login();
    expect(r.code).toBe(69);
    expect(logins).toBe(0);
    expect(r.stderr.text.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.text).not.toContain("pw-Example-123");
  });
});
