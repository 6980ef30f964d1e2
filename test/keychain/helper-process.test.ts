// The keychain helper process, for real, on any machine: a D-Bus that never answers must not
// hang the CLI, an idle helper must not keep it running, and without a session bus there is no
// lasting keychain. No Secret Service needed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyringHelper } from "../../src/credentials/helper.js";
import { bundleRunner } from "./bundle.js";

let runner: string;
let dir: string;
let silentBus: Server;
let busAddress: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  runner = await bundleRunner();
  dir = mkdtempSync(join(tmpdir(), "rxportal-silent-bus-"));
  // Accepts D-Bus connections and never answers: the worst case for the native library, whose
  // constructor then blocks its thread for good.
  silentBus = createServer((socket) => {
    sockets.push(socket);
    socket.on("data", () => {});
    socket.on("error", () => {});
  });
  const path = join(dir, "bus");
  await new Promise<void>((resolve) => silentBus.listen(path, resolve));
  busAddress = `unix:path=${path}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silentBus.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  if (runner) rmSync(runner, { force: true });
});

function runChild(args: string[], env: Record<string, string | undefined>) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [runner, ...args], { env, encoding: "utf8", timeout: 15_000 });
  return {
    wallMs: Date.now() - started,
    status: result.status,
    signal: result.signal,
    stderr: result.stderr,
    json: JSON.parse(result.stdout.trim().split("\n").at(-1) || "null") as Record<string, unknown>,
  };
}

/** The environment without the session bus, whatever this test itself runs in. */
function envWithoutBus(): Record<string, string | undefined> {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  return env;
}

describe("the keychain helper process", () => {
  it("a bus that never answers: exit 77 on time, and the CLI process ends by itself", () => {
    const child = runChild(["get-timeout", "800"], {
      ...envWithoutBus(),
      DBUS_SESSION_BUS_ADDRESS: busAddress,
    });
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.json).toMatchObject({
      exitCode: 77,
      failure: "timeout",
      message: "The keychain did not answer within 800 ms; it may be locked.",
    });
    expect(child.json.elapsedMs).toBeGreaterThanOrEqual(790);
    expect(child.json.elapsedMs).toBeLessThan(2000);
    // Had the helper been left running (or the call made in-process), the child would still be
    // blocked here until spawnSync's 15 s timeout killed it.
    expect(child.wallMs).toBeLessThan(5000);
  });

  it("kills the helper when a call is abandoned, and starts a fresh one for the next call", async () => {
    const helper = new KeyringHelper({ env: { DBUS_SESSION_BUS_ADDRESS: busAddress } });
    try {
      const controller = new AbortController();
      const pending = helper
        .entries("rxportal/hang", "alice", "secret-service")
        .getPassword(controller.signal);
      const pid = helper.pid;
      expect(pid).toBeTypeOf("number");
      setTimeout(() => controller.abort(new Error("gave up")), 300);
      await expect(pending).rejects.toThrow("gave up");
      expect(helper.pid).toBeUndefined();
      await expect.poll(() => isAlive(pid as number), { timeout: 3000 }).toBe(false);

      const again = new AbortController();
      const next = helper.entries("rxportal/hang", "alice", "secret-service").getPassword(again.signal);
      expect(helper.pid).toBeTypeOf("number");
      expect(helper.pid).not.toBe(pid);
      again.abort(new Error("again"));
      await expect(next).rejects.toThrow("again");
    } finally {
      helper.close();
    }
  });

  it("after an answered call the idle helper does not keep the CLI process alive", () => {
    // Outside a keyring session this answers with an error, inside with the value: either way
    // the helper has answered and sits idle, and the process must end on its own.
    const child = runChild(["roundtrip", "idle-test", `user-${process.pid}`], process.env);
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.json.elapsedMs).toBeLessThan(3000);
    expect(child.wallMs).toBeLessThan(5000);
  });

  it("without DBUS_SESSION_BUS_ADDRESS there is no lasting keychain", () => {
    const child = runChild(["describe"], envWithoutBus());
    expect(child.status).toBe(0);
    const info = child.json.info as { backend: string; persistent: boolean; detail: string };
    // Here the kernel keyring is refused too ("none"); a desktop Linux may offer it (not persistent).
    expect(["none", "kernel-keyring"]).toContain(info.backend);
    expect(info.persistent).toBe(false);
    expect(info.detail).toContain("DBUS_SESSION_BUS_ADDRESS is not set");
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
