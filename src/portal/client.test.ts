// The client against msw: every answer the contract allows, plus the ones a real portal sends
// anyway (HTML maintenance pages, malformed JSON, off-contract bodies). Faults that msw cannot fake
// faithfully (cut-off bodies, resets, hangs, DNS, TLS) live in client-transport.test.ts.

import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { problemResponse } from "../../test/helpers/problem.js";
import { ManualClock } from "../clock.js";
import {
  AuthRequiredError,
  ConfigError,
  ExitCode,
  InterruptedError,
  PortalRefusedError,
  PortalUnavailableError,
  TryLaterError,
  UsageError,
} from "../errors.js";
import { PortalClient, type PortalClientOptions } from "./client.js";

const BASE = "https://portal.test/api/v1";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const STATUS = {
  status: "operational",
  components: [{ name: "login", status: "operational" }],
  apps: { ios: { minimum: "4.0.0", latest: "4.2.0" }, android: { minimum: "4.0.0", latest: "4.2.1" } },
  serverTime: "2025-03-01T12:00:00Z",
};
const LOGIN_OK = {
  result: "ok",
  accessToken: "at-from-server",
  expiresIn: 900,
  member: { memberId: "M1", name: "Alice" },
};
const ME = {
  memberId: "M1",
  name: "Alice",
  dateOfBirth: "1980-01-01",
  enrolleeType: "commercial",
  recoveryEmailHint: "a***@example.com",
  phoneHint: "***-***-1234",
  dependents: [],
};
const CREATED = {
  orderId: "O-1",
  status: "received",
  items: [{ rxId: "RX1", drug: "Lisinopril" }],
  createdAt: "2025-03-01T12:00:00Z",
};

const problem = (status: number, code: string, extras: object = {}, headers: Record<string, string> = {}) =>
  problemResponse(status, code, extras, { "X-Request-Id": `req-${code}`, ...headers });

/** A client whose waits are recorded instead of slept, so retry tests run in milliseconds. */
function makeClient(overrides: Partial<PortalClientOptions> = {}) {
  const waits: number[] = [];
  const lines: string[] = [];
  const client = new PortalClient({
    baseUrl: BASE,
    fetch: globalThis.fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    trace: (line) => lines.push(line),
    ...overrides,
  });
  return { client, waits, lines };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to fail");
}

describe("successful calls", () => {
  it("parses a 2xx with the contract schema and reports meta", async () => {
    let seen: Headers | undefined;
    server.use(
      http.get(`${BASE}/status`, ({ request }) => {
        seen = request.headers;
        return HttpResponse.json(STATUS, { headers: { "x-request-id": "r-status" } });
      }),
    );
    const { client } = makeClient({ userAgent: "rxportal/9.9.9" });
    const { data, meta } = await client.call("getStatus", {});
    expect(data).toEqual(STATUS);
    expect(meta).toMatchObject({ status: 200, requestId: "r-status", attempts: 1 });
    expect(meta.replayed).toBeUndefined();
    expect(meta.durationMs).toBeGreaterThanOrEqual(0);
    expect(client.lastRequestId).toBe("r-status");
    expect(seen?.get("user-agent")).toBe("rxportal/9.9.9");
    expect(seen?.get("accept")).toContain("application/json");
    expect(seen?.get("authorization")).toBeNull();
  });

  it("login's answer is the session: as(it) sends the token only to authenticated operations", async () => {
    const auth: Record<string, string | null> = {};
    server.use(
      http.post(`${BASE}/auth/login`, async ({ request }) => {
        auth.login = request.headers.get("authorization");
        expect(await request.json()).toEqual({ username: "alice", password: "pw" });
        return HttpResponse.json(LOGIN_OK);
      }),
      http.get(`${BASE}/me`, ({ request }) => {
        auth.me = request.headers.get("authorization");
        return HttpResponse.json(ME);
      }),
      http.post(`${BASE}/auth/logout`, ({ request }) => {
        auth.logout = request.headers.get("authorization");
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const { client } = makeClient();
    const login = await client.login({ username: "alice", password: "pw" });
    expect(login.result).toBe("ok");
    if (login.result !== "ok") return;
    expect(login.accessToken).toBe("at-from-server");
    const signedIn = client.as(login);
    expect(await signedIn.getMe()).toEqual(ME);
    await signedIn.logout();
    expect(auth).toEqual({ login: null, me: "Bearer at-from-server", logout: "Bearer at-from-server" });
    // The client itself never picked the session up.
    await expect(client.getMe()).rejects.toBeInstanceOf(AuthRequiredError);
  });

  it("never reports a previous call's X-Request-Id for an answer without one", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () =>
        ++calls === 1
          ? HttpResponse.json(STATUS, { headers: { "x-request-id": "first" } })
          : HttpResponse.json(STATUS),
      ),
    );
    const { client } = makeClient();
    expect((await client.call("getStatus")).meta.requestId).toBe("first");
    expect((await client.call("getStatus")).meta.requestId).toBeUndefined();
    expect(client.lastRequestId).toBeUndefined();
  });

  it("reads 202 and 204 answers", async () => {
    server.use(
      http.post(`${BASE}/auth/username/recover`, () =>
        HttpResponse.json({ message: "If an account matches…" }, { status: 202 }),
      ),
      http.post(`${BASE}/auth/password-reset/confirm`, () => new HttpResponse(null, { status: 204 })),
    );
    const { client } = makeClient();
    expect(await client.recoverUsername({ email: "a@example.com" })).toEqual({
      message: "If an account matches…",
    });
    await expect(
      client.confirmPasswordReset({ username: "alice", code: "1", newPassword: "x" }),
    ).resolves.toBeUndefined();
  });
});

