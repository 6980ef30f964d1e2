// describeBackend's decisions, against a fake keyring. test/keychain/ runs it for real.
import { describe, expect, it } from "vitest";
import { describeBackend } from "./backend.js";
import { FakeKeyring, nativeError } from "./fake-keyring.testing.js";

const DBUS = { DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus" };
const accessDenied = () => nativeError("Couldn't access platform storage: AccessDenied");

describe("describeBackend on Linux", () => {
  it("reports a Secret Service when the pinned round trip works, and leaves nothing behind", async () => {
    const keyring = new FakeKeyring();
    const info = await describeBackend(DBUS, { platform: "linux", entries: keyring.entries });
    expect(info).toEqual({
      backend: "secret-service",
      persistent: true,
      detail: expect.stringMatching(/D-Bus/),
    });
    expect(keyring.calls.map((c) => [c.op, c.service, c.store])).toEqual([
      ["set", "rxportal/probe", "secret-service"],
      ["get", "rxportal/probe", "secret-service"],
      ["delete", "rxportal/probe", "secret-service"],
    ]);
    expect(keyring.items.size).toBe(0);
  });

  it("uses a fresh probe account each time, so concurrent probes do not collide", async () => {
    const keyring = new FakeKeyring();
    await describeBackend(DBUS, { platform: "linux", entries: keyring.entries });
    await describeBackend(DBUS, { platform: "linux", entries: keyring.entries });
    const accounts = new Set(keyring.calls.map((c) => c.account));
    expect(accounts.size).toBe(2);
  });

  it("falls back to the kernel keyring, which is not persistent, and says why", async () => {
    const keyring = new FakeKeyring();
    keyring.behaviour = (call) => (call.store === "secret-service" ? accessDenied() : undefined);
    const info = await describeBackend(DBUS, { platform: "linux", entries: keyring.entries });
    expect(info.backend).toBe("kernel-keyring");
    expect(info.persistent).toBe(false);
    expect(info.detail).toContain("reboot");
    expect(info.detail).toContain("Couldn't access platform storage: AccessDenied");
  });

  it("does not try D-Bus without DBUS_SESSION_BUS_ADDRESS, and reports none when nothing works", async () => {
    const keyring = new FakeKeyring();
    keyring.behaviour = accessDenied;
    const info = await describeBackend({}, { platform: "linux", entries: keyring.entries });
    expect(info).toEqual({
      backend: "none",
      persistent: false,
      detail:
        "No keychain answered. Secret Service: DBUS_SESSION_BUS_ADDRESS is not set (no desktop session). " +
        "Kernel keyring: Couldn't access platform storage: AccessDenied.",
    });
    expect(keyring.calls.every((c) => c.store === "keyutils")).toBe(true);
  });

  it("a Secret Service that hangs is reported as probably locked, within the budget", async () => {
    const keyring = new FakeKeyring();
    keyring.behaviour = (call) => (call.store === "secret-service" ? "hang" : accessDenied());
    const started = Date.now();
    const info = await describeBackend(DBUS, { platform: "linux", entries: keyring.entries, timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(info.backend).toBe("none");
    expect(info.detail).toContain("Secret Service: no answer within 100 ms (locked?)");
  });

  it("a store that accepts writes but reads back something else is not trusted", async () => {
    const keyring = new FakeKeyring();
    const real = keyring.entries;
    const entries: typeof real = (service, account, store) => ({
      ...real(service, account, store),
      getPassword: async () => "something else",
    });
    keyring.behaviour = (call) => (call.store === "keyutils" ? accessDenied() : undefined);
    const info = await describeBackend(DBUS, { platform: "linux", entries });
    expect(info.backend).toBe("none");
    expect(info.detail).toContain("did not give back what was written");
    expect(keyring.items.size).toBe(0);
  });
});

describe("describeBackend elsewhere", () => {
  it("names the macOS Keychain and the Windows Credential Manager, unpinned", async () => {
    const keyring = new FakeKeyring();
    const mac = await describeBackend({}, { platform: "darwin", entries: keyring.entries });
    expect(mac).toMatchObject({ backend: "macos-keychain", persistent: true });
    const win = await describeBackend({}, { platform: "win32", entries: keyring.entries });
    expect(win).toMatchObject({ backend: "windows-credential-manager", persistent: true });
    expect(keyring.calls.every((c) => c.store === undefined)).toBe(true);
  });

  it("reports none when the platform store fails", async () => {
    const keyring = new FakeKeyring();
    keyring.behaviour = () =>
      nativeError("Platform secure storage failure: User interaction is not allowed.");
    const info = await describeBackend({}, { platform: "darwin", entries: keyring.entries });
    expect(info).toEqual({
      backend: "none",
      persistent: false,
      detail:
        "The macOS Keychain did not work: Platform secure storage failure: User interaction is not allowed..",
    });
  });
});
