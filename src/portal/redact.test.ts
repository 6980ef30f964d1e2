import { describe, expect, it } from "vitest";
import { isSecretKey, REDACTED, redactBody, redactHeaders, redactUrl } from "./redact.js";

describe("isSecretKey", () => {
  it("catches the contract's secret fields in any spelling", () => {
    for (const key of [
      "password",
      "newPassword",
      "new_password",
      "New-Password",
      "code",
      "accessToken",
      "refresh_token",
      "token",
      "challengeId",
      "secret",
      "client_secret",
      "Authorization",
      "proxy-authorization",
      "Cookie",
      "Set-Cookie",
      "csrfToken",
      "passwordConfirm",
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
  });

  it("leaves ordinary fields alone", () => {
    for (const key of [
      "username",
      "memberId",
      "rxIds",
      "postalCode",
      "errorCode",
      "channel",
      "expiresIn",
      "status",
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe("redactBody", () => {
  it("redacts deeply, in objects and arrays, without touching the input", () => {
    const input = {
      username: "alice",
      password: "canary-pw-1",
      nested: { refreshToken: "canary-rt", list: [{ code: "123456" }, { keep: "x" }] },
      items: [{ rxId: "RX1" }],
    };
    const copy = structuredClone(input);
    const out = redactBody(input);
    expect(out).toEqual({
      username: "alice",
      password: REDACTED,
      nested: { refreshToken: REDACTED, list: [{ code: REDACTED }, { keep: "x" }] },
      items: [{ rxId: "RX1" }],
    });
    expect(input).toEqual(copy);
    expect(JSON.stringify(out)).not.toMatch(/canary|123456/);
  });

  it("redacts a secret key whatever its value holds", () => {
    expect(redactBody({ token: { value: "canary" } })).toEqual({ token: REDACTED });
  });

  it("passes primitives through and survives cycles", () => {
    expect(redactBody("plain")).toBe("plain");
    expect(redactBody(42)).toBe(42);
    expect(redactBody(null)).toBe(null);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redactBody(cyclic)).toEqual({ a: 1, self: "[circular]" });
    const shared = { password: "canary" };
    expect(redactBody({ x: shared, y: shared })).toEqual({
      x: { password: REDACTED },
      y: { password: REDACTED },
    });
  });
});

describe("redactHeaders", () => {
  it("redacts auth and cookie headers from a Headers object", () => {
    const out = redactHeaders(
      new Headers({
        Authorization: "Bearer canary-at",
        Cookie: "sid=canary",
        "X-Request-Id": "r-1",
        "Idempotency-Key": "k-1",
      }),
    );
    expect(out).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      "x-request-id": "r-1",
      "idempotency-key": "k-1",
    });
  });

  it("accepts plain records (with arrays, as node:http gives) and entry lists", () => {
    expect(
      redactHeaders({ "set-cookie": ["a=canary", "b=canary"], "content-type": "text/html", skip: undefined }),
    ).toEqual({
      "set-cookie": REDACTED,
      "content-type": "text/html",
    });
    expect(redactHeaders([["Proxy-Authorization", "Basic canary"]])).toEqual({
      "proxy-authorization": REDACTED,
    });
  });
});

describe("redactUrl", () => {
  it("redacts secret query parameters and keeps the rest as sent", () => {
    expect(redactUrl("https://portal.example/api/v1/reset?token=canary&memberId=M%201&code=999")).toBe(
      `https://portal.example/api/v1/reset?token=${REDACTED}&memberId=M%201&code=${REDACTED}`,
    );
  });

  it("redacts the device flow's codes and PKCE's verifier (OIDC profiles)", () => {
    expect(redactUrl("https://id.example/device?user_code=WDJB-MJHT")).toBe(
      `https://id.example/device?user_code=${REDACTED}`,
    );
    expect(
      redactBody({ device_code: "dc", user_code: "uc", code_verifier: "v", verification_uri: "u" }),
    ).toEqual({
      device_code: REDACTED,
      user_code: REDACTED,
      code_verifier: REDACTED,
      verification_uri: "u",
    });
  });

  it("redacts fragments that carry parameters and userinfo passwords", () => {
    expect(redactUrl("https://portal.example/reset#access_token=canary&x=1")).toBe(
      `https://portal.example/reset#access_token=${REDACTED}&x=1`,
    );
    expect(redactUrl("https://bob:canary@portal.example/")).toBe(`https://bob:${REDACTED}@portal.example/`);
  });

  it("handles URL objects, relative paths and junk", () => {
    expect(redactUrl(new URL("https://h.example/x?password=canary"))).toBe(
      `https://h.example/x?password=${REDACTED}`,
    );
    expect(redactUrl("/auth/x?refreshToken=canary")).toBe(`/auth/x?refreshToken=${REDACTED}`);
    expect(redactUrl("not a url ?secret=canary")).not.toContain("canary");
  });

  it("leaves a URL without secrets unchanged", () => {
    const url = "https://portal.example/api/v1/orders?memberId=M1";
    expect(redactUrl(url)).toBe(url);
  });
});
