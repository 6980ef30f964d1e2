// KeychainCredentialStore against a fake keyring: layout, timeouts and error mapping. The real
// keychain is exercised in test/keychain/.
import { describe, expect, it } from "vitest";
import { ExitCode } from "../errors.js";
import { KeychainError } from "./errors.js";
import { FakeKeyring, nativeError } from "./fake-keyring.testing.js";
import { KeychainCredentialStore } from "./keychain.js";
import type { StoredSession } from "./store.js";

const session: StoredSession = {
  accessToken: "at-1",
  refreshToken: "rt-1",
  expiresAt: "2025-03-01T12:30:00Z",
  memberId: "M100",
};

function setup(timeoutMs = 200) {
  const keyring = new FakeKeyring();
  const store = new KeychainCredentialStore({ timeoutMs, entries: keyring.entries });
  return { keyring, store };
}

describe("KeychainCredentialStore layout", () => {
  it("keeps the password under rxportal/<profile> + username, pinned to the Secret Service", async () => {
    const { keyring, store } = setup();
    expect(store.kind).toBe("keychain");
    expect(store.timeoutMs).toBe(200);
    await store.setPassword("acme", "alice", "s3cret");
    expect(keyring.calls).toEqual([
      { op: "set", service: "rxportal/acme", account: "alice", store: "secret-service" },
    ]);
    expect(keyring.items.get(FakeKeyring.key("rxportal/acme", "alice", "secret-service"))).toBe("s3cret");
    expect(await store.getPassword("acme", "alice")).toBe("s3cret");
    expect(await store.getPassword("acme", "bob")).toBeUndefined();
    expect(await store.deletePassword("acme", "alice")).toBe(true);
    expect(await store.deletePassword("acme", "alice")).toBe(false);
  });

  it("keeps the session as one JSON secret under <username>#session", async () => {
    const { keyring, store } = setup();
    await store.setSession("acme", "alice", session);
    const raw = keyring.items.get(FakeKeyring.key("rxportal/acme", "alice#session", "secret-service"));
    expect(JSON.parse(raw ?? "null")).toEqual(session);
    expect(await store.getSession("acme", "alice")).toEqual(session);
    expect(await store.getPassword("acme", "alice")).toBeUndefined();
    expect(await store.deleteSession("acme", "alice")).toBe(true);
    expect(await store.getSession("acme", "alice")).toBeUndefined();
  });

  it("reads a corrupt or foreign session as no session", async () => {
    const { keyring, store } = setup();
    const key = FakeKeyring.key("rxportal/acme", "alice#session", "secret-service");
    for (const junk of [
      "not json",
      "null",
      '{"accessToken":"x"}',
      '{"accessToken":"x","expiresAt":"soon"}',
    ]) {
      keyring.items.set(key, junk);
      expect(await store.getSession("acme", "alice")).toBeUndefined();
    }
  });

  it("can pin another Linux store", async () => {
    const keyring = new FakeKeyring();
    const store = new KeychainCredentialStore({ entries: keyring.entries, linuxStore: "keyutils" });
    await store.setPassword("acme", "alice", "x");
    expect(keyring.calls[0]?.store).toBe("keyutils");
  });

  it("refuses an empty password, bad names and a non-positive timeout before touching the keychain", async () => {
    const { keyring, store } = setup();
    await expect(store.setPassword("acme", "alice", "")).rejects.toThrow(/empty password/);
    await expect(store.getSession("acme", "alice#session")).rejects.toThrow(/#session/);
    await expect(store.getPassword("", "alice")).rejects.toThrow(/profile/);
    expect(keyring.calls).toEqual([]);
    expect(() => new KeychainCredentialStore({ timeoutMs: 0, entries: keyring.entries })).toThrow(RangeError);
  });
});

describe("KeychainCredentialStore failures", () => {
  it("a keychain that never answers ends in exit 77 within the budget, and the call is aborted", async () => {
    const { keyring, store } = setup(150);
    keyring.behaviour = () => "hang";
    for (const attempt of [
      () => store.getPassword("acme", "alice"),
      () => store.setSession("acme", "alice", session),
      () => store.deletePassword("acme", "alice"),
    ]) {
      const started = Date.now();
      const error = await attempt().catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(error).toBeInstanceOf(KeychainError);
      expect((error as KeychainError).exitCode).toBe(ExitCode.noPermission);
      expect((error as KeychainError).message).toBe(
        "The keychain did not answer within 150 ms; it may be locked.",
      );
      expect(took).toBeGreaterThanOrEqual(140);
      expect(took).toBeLessThan(1000);
    }
    expect(keyring.aborted.map((call) => call.op)).toEqual(["get", "set", "delete"]);
  });

  it("the default budget is 3 s", () => {
    expect(new KeychainCredentialStore({ entries: new FakeKeyring().entries }).timeoutMs).toBe(3000);
  });

  it("AccessDenied becomes exit 77 with one line: no backtrace, no cause chain", async () => {
    const { keyring, store } = setup();
    keyring.behaviour = () => nativeError("Couldn't access platform storage: AccessDenied");
    const error = (await store.getPassword("acme", "alice").catch((e: unknown) => e)) as KeychainError;
    expect(error).toBeInstanceOf(KeychainError);
    expect(error.exitCode).toBe(77);
    expect(error.failure).toBe("unavailable");
    expect(error.message).toBe(
      "The keychain refused access while reading the password of alice (rxportal/acme): " +
        "Couldn't access platform storage: AccessDenied",
    );
    expect(error.message).not.toMatch(/\n|backtrace|Caused by/);
    expect(error.hint).toMatch(/gnome-keyring|KeePassXC/);
  });

  it("a locked keychain whose unlock prompt was dismissed says so", async () => {
    const { keyring, store } = setup();
    keyring.behaviour = () =>
      nativeError("Couldn't access platform storage: Secret Service: unlock prompt was dismissed");
    const error = (await store.setPassword("acme", "alice", "pw").catch((e: unknown) => e)) as KeychainError;
    expect(error.failure).toBe("locked");
    expect(error.message).toMatch(/^The keychain is locked while saving the password of alice/);
    expect(error.message).not.toContain("pw");
  });

  it("a constructor that throws synchronously is mapped too", async () => {
    const store = new KeychainCredentialStore({
      entries: () => {
        throw nativeError("Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled");
      },
    });
    const error = (await store.deleteSession("acme", "alice").catch((e: unknown) => e)) as KeychainError;
    expect(error).toBeInstanceOf(KeychainError);
    expect(error.exitCode).toBe(77);
    expect(error.message).toMatch(
      /removing the session of alice \(rxportal\/acme\): Platform failure: DBus error/,
    );
  });

  it("a failure never carries the secret being written", async () => {
    const { keyring, store } = setup();
    keyring.behaviour = () => new Error("boom");
    const error = (await store
      .setSession("acme", "alice", { ...session, accessToken: "TOKEN-XYZ" })
      .catch((e: unknown) => e)) as KeychainError;
    expect(
      JSON.stringify({ message: error.message, hint: error.hint, cause: String(error.cause) }),
    ).not.toContain("TOKEN-XYZ");
  });
});
