import { describe, expect, it } from "vitest";
import { isAllowedPortalUrl, isLoopbackHost } from "./url.js";

describe("isLoopbackHost", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "localhost",
    "LOCALHOST",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "app.localhost",
  ])("accepts %s", (host) => expect(isLoopbackHost(host)).toBe(true));
  it.each([
    "128.0.0.1",
    "10.0.0.1",
    "127.0.0.1.example.com",
    "localhost.example.com",
    "::2",
    "1270.0.0.1",
    "",
  ])("refuses %s", (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe("isAllowedPortalUrl", () => {
  it("allows https anywhere and http only on loopback", () => {
    expect(isAllowedPortalUrl(new URL("https://portal.example.com/api/v1"))).toBe(true);
    expect(isAllowedPortalUrl(new URL("http://127.0.0.1:8787/api/v1"))).toBe(true);
    expect(isAllowedPortalUrl(new URL("http://[::1]:8787/api/v1"))).toBe(true);
    expect(isAllowedPortalUrl(new URL("http://portal.example.com/api/v1"))).toBe(false);
    expect(isAllowedPortalUrl(new URL("ftp://127.0.0.1/"))).toBe(false);
  });
});
