import { describe, expect, it } from "vitest";
import { isControlPath, isLoopbackAddress } from "./control.js";

describe("isLoopbackAddress", () => {
  it.each(["127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "::ffff:127.0.0.1", "::FFFF:127.0.0.9"])(
    "accepts %s",
    (address) => expect(isLoopbackAddress(address)).toBe(true),
  );
  it.each([
    undefined,
    "",
    "10.0.0.1",
    "192.168.1.20",
    "128.0.0.1",
    "::ffff:10.0.0.1",
    "::2",
    "fe80::1",
    "127.0.0.256",
    "127.0.0",
    "1127.0.0.1",
    "localhost",
  ])("refuses %s", (address) => expect(isLoopbackAddress(address)).toBe(false));
});

describe("isControlPath", () => {
  it("covers /_sandbox and below only", () => {
    expect(isControlPath("/_sandbox")).toBe(true);
    expect(isControlPath("/_sandbox/outbox")).toBe(true);
    expect(isControlPath("/_sandboxed")).toBe(false);
    expect(isControlPath("/api/v1/_sandbox/outbox")).toBe(false);
  });
});
