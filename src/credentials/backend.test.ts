// describeBackend's decisions, against a fake keyring. test/keychain/ runs it for real.
// The session bus is a real unix socket that accepts connections (the keyring behind it is the
// fake): describeBackend connects to it before anything else.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeBackend, sessionBusMissing } from "./backend.js";
import { FakeKeyring, nativeError } from "./fake-keyring.testing.js";

const dir = mkdtempSync(join(tmpdir(), "rxportal-bus-"));
const busPath = join(dir, "bus");
const abstractName = `rxportal-test-bus-${process.pid}`;
const DBUS = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${busPath},guid=0123456789abcdef` };
const servers: Server[] = [];
const listen = (path: string) =>
  new Promise<void>((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    servers.push(server);
    server.once("error", reject).listen(path, resolve);
  });
beforeAll(async () => {
  await listen(busPath);
  await listen(`\0${abstractName}`);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});
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

  it("reports none when no store works", async () => {
    const keyring = new FakeKeyring();
    keyring.behaviour = accessDenied;
    const info = await describeBackend(DBUS, { platform: "linux", entries: keyring.entries });
    expect(info).toEqual({
      backend: "none",
      persistent: false,
      detail:
        "No keychain answered. Secret Service: Couldn't access platform storage: AccessDenied. " +
        "Kernel keyring: Couldn't access platform storage: AccessDenied.",
    });
  });

  // Was: "does not try D-Bus without DBUS_SESSION_BUS_ADDRESS" (then only the kernel keyring was
  // probed). Now nothing is asked at all: the keyring helper is never started.
  it("asks no keychain without DBUS_SESSION_BUS_ADDRESS, and says so", async () => {
    const keyring = new FakeKeyring();
    const info = await describeBackend({}, { platform: "linux", entries: keyring.entries });
    expect(info).toEqual({
      backend: "none",
      persistent: false,
      detail:
        "No lasting keychain. Secret Service: DBUS_SESSION_BUS_ADDRESS is not set (no desktop session). " +
        "Kernel keyring: not tried (it forgets secrets at logout or reboot).",
    });
    expect(keyring.calls).toEqual([]);
  });

  it("asks no keychain when nothing listens at the bus address", async () => {
    const keyring = new FakeKeyring();
    const env = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, "gone")}` };
    const info = await describeBackend(env, { platform: "linux", entries: keyring.entries });
    expect(info.backend).toBe("none");
    expect(info.persistent).toBe(false);
    expect(info.detail).toBe(
      "No lasting keychain. Secret Service: nothing listens at the D-Bus session bus address (ENOENT). " +
        "Kernel keyring: not tried (it forgets secrets at logout or reboot).",
    );
    expect(keyring.calls).toEqual([]);
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

describe("sessionBusMissing", () => {
  const missingPath = () => `unix:path=${join(dir, "none")}`;
  const listening = () =>
    fc.constantFrom(
      `unix:path=${busPath}`,
      `unix:path=${encodeURIComponent(busPath)}`,
      `unix:abstract=${abstractName},guid=00ff`,
      `unix:guid=00ff,abstract=${abstractName}`,
    );
  const unknowable = () =>
    fc.constantFrom(
      "tcp:host=127.0.0.1,port=1",
      "launchd:env=DBUS_LAUNCHD_SESSION_BUS_SOCKET",
      "autolaunch:",
    );

  it("finds no bus when every address is a unix socket nothing listens on", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constant(missingPath()),
            fc.constant(`unix:abstract=rxportal-nobody-${process.pid}`),
            fc.constant(`unix:path=${encodeURIComponent(join(dir, "no one,here"))}`),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        async (entries) => {
          expect(await sessionBusMissing({ DBUS_SESSION_BUS_ADDRESS: entries.join(";") })).toMatch(
            /^nothing listens at the D-Bus session bus address \((ENOENT|ECONNREFUSED)\)$/,
          );
        },
      ),
      { numRuns: 20, seed: 11 },
    );
  });

  it("leaves the decision to the keychain library when any address listens or cannot be tried here", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constant(missingPath()), { maxLength: 2 }),
        fc.oneof(listening(), unknowable()),
        fc.array(fc.oneof(fc.constant(missingPath()), listening()), { maxLength: 2 }),
        async (before, answer, after) => {
          const address = [...before, answer, ...after].join(";");
          expect(await sessionBusMissing({ DBUS_SESSION_BUS_ADDRESS: address })).toBeUndefined();
        },
      ),
      { numRuns: 30, seed: 12 },
    );
  });

  it("reads unix:runtime=yes as XDG_RUNTIME_DIR/bus", async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: "unix:runtime=yes" };
    expect(await sessionBusMissing({ ...env, XDG_RUNTIME_DIR: dir })).toBeUndefined();
    expect(await sessionBusMissing({ ...env, XDG_RUNTIME_DIR: join(dir, "elsewhere") })).toMatch(/ENOENT/);
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
