// End to end: with no session bus to answer, `rxportal keychain status` starts no keychain helper
// process. A preload (NODE_OPTIONS, inherited by any Node child) writes one line per Node process
// started, so the count tells whether the helper ran.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/spawn.js";

const dir = mkdtempSync(join(tmpdir(), "rxportal-bus-e2e-"));
const preload = join(dir, "count.cjs");
writeFileSync(
  preload,
  `require("node:fs").appendFileSync(process.env.COUNT_FILE, process.pid + " " + process.argv.length + "\\n");\n`,
);
const processes = async (env: Record<string, string>) => {
  const countFile = join(dir, `count-${Math.random().toString(36).slice(2)}`);
  writeFileSync(countFile, "");
  const r = await runCli(["keychain", "status", "--json"], {
    env: { ...env, NODE_OPTIONS: `--require ${preload}`, COUNT_FILE: countFile },
  });
  return { r, started: readFileSync(countFile, "utf8").trim().split("\n").length };
};

describe("keychain status without a session bus (built binary)", () => {
  it("without DBUS_SESSION_BUS_ADDRESS: no lasting keychain, and no helper process", async () => {
    const { r, started } = await processes({});
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      backend: "none",
      persistent: false,
      detail:
        "No lasting keychain. Secret Service: DBUS_SESSION_BUS_ADDRESS is not set (no desktop session). " +
        "Kernel keyring: not tried (it forgets secrets at logout or reboot).",
      // keychain status lists what is kept (names only): nothing, with no keychain.
      kept: [],
    });
    expect(started).toBe(1);
  });

  it("with an address nothing listens on: the same, naming why", async () => {
    const { r, started } = await processes({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, "no-bus")}` });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: "none", persistent: false });
    expect(JSON.parse(r.stdout).detail).toContain(
      "nothing listens at the D-Bus session bus address (ENOENT)",
    );
    expect(started).toBe(1);
  });

  // The counter itself: a bus address of a kind only the keychain library can try starts the
  // helper (which then fails to reach it), so the count above can tell.
  it("with a tcp address that cannot be checked cheaply, the helper runs", async () => {
    const { r, started } = await processes({ DBUS_SESSION_BUS_ADDRESS: "tcp:host=127.0.0.1,port=9" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ persistent: false });
    expect(started).toBeGreaterThan(1);
  });
});