describe("refusals keyed on code", () => {
  it("401 invalid_credentials on login: refused, attempts kept, request id kept, not retried", async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/auth/login`, () => {
        calls++;
        return problem(401, "invalid_credentials", { attemptsRemaining: 2 });
      }),
    );
    const { client } = makeClient();
    const e = await rejection(client.login({ username: "alice", password: "wrong" }));
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect(e).toMatchObject({
      exitCode: ExitCode.refused,
      code: "invalid_credentials",
      requestId: "req-invalid_credentials",
    });
    expect((e as PortalRefusedError).problem?.attemptsRemaining).toBe(2);
    expect(calls).toBe(1);
    expect(client.lastRequestId).toBe("req-invalid_credentials");
  });

  it.each(["unauthorized", "token_expired"])(
    "401 %s on an authenticated call: AuthRequiredError (77)",
    async (code) => {
      server.use(http.get(`${BASE}/me`, () => problem(401, code)));
      const { client: anonymous } = makeClient();
      const client = anonymous.as({ accessToken: "stale" });
      const e = await rejection(client.getMe());
      expect(e).toBeInstanceOf(AuthRequiredError);
      expect(e).toMatchObject({
        exitCode: ExitCode.noPermission,
        code,
        hint: "Run `rxportal login`.",
        requestId: `req-${code}`,
      });
    },
  );

  it("an authenticated call without a token fails before any request", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/me`, () => {
        calls++;
        return HttpResponse.json(ME);
      }),
    );
    const { client } = makeClient();
    const e = await rejection(client.getMe());
    expect(e).toBeInstanceOf(AuthRequiredError);
    expect(calls).toBe(0);
  });

  it("403 password_expired on login", async () => {
    server.use(http.post(`${BASE}/auth/login`, () => problem(403, "password_expired")));
    const e = await rejection(makeClient().client.login({ username: "a", password: "b" }));
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect(e).toMatchObject({ status: 403, code: "password_expired", hint: "Run `rxportal reset`." });
  });

  it("410 challenge_expired on MFA verification", async () => {
    server.use(http.post(`${BASE}/auth/mfa/verify`, () => problem(410, "challenge_expired")));
    const e = await rejection(makeClient().client.verifyMfa({ challengeId: "c", code: "123456" }));
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect(e).toMatchObject({ status: 410, code: "challenge_expired", exitCode: 1 });
  });

  it("422 password_policy keeps the violations", async () => {
    const violations = [{ rule: "minLength", message: "At least 12 characters" }];
    server.use(
      http.post(`${BASE}/auth/password-reset/confirm`, () => problem(422, "password_policy", { violations })),
    );
    const e = await rejection(
      makeClient().client.confirmPasswordReset({ username: "alice", code: "123456", newPassword: "short" }),
    );
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect((e as PortalRefusedError).problem?.violations).toEqual(violations);
    expect(e.message).toContain("At least 12 characters");
  });

  it("423 account_locked: TryLaterError with lockedUntil as a Date", async () => {
    server.use(
      http.post(`${BASE}/auth/login`, () =>
        problem(423, "account_locked", { lockedUntil: "2025-03-01T12:30:00Z" }),
      ),
    );
    const e = await rejection(makeClient().client.login({ username: "a", password: "b" }));
    expect(e).toBeInstanceOf(TryLaterError);
    expect(e).toMatchObject({ exitCode: ExitCode.tryLater, code: "account_locked" });
    expect((e as TryLaterError).lockedUntil?.toISOString()).toBe("2025-03-01T12:30:00.000Z");
  });
});

