import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AuthRequiredError,
  ExitCode,
  PortalRefusedError,
  PortalUnavailableError,
  TryLaterError,
} from "../errors.js";
import {
  bodyKind,
  causeChain,
  errorFromAnswer,
  errorFromTransport,
  type PortalAnswer,
  schemaMismatchError,
  unreadableSuccessError,
} from "./errors.js";

const problem = (status: number, code: string, extras: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "about:blank", title: "Some title the CLI must ignore", status, code, ...extras });

const answer = (status: number, body: string, more: Partial<PortalAnswer> = {}): PortalAnswer => ({
  status,
  body,
  contentType: "application/problem+json",
  requestId: "req-1",
  operation: { id: "login", auth: false },
  ...more,
});

const url = new URL("https://portal.example/api/v1/status");
const transport = (error: unknown, more: Partial<Parameters<typeof errorFromTransport>[1]> = {}) =>
  errorFromTransport(error, { url, timeoutMs: 10_000, deadlineExceeded: false, phase: "request", ...more });
const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });
const sysError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe("errorFromAnswer: problem documents keyed on code", () => {
  it("maps 401 invalid_credentials to a refusal that keeps attemptsRemaining", () => {
    const e = errorFromAnswer(answer(401, problem(401, "invalid_credentials", { attemptsRemaining: 2 })));
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect(e.exitCode).toBe(ExitCode.refused);
    expect(e.code).toBe("invalid_credentials");
    expect(e.problem?.attemptsRemaining).toBe(2);
    expect(e.message).toBe("The portal did not accept that username and password. 2 attempts left.");
    expect(e.requestId).toBe("req-1");
  });

  it("ignores the title: the code decides", () => {
    const body = JSON.stringify({
      type: "about:blank",
      title: "Session expired",
      status: 401,
      code: "invalid_code",
      attemptsRemaining: 1,
    });
    const e = errorFromAnswer(answer(401, body));
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect(e.message).toBe("The portal did not accept that code. 1 attempt left.");
  });

  it.each(["unauthorized", "token_expired"])(
    "maps 401 %s to AuthRequiredError (exit 77) with the login hint",
    (code) => {
      const e = errorFromAnswer(answer(401, problem(401, code), { operation: { id: "getMe", auth: true } }));
      expect(e).toBeInstanceOf(AuthRequiredError);
      expect(e.exitCode).toBe(ExitCode.noPermission);
      expect(e.hint).toBe("Run `rxportal login`.");
      expect(e.code).toBe(code);
    },
  );

  it.each([
    [403, "password_expired", "The password has expired and must be changed."],
    [403, "account_disabled", "The account is disabled."],
    [403, "forbidden", "This account may not act for that member."],
    [400, "invalid_or_expired_code", "That reset code is wrong, already used or expired."],
    [410, "challenge_expired", "The sign-in code expired or a newer one was sent; sign in again."],
    [409, "idempotency_conflict", "This order key was already used for a different refill order."],
    [422, "not_eligible", "That prescription cannot be set to refill automatically."],
  ])("maps %i %s to a refusal", (status, code, message) => {
    const e = errorFromAnswer(answer(status, problem(status, code)));
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  it("keeps password policy violations and names them", () => {
    const violations = [
      { rule: "minLength", message: "At least 12 characters." },
      { rule: "classes", message: "Use 3 of: lower, upper, digit, symbol" },
    ];
    const e = errorFromAnswer(answer(422, problem(422, "password_policy", { violations })));
    expect(e).toBeInstanceOf(PortalRefusedError);
    expect(e.problem?.violations).toEqual(violations);
    expect(e.message).toBe(
      "The new password breaks the portal's rules: At least 12 characters; Use 3 of: lower, upper, digit, symbol.",
    );
  });

  it("keeps refill refusal items and says why per prescription", () => {
    const items = [
      { rxId: "RX1", reason: "too_soon" },
      { rxId: "RX2", reason: "no_refills" },
    ];
    const e = errorFromAnswer(answer(422, problem(422, "refill_not_allowed", { items })));
    expect(e.problem?.items).toEqual(items);
    expect(e.message).toBe("The portal will not refill RX1 (too soon), RX2 (no refills left).");
  });

  it("maps 423 account_locked to TryLaterError with lockedUntil as a Date", () => {
    const e = errorFromAnswer(
      answer(423, problem(423, "account_locked", { lockedUntil: "2025-03-01T14:05:00Z" })),
    );
    expect(e).toBeInstanceOf(TryLaterError);
    expect(e.exitCode).toBe(ExitCode.tryLater);
    expect((e as TryLaterError).lockedUntil).toEqual(new Date("2025-03-01T14:05:00Z"));
    expect(e.message).toBe(
      "The account is locked after too many failed sign-ins until 2025-03-01 14:05 UTC.",
    );
  });

  it("maps 429 to TryLaterError with retryAfterSeconds", () => {
    const e = errorFromAnswer(answer(429, problem(429, "rate_limited"), { retryAfterSeconds: 120 }));
    expect(e).toBeInstanceOf(TryLaterError);
    expect((e as TryLaterError).retryAfterSeconds).toBe(120);
    expect(e.message).toBe("The portal is limiting requests; it asks to retry in 2 minutes.");
  });

  it("treats a 429 from a CDN (HTML, no problem document) as rate limiting, not a bad answer", () => {
    const e = errorFromAnswer(
      answer(429, "<html>Slow down</html>", { contentType: "text/html", retryAfterSeconds: 5 }),
    );
    expect(e).toBeInstanceOf(TryLaterError);
    expect((e as TryLaterError).retryAfterSeconds).toBe(5);
  });

  it("falls back on the status class for unknown codes", () => {
    const refused = errorFromAnswer(answer(400, problem(400, "brand_new_code")));
    expect(refused).toBeInstanceOf(PortalRefusedError);
    expect(refused.code).toBe("brand_new_code");
    expect(refused.message).toBe("The portal refused the request (HTTP 400, brand_new_code).");

    const authed = errorFromAnswer(
      answer(401, problem(401, "session_gone"), { operation: { id: "getMe", auth: true } }),
    );
    expect(authed).toBeInstanceOf(AuthRequiredError);
    // On a sign-in call a 401 is about the credentials, so "run rxportal login" would be no help.
    const onLogin = errorFromAnswer(answer(401, problem(401, "bad_pw")));
    expect(onLogin).toBeInstanceOf(PortalRefusedError);

    expect(errorFromAnswer(answer(429, problem(429, "slow_down")))).toBeInstanceOf(TryLaterError);
    expect(errorFromAnswer(answer(503, problem(503, "whatever")))).toBeInstanceOf(PortalUnavailableError);
  });

  it("reads an empty 4xx body by status", () => {
    const e = errorFromAnswer(
      answer(401, "", { contentType: undefined, operation: { id: "getMe", auth: true } }),
    );
    expect(e).toBeInstanceOf(AuthRequiredError);
    expect(e.code).toBe("unauthorized");
  });
});

describe("errorFromAnswer: outages and unreadable answers", () => {
  it("names an HTML 503 maintenance page and its Retry-After", () => {
    const e = errorFromAnswer(
      answer(503, "<!DOCTYPE html><html><body>Down for maintenance</body></html>", {
        contentType: "text/html; charset=utf-8",
        retryAfterSeconds: 120,
      }),
    );
    expect(e).toBeInstanceOf(PortalUnavailableError);
    expect(e.exitCode).toBe(ExitCode.unavailable);
    expect((e as PortalUnavailableError).reason).toBe("maintenance");
    expect((e as PortalUnavailableError).retryAfterSeconds).toBe(120);
    expect(e.message).toBe(
      "The portal is down for maintenance (HTTP 503, HTML page); it asks to retry in 2 minutes.",
    );
    expect(e.message).not.toContain("Down for maintenance");
  });

  it("classifies other 5xx as server_error, JSON or not, and keeps the problem", () => {
    const json = errorFromAnswer(answer(500, problem(500, "internal_error")));
    expect((json as PortalUnavailableError).reason).toBe("server_error");
    expect(json.code).toBe("internal_error");
    expect(json.message).toBe("The portal failed with a server error (HTTP 500).");
    const text = errorFromAnswer(answer(502, "Bad Gateway", { contentType: "text/plain" }));
    expect((text as PortalUnavailableError).reason).toBe("server_error");
    expect(text.message).toBe("The portal failed with a server error (HTTP 502, text/plain answer).");
    const broken = errorFromAnswer(answer(503, "{not json", { retryAfterSeconds: 30 }));
    expect((broken as PortalUnavailableError).reason).toBe("maintenance");
  });

  // Issue 10 changed this answer's words: a 404 that is not the API's own problem document means
  // the base URL (or a path override) is wrong, and the message now says so and names the path.
  it("turns an HTML 404 into bad_response saying the baseUrl looks wrong", () => {
    const e = errorFromAnswer(
      answer(404, "<html>Not Found</html>", {
        contentType: "text/html",
        url: "https://portal.example/v1/auth/login",
      }),
    );
    expect(e).toBeInstanceOf(PortalUnavailableError);
    expect((e as PortalUnavailableError).reason).toBe("bad_response");
    expect(e.code).toBe("wrong_base_url");
    expect(e.message).toBe(
      "The portal (https://portal.example) has nothing at /v1/auth/login (HTTP 404, HTML page): the profile's baseUrl looks wrong, or this portal uses another path for login.",
    );
    expect(e.hint).toMatch(/^Check baseUrl: it must be the API's root.*paths\.login/);
    expect(e.requestId).toBe("req-1");
  });

  it("keeps the portal's own 404 problem (an unknown order) a refusal, and a code-less JSON 404 a wrong path", () => {
    const known = errorFromAnswer(answer(404, problem(404, "not_found")));
    expect(known.exitCode).toBe(1);
    expect(known.code).toBe("not_found");
    const bare = errorFromAnswer(answer(404, '{"error":"no route"}'));
    expect(bare.code).toBe("wrong_base_url");
    expect(bare.exitCode).toBe(69);
    const empty = errorFromAnswer(answer(404, ""));
    expect(empty.code).toBe("wrong_base_url");
  });

  it("turns malformed JSON on a 4xx into bad_response without quoting it", () => {
    const e = errorFromAnswer(answer(400, '{"code": "bad_request", "detail": "Lisinopril'));
    expect((e as PortalUnavailableError).reason).toBe("bad_response");
    expect(e.code).toBe("malformed_json");
    expect(e.message).toBe("The portal sent malformed JSON (HTTP 400).");
  });
});

describe("unreadableSuccessError and schemaMismatchError", () => {
  it("suggests a Wi-Fi sign-in page for an HTML 200", () => {
    const e = unreadableSuccessError(
      answer(200, "<html>Welcome to Airport Wi-Fi</html>", { contentType: "text/html" }),
    );
    expect(e.reason).toBe("bad_response");
    expect(e.code).toBe("html_page");
    expect(e.hint).toMatch(/Wi-Fi/);
  });

  it("names the path of the first mismatch but never the value", () => {
    const schema = z.object({ items: z.array(z.object({ status: z.enum(["active", "expired"]) })) });
    const result = schema.safeParse({ items: [{ status: "Lisinopril 10 mg for hypertension" }] });
    if (result.success) throw new Error("expected a mismatch");
    const e = schemaMismatchError("listPrescriptions", result.error, { status: 200, requestId: "r" });
    expect(e.reason).toBe("bad_response");
    expect(e.code).toBe("schema_mismatch");
    expect(e.message).toBe(
      "The portal's answer to listPrescriptions does not match the expected format at items[0].status (invalid value) (HTTP 200).",
    );
    expect(e.message).not.toContain("Lisinopril");
  });
});

describe("bodyKind", () => {
  it("judges by Content-Type, then by the first bytes", () => {
    expect(bodyKind("application/problem+json", "{}")).toBe("json");
    expect(bodyKind("application/json; charset=utf-8", "{}")).toBe("json");
    expect(bodyKind("text/html", "x")).toBe("html");
    expect(bodyKind(undefined, "<!doctype html><p>")).toBe("html");
    expect(bodyKind(undefined, ' {"a":1}')).toBe("json");
    expect(bodyKind("text/plain", "{}")).toBe("other");
    expect(bodyKind("application/json", "  ")).toBe("empty");
  });
});

describe("errorFromTransport", () => {
  it("says timeout when our deadline fired, whatever the error looks like", () => {
    const e = transport(new DOMException("aborted", "AbortError"), { deadlineExceeded: true });
    expect(e.reason).toBe("timeout");
    expect(e.message).toBe("The portal did not answer within 10 s.");
    expect(transport(new Error("x"), { deadlineExceeded: true, timeoutMs: 2500 }).message).toBe(
      "The portal did not answer within 2.5 s.",
    );
  });

  it.each([
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["ECONNREFUSED", "connect"],
    ["UND_ERR_CONNECT_TIMEOUT", "connect"],
    ["ENETUNREACH", "connect"],
    ["CERT_HAS_EXPIRED", "tls"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "tls"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls"],
    ["ECONNRESET", "reset"],
    ["UND_ERR_SOCKET", "reset"],
  ])("classifies %s under fetch failed as %s", (code, reason) => {
    const e = transport(fetchFailed(sysError(code)));
    expect(e.reason).toBe(reason);
    expect(e.code).toBe(code);
    expect(e.exitCode).toBe(ExitCode.unavailable);
    expect(e.message).not.toMatch(/\n|\.[jt]s:\d+:\d+/);
  });

  it("puts certificate problems in plain words", () => {
    expect(transport(fetchFailed(sysError("CERT_HAS_EXPIRED"))).message).toBe(
      "Cannot connect securely to portal.example: its certificate has expired.",
    );
    expect(transport(fetchFailed(sysError("DEPTH_ZERO_SELF_SIGNED_CERT"))).hint).toMatch(
      /NODE_EXTRA_CA_CERTS/,
    );
  });

  it("walks deep cause chains and AggregateErrors", () => {
    const deep = fetchFailed(new Error("wrapper", { cause: sysError("CERT_HAS_EXPIRED") }));
    expect(transport(deep).reason).toBe("tls");
    const aggregate = fetchFailed(
      new AggregateError([sysError("ECONNREFUSED"), sysError("ECONNREFUSED")], "all failed"),
    );
    expect(transport(aggregate).reason).toBe("connect");
    expect(causeChain(aggregate).map((c) => c.code)).toEqual([
      undefined,
      undefined,
      "ECONNREFUSED",
      "ECONNREFUSED",
    ]);
  });

  it("recognises undici's 'other side closed' without a code", () => {
    const e = transport(fetchFailed(new Error("other side closed")));
    expect(e.reason).toBe("reset");
    expect(e.message).toBe("The connection to the portal at portal.example:443 was cut before it answered.");
  });

  it("reports a body cut off mid-way as a truncated bad_response with the status", () => {
    const e = transport(
      new TypeError("terminated", { cause: sysError("UND_ERR_SOCKET", "other side closed") }),
      {
        phase: "body",
        status: 200,
        requestId: "r-9",
      },
    );
    expect(e.reason).toBe("bad_response");
    expect(e.code).toBe("truncated");
    expect(e.requestId).toBe("r-9");
    expect(e.message).toBe("The portal's answer was cut off before it was complete (HTTP 200).");
  });

  it("names the host for DNS and connect failures", () => {
    expect(transport(fetchFailed(sysError("ENOTFOUND"))).message).toBe(
      "Cannot find the portal's address: portal.example is not known to DNS.",
    );
    expect(transport(fetchFailed(sysError("ECONNREFUSED"))).message).toBe(
      "Cannot connect to the portal at portal.example:443 (connection refused).",
    );
  });
});
