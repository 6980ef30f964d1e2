// Node's own modules cost start-up time too: node:tty brings net and the stream modules, and
// node:fs/promises brings readline and more. Through the built binary, with its code caches
// already made: output that is not coloured loads no terminal code (chalk's colour detection is
// not bundled: scripts/build.mjs, "chalk-level-given"), and commands that only read files load
// no node:fs/promises (src/state/files.ts).
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { binPath, cliEnv, runCli, tempHome } from "../helpers/spawn.js";

const dir = mkdtempSync(join(tmpdir(), "rxportal-builtins-"));
const preload = join(dir, "log-builtins.cjs");

beforeAll(() => {
  writeFileSync(
    preload,
    `process.on("exit", () => require("node:fs").writeFileSync(process.env.RXPORTAL_BUILTINS_LOG,
  process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13)).join("\\n")));
`,
  );
});

/** The environment that makes a run log Node's modules, and the reader of that log afterwards. */
function builtinsLog(env: Record<string, string> = {}) {
  const log = join(dir, `builtins-${Math.random().toString(36).slice(2)}.txt`);
  return {
    env: { NODE_OPTIONS: `--require ${preload}`, RXPORTAL_BUILTINS_LOG: log, ...env },
    read: () => readFileSync(log, "utf8").split("\n"),
  };
}

/** Runs the binary in `home` and says which of Node's modules it loaded. */
async function builtinsOf(args: string[], home: string, env: Record<string, string> = {}) {
  const log = builtinsLog(env);
  const r = await runCli(args, { home, env: log.env });
  return { ...r, builtins: log.read() };
}

describe("Node's terminal and promise-based file modules load only where they are used", () => {
  it.each([
    [["contacts", "--enrollee", "medicare"], {}],
    [["contacts", "--enrollee", "medicare"], { LANG: "es_US.UTF-8" }],
    [["contacts", "--enrollee", "medicare", "--json"], {}],
    // Colour asked for, but stdout is a pipe: still no terminal code.
    [["contacts", "--enrollee", "medicare"], { NO_COLOR: "", FORCE_COLOR: "1" }],
    [["--help"], {}],
    [["tree", "lint"], {}],
  ])("%j %j: neither node:tty nor node:fs/promises", async (args, env) => {
    const home = tempHome();
    // The first run writes the code caches (with node:fs/promises); the second is the usual run.
    const first = await builtinsOf(args, home, env);
    expect(first.code, first.stderr).toBe(0);
    const r = await builtinsOf(args, home, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.builtins.length).toBeGreaterThan(10);
    expect(r.builtins).not.toContain("tty");
    expect(r.builtins).not.toContain("internal/fs/promises");
  });

  it("a run that writes files does load node:fs/promises (so the check above can fail)", async () => {
    const r = await builtinsOf(["contacts", "--json"], tempHome());
    expect(r.code, r.stderr).toBe(0);
    expect(r.builtins).toContain("internal/fs/promises");
  });

  it("output sent to /dev/null, as scripts and monitors do: no node:tty either", async () => {
    const home = tempHome();
    const run = () => {
      const log = builtinsLog();
      const devNull = openSync("/dev/null", "w");
      try {
        const r = spawnSync(process.execPath, [binPath, "contacts", "--enrollee", "medicare", "--json"], {
          env: cliEnv(home, log.env),
          stdio: ["ignore", devNull, "pipe"],
        });
        return { code: r.status, stderr: String(r.stderr), builtins: log.read() };
      } finally {
        closeSync(devNull);
      }
    };
    expect(run().code).toBe(0);
    const r = run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.builtins.length).toBeGreaterThan(10);
    expect(r.builtins).not.toContain("tty");
  });
});

describe("node:net loads for the keychain's bus check only when there is a bus address to try", () => {
  it("whoami without a session bus: no node:net; with an address, it tries it (so the check can fail)", async () => {
    const home = tempHome();
    await builtinsOf(["whoami", "--json"], home);
    const none = await builtinsOf(["whoami", "--json"], home);
    expect(none.code, none.stderr).toBe(77);
    expect(none.builtins.length).toBeGreaterThan(10);
    expect(none.builtins).not.toContain("net");
    const address = `unix:path=${join(dir, "no-bus-here")}`;
    const tried = await builtinsOf(["whoami", "--json"], home, { DBUS_SESSION_BUS_ADDRESS: address });
    expect(tried.code, tried.stderr).toBe(77);
    expect(tried.builtins).toContain("net");
  });
});