describe("rate limits and retries", () => {
  it("retries a GET after 429, honouring Retry-After in seconds", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () =>
        ++calls === 1 ? problem(429, "rate_limited", {}, { "retry-after": "1" }) : HttpResponse.json(STATUS),
      ),
    );
    const { client, waits } = makeClient();
    const { meta } = await client.call("getStatus");
    expect(calls).toBe(2);
    expect(waits).toEqual([1000]);
    expect(meta.attempts).toBe(2);
  });

  it("reads its deadline and durations on the monotonic clock it is given", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () =>
        ++calls === 1 ? problem(429, "rate_limited", {}, { "retry-after": "1" }) : HttpResponse.json(STATUS),
      ),
    );
    // A clock that stands still: the call took 0 ms by it, and a 1 s wait fits the 5 s limit.
    const still = makeClient({ timeoutMs: 5000, monotonic: () => 42 });
    const { meta } = await still.client.call("getStatus");
    expect(meta).toMatchObject({ attempts: 2, durationMs: 0 });
    // A clock that jumps 10 s at every reading: the limit is spent before the retry, so the 429 is
    // the answer, with its Retry-After.
    calls = 0;
    let now = 0;
    const jumping = makeClient({ timeoutMs: 5000, monotonic: () => (now += 10_000) });
    const e = await rejection(jumping.client.call("getStatus"));
    expect(calls).toBe(1);
    expect(jumping.waits).toEqual([]);
    expect(e).toMatchObject({ code: "rate_limited", retryAfterSeconds: 1 });
  });

  it("retries a GET after 429, honouring Retry-After as an HTTP-date against the clock", async () => {
    const clock = new ManualClock(Date.parse("2025-03-01T12:00:00Z"));
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () =>
        ++calls === 1
          ? problem(429, "rate_limited", {}, { "retry-after": "Sat, 01 Mar 2025 12:00:03 GMT" })
          : HttpResponse.json(STATUS),
      ),
    );
    const { client, waits } = makeClient({ clock });
    await client.getStatus();
    expect(waits).toEqual([3000]);
  });

  it("does not retry a POST login after 429 and passes Retry-After on", async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/auth/login`, () => {
        calls++;
        return problem(429, "rate_limited", {}, { "retry-after": "1" });
      }),
    );
    const { client, waits } = makeClient();
    const e = await rejection(client.login({ username: "a", password: "b" }));
    expect(e).toBeInstanceOf(TryLaterError);
    expect((e as TryLaterError).retryAfterSeconds).toBe(1);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("gives up at once when Retry-After exceeds the cap, keeping retryAfterSeconds", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () => {
        calls++;
        return problem(429, "rate_limited", {}, { "retry-after": "31" });
      }),
    );
    const { client, waits } = makeClient({ maxRetryAfterMs: 30_000, timeoutMs: 120_000 });
    const e = await rejection(client.getStatus());
    expect(e).toBeInstanceOf(TryLaterError);
    expect((e as TryLaterError).retryAfterSeconds).toBe(31);
    expect(e.message).toBe("The portal is limiting requests; it asks to retry in 31 seconds.");
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("gives up at once when the Retry-After wait does not fit in the deadline", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () => {
        calls++;
        return problem(503, "maintenance", {}, { "retry-after": "5" });
      }),
    );
    const { client, waits } = makeClient({ timeoutMs: 3000 });
    const e = await rejection(client.getStatus());
    expect(e).toBeInstanceOf(PortalUnavailableError);
    expect((e as PortalUnavailableError).retryAfterSeconds).toBe(5);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("backs off 200 ms then 400 ms on 5xx without Retry-After, then gives up", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/me`, () => {
        calls++;
        return problem(500, "internal_error");
      }),
    );
    const { client: anonymous, waits } = makeClient();
    const client = anonymous.as({ accessToken: "t" });
    const e = await rejection(client.getMe());
    expect(e).toMatchObject({
      reason: "server_error",
      exitCode: ExitCode.unavailable,
      requestId: "req-internal_error",
    });
    expect(calls).toBe(3);
    expect(waits).toEqual([200, 400]);
  });

  it("respects maxRetries", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () => {
        calls++;
        return HttpResponse.error();
      }),
    );
    const e = await rejection(makeClient({ maxRetries: 0 }).client.getStatus());
    expect(e).toBeInstanceOf(PortalUnavailableError);
    expect(calls).toBe(1);
  });

  it("retries a network failure on a GET and a PUT but never on a plain POST", async () => {
    const calls = { get: 0, put: 0, post: 0 };
    server.use(
      http.get(`${BASE}/status`, () =>
        ++calls.get === 1 ? HttpResponse.error() : HttpResponse.json(STATUS),
      ),
      http.put(`${BASE}/prescriptions/:rxId/auto-refill`, () =>
        ++calls.put === 1 ? HttpResponse.error() : HttpResponse.json({ rxId: "RX1", autoRefill: true }),
      ),
      http.post(`${BASE}/auth/password-reset`, () => {
        calls.post++;
        return HttpResponse.error();
      }),
    );
    const { client: anonymous } = makeClient();
    const client = anonymous.as({ accessToken: "t" });
    await client.getStatus();
    expect(await client.setAutoRefill("RX1", true)).toEqual({ rxId: "RX1", autoRefill: true });
    const e = await rejection(client.requestPasswordReset({ username: "alice" }));
    expect(e).toBeInstanceOf(PortalUnavailableError);
    expect(calls).toEqual({ get: 2, put: 2, post: 1 });
  });

  it("orderRefills retries with the same Idempotency-Key and reads Idempotent-Replayed", async () => {
    const keys: Array<string | null> = [];
    const bodies: unknown[] = [];
    server.use(
      http.post(`${BASE}/refills`, async ({ request }) => {
        keys.push(request.headers.get("idempotency-key"));
        bodies.push(await request.json());
        if (keys.length === 1) return problem(503, "maintenance", {}, { "retry-after": "0" });
        return HttpResponse.json(CREATED, {
          status: 201,
          headers: { "idempotent-replayed": "true", "x-request-id": "r-replay" },
        });
      }),
    );
    const { client: anonymous, waits } = makeClient();
    const client = anonymous.as({ accessToken: "t" });
    const result = await client.orderRefills({ memberId: "M1", rxIds: ["RX1"] }, "key-123");
    expect(result).toEqual({ order: CREATED, replayed: true, requestId: "r-replay" });
    expect(keys).toEqual(["key-123", "key-123"]);
    expect(bodies).toEqual([
      { memberId: "M1", rxIds: ["RX1"] },
      { memberId: "M1", rxIds: ["RX1"] },
    ]);
    expect(waits).toEqual([0]);
  });

  it("orderRefills reports replayed: false on a first-time order", async () => {
    server.use(http.post(`${BASE}/refills`, () => HttpResponse.json(CREATED, { status: 201 })));
    const { client: anonymous } = makeClient();
    const client = anonymous.as({ accessToken: "t" });
    expect((await client.orderRefills({ memberId: "M1", rxIds: ["RX1"] }, "k")).replayed).toBe(false);
  });

  it("the deadline covers retries and their waits (real sleep)", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () => {
        calls++;
        return problem(503, "maintenance", {}, { "retry-after": "1" });
      }),
    );
    const client = new PortalClient({ baseUrl: BASE, fetch: globalThis.fetch, timeoutMs: 1500 });
    const started = performance.now();
    const e = await rejection(client.getStatus());
    const elapsed = performance.now() - started;
    expect(e).toMatchObject({ reason: "maintenance", retryAfterSeconds: 1 });
    // One wait of 1 s fits in 1.5 s; a second does not, so the call ends after about 1 s.
    expect(calls).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1500);
  });

  it("a hung answer ends at the deadline with reason timeout, even for a POST", async () => {
    server.use(
      http.post(`${BASE}/refills`, async () => {
        await delay("infinite");
        return HttpResponse.json(CREATED, { status: 201 });
      }),
    );
    const { client: anonymous } = makeClient({ timeoutMs: 300 });
    const client = anonymous.as({ accessToken: "t" });
    const started = performance.now();
    const e = await rejection(client.orderRefills({ memberId: "M1", rxIds: ["RX1"] }, "k"));
    expect(e).toBeInstanceOf(PortalUnavailableError);
    expect(e).toMatchObject({ reason: "timeout", message: "The portal did not answer within 300 ms." });
    expect(performance.now() - started).toBeLessThan(300 + 200);
  });

  it("a caller's signal interrupts the call", async () => {
    server.use(
      http.get(`${BASE}/status`, async () => {
        await delay("infinite");
        return HttpResponse.json(STATUS);
      }),
    );
    const controller = new AbortController();
    const { client } = makeClient({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const e = await rejection(client.getStatus());
    expect(e).toBeInstanceOf(InterruptedError);
  });
});

