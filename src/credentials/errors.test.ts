import { describe, expect, it } from "vitest";
import { CliError, ExitCode } from "../errors.js";
import { firstLine, formatSeconds, KeychainError, toKeychainError, withDeadline } from "./errors.js";
import { nativeError } from "./fake-keyring.testing.js";

describe("firstLine", () => {
  it("keeps only the first non-empty line, trimmed", () => {
    expect(
      firstLine(new Error("  Couldn't access platform storage: AccessDenied  \nstack backtrace:\n 0: x")),
    ).toBe("Couldn't access platform storage: AccessDenied");
    expect(firstLine(new Error("\n\r\n  second\r\nthird"))).toBe("second");
    expect(firstLine("plain\rcarriage")).toBe("plain");
  });

  it("never includes the stack, the cause or a Rust backtrace", () => {
    const line = firstLine(nativeError("Platform failure: DBus error: Did not receive a reply."));
    expect(line).toBe("Platform failure: DBus error: Did not receive a reply.");
    expect(line).not.toMatch(/backtrace|Caused by|inner detail|at /);
  });

  it("accepts strings, message-bearing objects and anything else", () => {
    expect(firstLine({ message: "from an object\nmore" })).toBe("from an object");
    expect(firstLine(42)).toBe("42");
    expect(firstLine(new Error(""))).toBe("unknown error");
  });

  it("replaces control characters and caps very long lines", () => {
    expect(firstLine("bell\u0007and\u001b[31mescape")).toBe("bell and [31mescape");
    const long = firstLine("x".repeat(1000));
    expect(long.length).toBe(240);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("toKeychainError", () => {
  it("maps AccessDenied to exit 77 with a one-line message and a hint", () => {
    const error = toKeychainError(nativeError("Couldn't access platform storage: AccessDenied"), "reading");
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(ExitCode.noPermission);
    expect(error.failure).toBe("unavailable");
    expect(error.message).toBe(
      "The keychain refused access while reading: Couldn't access platform storage: AccessDenied",
    );
    expect(error.message).not.toContain("\n");
    expect(error.nativeMessage).toBe("Couldn't access platform storage: AccessDenied");
    expect(error.hint).toMatch(/gnome-keyring/);
    expect(String((error.cause as Error).message)).not.toContain("backtrace");
  });

  it("recognises a locked keychain, an ambiguous item and anything else", () => {
    expect(toKeychainError(new Error("Secret Service: unlock prompt was dismissed"), "x").failure).toBe(
      "locked",
    );
    expect(toKeychainError(new Error("Entry is matched by 2 credentials: Ambiguous"), "x").failure).toBe(
      "ambiguous",
    );
    expect(
      toKeychainError(new Error("Platform failure: DBus error: Did not receive a reply"), "x").failure,
    ).toBe("unavailable");
    expect(toKeychainError(new Error("something new"), "x").failure).toBe("failure");
  });

  it("passes a KeychainError through unchanged", () => {
    const original = new KeychainError("already mapped", "locked");
    expect(toKeychainError(original, "x")).toBe(original);
  });
});

describe("formatSeconds", () => {
  it("writes whole and tenth seconds, and milliseconds below one second", () => {
    expect(formatSeconds(3000)).toBe("3 s");
    expect(formatSeconds(2500)).toBe("2.5 s");
    expect(formatSeconds(150)).toBe("150 ms");
  });
});

describe("withDeadline", () => {
  it("answers with the call's value in time", async () => {
    await expect(withDeadline(1000, "reading", async () => "ok")).resolves.toBe("ok");
  });

  it("gives up at the deadline, aborts the call's signal and says the keychain may be locked", async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const error = await withDeadline(100, "reading", (signal) => {
      seen = signal;
      return new Promise<never>(() => {});
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(KeychainError);
    expect((error as KeychainError).exitCode).toBe(77);
    expect((error as KeychainError).failure).toBe("timeout");
    expect((error as KeychainError).message).toBe(
      "The keychain did not answer within 100 ms; it may be locked.",
    );
    expect((error as KeychainError).hint).toMatch(/^Unlock it, or /);
    expect(seen?.aborted).toBe(true);
  });

  it("maps a synchronous throw too (the native constructor throws synchronously)", async () => {
    const error = await withDeadline(1000, "saving", () => {
      throw nativeError("Couldn't access platform storage: AccessDenied");
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainError);
    expect((error as KeychainError).failure).toBe("unavailable");
  });
});