describe("answers that are not what the contract promises", () => {
  const html = "<!DOCTYPE html><html><body><h1>We'll be back soon</h1></body></html>";

  it("a 503 HTML maintenance page is an outage (69) naming Retry-After, never a SyntaxError", async () => {
    server.use(
      http.post(`${BASE}/auth/login`, () =>
        HttpResponse.html(html, { status: 503, headers: { "retry-after": "120", "x-request-id": "r-mnt" } }),
      ),
    );
    const e = await rejection(makeClient().client.login({ username: "a", password: "b" }));
    expect(e).not.toBeInstanceOf(SyntaxError);
    expect(e).toBeInstanceOf(PortalUnavailableError);
    expect(e).toMatchObject({
      exitCode: ExitCode.unavailable,
      reason: "maintenance",
      retryAfterSeconds: 120,
      requestId: "r-mnt",
      message: "The portal is down for maintenance (HTTP 503, HTML page); it asks to retry in 2 minutes.",
    });
  });

  it("malformed JSON on a 200 is a bad_response and is not retried", async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/status`, () => {
        calls++;
        return new HttpResponse('{"status": "operational", ', {
          headers: { "content-type": "application/json", "x-request-id": "r-bad" },
        });
      }),
    );
    const e = await rejection(makeClient().client.getStatus());
    expect(e).toMatchObject({
      reason: "bad_response",
      code: "malformed_json",
      requestId: "r-bad",
      exitCode: 69,
    });
    expect(calls).toBe(1);
  });

  it("a 2xx body that fails its schema is a bad_response that never quotes the body", async () => {
    // The envelope is what must match: items are read one by one (src/portal/lenient.ts), but an
    // `items` that is not a list at all leaves nothing to read.
    server.use(
      http.get(`${BASE}/prescriptions`, () =>
        HttpResponse.json({ items: { 0: { rxId: "RX1", drug: "Sertraline", status: "weird" } } }),
      ),
    );
    const { client: anonymous } = makeClient();
    const client = anonymous.as({ accessToken: "t" });
    const e = await rejection(client.listPrescriptions());
    expect(e).toMatchObject({ reason: "bad_response", code: "schema_mismatch" });
    expect(e.message).toMatch(
      /^The portal's answer to listPrescriptions does not match the expected format at items \(invalid type\)/,
    );
    expect(e.message).not.toContain("Sertraline");
  });

  it("an HTML 200 (a Wi-Fi sign-in page) is a bad_response with a hint", async () => {
    server.use(http.get(`${BASE}/status`, () => HttpResponse.html(html)));
    const e = await rejection(makeClient().client.getStatus());
    expect(e).toMatchObject({ reason: "bad_response", code: "html_page" });
    expect((e as PortalUnavailableError).hint).toMatch(/Wi-Fi/);
  });

  it("a redirect is reported instead of followed", async () => {
    let followed = false;
    server.use(
      http.post(
        `${BASE}/auth/login`,
        () => new HttpResponse(null, { status: 307, headers: { location: "http://evil.test/steal" } }),
      ),
      http.post("http://evil.test/steal", () => {
        followed = true;
        return HttpResponse.json(LOGIN_OK);
      }),
    );
    const e = await rejection(makeClient().client.login({ username: "a", password: "b" }));
    expect(e).toMatchObject({ reason: "bad_response", code: "redirect" });
    expect(followed).toBe(false);
  });
});

describe("URLs", () => {
  it("applies profile path overrides, placeholders included", async () => {
    const hits: string[] = [];
    server.use(
      http.post(`${BASE}/v2/signin`, () => {
        hits.push("signin");
        return HttpResponse.json(LOGIN_OK);
      }),
      http.put(`${BASE}/v2/rx/:rxId/auto`, ({ params }) => {
        hits.push(`auto:${params.rxId}`);
        return HttpResponse.json({ rxId: String(params.rxId), autoRefill: false });
      }),
    );
    const { client } = makeClient({ paths: { login: "/v2/signin", setAutoRefill: "/v2/rx/{rxId}/auto" } });
    const session = await client.login({ username: "a", password: "b" });
    if (session.result !== "ok") throw new Error("LOGIN_OK is a session");
    await client.as(session).setAutoRefill("RX9", false);
    expect(hits).toEqual(["signin", "auto:RX9"]);
  });

  it("URL-encodes path parameters and query values", async () => {
    const urls: string[] = [];
    server.use(
      http.get(`${BASE}/orders/*`, ({ request }) => {
        urls.push(new URL(request.url).pathname);
        return HttpResponse.json({
          orderId: "a/b?c#d e",
          memberId: "M1",
          status: "shipped",
          items: [],
          createdAt: "2025-03-01T12:00:00Z",
          updatedAt: "2025-03-02T12:00:00Z",
        });
      }),
      http.get(`${BASE}/id-card`, ({ request }) => {
        urls.push(new URL(request.url).search);
        return problem(403, "forbidden");
      }),
    );
    const { client: anonymous } = makeClient();
    const client = anonymous.as({ accessToken: "t" });
    await client.getOrder("a/b?c#d e");
    await rejection(client.getIdCard("M 2&x=1"));
    expect(urls).toEqual(["/api/v1/orders/a%2Fb%3Fc%23d%20e", "?memberId=M+2%26x%3D1"]);
  });

  it("refuses dot segments that would walk up the path", async () => {
    const { client: anonymous } = makeClient();
    const client = anonymous.as({ accessToken: "t" });
    for (const id of ["..", ".", "%2e%2E", ""]) {
      expect(await rejection(client.getOrder(id)), id).toBeInstanceOf(UsageError);
    }
  });

  it("refuses http:// for a non-loopback host before any request, and allows loopback", () => {
    for (const baseUrl of [
      "http://portal.example/api/v1",
      "http://10.0.0.5/api",
      "http://127.example.com/",
    ]) {
      let error: unknown;
      try {
        new PortalClient({ baseUrl, fetch: globalThis.fetch });
      } catch (e) {
        error = e;
      }
      expect(error, baseUrl).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(ExitCode.config);
    }
    for (const baseUrl of [
      "http://127.0.0.1:8080/api/v1",
      "http://localhost:1234",
      "http://[::1]:9/x",
      "http://127.1.2.3/",
    ]) {
      expect(() => new PortalClient({ baseUrl, fetch: globalThis.fetch }), baseUrl).not.toThrow();
    }
    expect(() => new PortalClient({ baseUrl: "not a url", fetch: globalThis.fetch })).toThrow(ConfigError);
    expect(() => new PortalClient({ baseUrl: "ftp://portal.example/", fetch: globalThis.fetch })).toThrow(
      ConfigError,
    );
  });

  it("refuses path overrides that do not fit the operation", () => {
    const make = (paths: PortalClientOptions["paths"]) => () =>
      new PortalClient({ baseUrl: BASE, fetch: globalThis.fetch, paths });
    expect(make({ getOrder: "/order/{id}" })).toThrow(ConfigError);
    expect(make({ login: "v2/signin" })).toThrow(ConfigError);
    expect(make({ nope: "/x" } as PortalClientOptions["paths"])).toThrow(ConfigError);
    expect(make({ getOrder: "/v2/orders/{orderId}" })).not.toThrow();
  });
});

describe("verbose trace", () => {
  it("shows method, URL, redacted body, status, code, time and request id", async () => {
    server.use(
      http.post(`${BASE}/auth/login`, () =>
        problem(401, "invalid_credentials", {}, { "x-request-id": "abc" }),
      ),
    );
    const { client, lines } = makeClient();
    await rejection(client.login({ username: "alice", password: "hunter2" }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`→ POST ${BASE}/auth/login {"username":"alice","password":"[redacted]"}`);
    expect(lines[1]).toMatch(/^← 401 invalid_credentials \d+ ms X-Request-Id: abc$/);
  });

  it("never shows passwords, codes, tokens or challenge ids (canaries)", async () => {
    const canary = {
      password: "CANARY-PASSWORD-7f3a",
      newPassword: "CANARY-NEWPW-91bb",
      code: "CANARY-CODE-4421",
      challengeId: "CANARY-CHALLENGE-0c2d",
      accessToken: "CANARY-ACCESS-5e6f",
      refreshToken: "CANARY-REFRESH-a1b2",
      serverToken: "CANARY-SERVER-TOKEN-77aa",
      cookie: "CANARY-COOKIE-3c3c",
    };
    server.use(
      http.post(`${BASE}/auth/login`, () =>
        HttpResponse.json(
          {
            result: "mfa_required",
            challengeId: canary.challengeId,
            channel: "sms",
            destinationHint: "***12",
            expiresIn: 300,
          },
          { headers: { "set-cookie": `sid=${canary.cookie}` } },
        ),
      ),
      http.post(`${BASE}/auth/mfa/verify`, () =>
        HttpResponse.json({
          ...LOGIN_OK,
          accessToken: canary.serverToken,
          refreshToken: canary.refreshToken,
        }),
      ),
      http.post(`${BASE}/auth/token/refresh`, () => HttpResponse.json({ ...LOGIN_OK, member: undefined })),
      http.post(`${BASE}/auth/password-reset/confirm`, () => new HttpResponse(null, { status: 204 })),
      http.get(`${BASE}/me`, () => problem(401, "token_expired")),
    );
    const { client, lines } = makeClient();
    await client.login({ username: "alice", password: canary.password });
    await client.verifyMfa({ challengeId: canary.challengeId, code: canary.code });
    await client.refreshToken({ refreshToken: canary.refreshToken });
    await client.confirmPasswordReset({
      username: "alice",
      code: canary.code,
      newPassword: canary.newPassword,
    });
    await rejection(client.as({ accessToken: canary.accessToken }).getMe());
    const all = lines.join("\n");
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(all).toContain("[redacted]");
    expect(all).toContain("alice");
    for (const [name, value] of Object.entries(canary)) expect(all, name).not.toContain(value);
    expect(all).not.toMatch(/CANARY/);
    expect(all).not.toMatch(/Bearer/i);
  });
});
