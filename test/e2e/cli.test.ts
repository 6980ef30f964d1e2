// End to end: the built binary, spawned as a user or a script would run it.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../helpers/net.js";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";

/** A loopback port that nothing listens on. */
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

function homeWithConfig(yaml: string): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(join(home, ".config", "rxportal", "config.yaml"), yaml);
  return home;
}

describe("rxportal (built binary)", () => {
  it("prints help with examples on stdout and exits 0", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: rxportal/);
    for (const cmd of ["status", "contacts", "config", "profiles", "sandbox"])
      expect(r.stdout).toContain(cmd);
    expect(r.stdout).toContain("Examples:");
    expect(r.stderr).toBe("");
  });

  it("exits 64 with one line on stderr for an unknown flag or command, and nothing on stdout", async () => {
    for (const args of [
      ["--frobnicate"],
      ["frobnicate"],
      ["contacts", "--enrollee"],
      ["--timeout", "soon", "status"],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")[0]).toMatch(/^rxportal: /);
      noStack(r.stderr);
    }
  });

  it("lists the Medicare line and its TTY line as JSON", async () => {
    const r = await runCli(["contacts", "--enrollee", "medicare", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      contacts: { id: string; phone: string; tty?: string }[];
      advice: string;
    };
    const medicare = doc.contacts.find((c) => c.id === "medicare");
    expect(medicare).toMatchObject({ phone: "(866) 529-4917", tty: "(800) 899-2114" });
    expect(doc.advice).toMatch(/back of your member ID card/);
    expect(doc.contacts.some((c) => c.id === "tricare")).toBe(false);
  });

  it("refuses an unknown enrollee type with exit 64", async () => {
    const r = await runCli(["contacts", "--enrollee", "medicaid"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(
      /Unknown enrollee type "medicaid": expected one of commercial, medicare, tricare/,
    );
  });

  it("status --sandbox --json prints one JSON document with status, components, apps and serverTime", async () => {
    const r = await runCli(["status", "--sandbox", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("operational");
    expect(Array.isArray(doc.components)).toBe(true);
    expect(doc.components.length).toBeGreaterThan(0);
    expect(doc.apps.ios.minimum).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isNaN(Date.parse(doc.serverTime))).toBe(false);
  });

  it("status in human form names each service", async () => {
    const r = await runCli(["status", "--sandbox", "--plain"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Portal \(sandbox\): working normally/);
    expect(r.stdout).toMatch(/Service: Sign-in; State: operational/);
  });

  it("an HTML maintenance page becomes one line naming the outage and Retry-After, exit 69", async () => {
    const r = await runCli(["status", "--sandbox", "--sandbox-fault", "maintenance:120"]);
    expect(r.code).toBe(69);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/maintenance/i);
    expect(lines[0]).toMatch(/2 minutes|120 s/);
    noStack(r.stderr);
  });

  it("with --json an outage also yields one JSON error document on stdout", async () => {
    const r = await runCli(["status", "--sandbox", "--sandbox-fault", "maintenance:120", "--json"]);
    expect(r.code).toBe(69);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toMatchObject({ exitCode: 69, retryAfterSeconds: 120 });
  });

  it("a config file with a wrong type exits 78 naming the file and the key path", async () => {
    const home = homeWithConfig(
      "defaultProfile: acme\nprofiles:\n  acme:\n    baseUrl: https://portal.acme.example/api/v1\n    timeoutMs: soon\n",
    );
    const r = await runCli(["status"], { home });
    expect(r.code).toBe(78);
    const file = join(home, ".config", "rxportal", "config.yaml");
    expect(r.stderr).toContain(`${file}: profiles.acme.timeoutMs: expected a number of milliseconds`);
    noStack(r.stderr);
    const v = await runCli(["config", "validate"], { home });
    expect(v.code).toBe(78);
  });

  it("config path and profiles honour RXPORTAL_CONFIG and RXPORTAL_PROFILE", async () => {
    const home = homeWithConfig("profiles:\n  acme:\n    baseUrl: https://portal.acme.example/api/v1\n");
    const path = await runCli(["config", "path", "--json"], { home });
    expect(JSON.parse(path.stdout)).toMatchObject({ from: "default", exists: true });
    const other = join(home, "other.yaml");
    writeFileSync(other, "profiles:\n  beta:\n    baseUrl: https://beta.example/api/v1\n");
    const profiles = await runCli(["profiles", "--json"], {
      home,
      env: { RXPORTAL_CONFIG: other, RXPORTAL_PROFILE: "beta" },
    });
    expect(profiles.code).toBe(0);
    expect(JSON.parse(profiles.stdout)).toEqual([
      { name: "beta", baseUrl: "https://beta.example/api/v1", source: "file", inForce: true },
      { name: "sandbox", baseUrl: "http://127.0.0.1:8787/api/v1", source: "builtin", inForce: false },
      {
        name: "express-scripts",
        baseUrl: "https://www.express-scripts.com/",
        source: "builtin",
        inForce: false,
      },
    ]);
  });

  it("the web-only express-scripts profile never sends a request, let alone a password (exit 78)", async () => {
    const r = await runCli(
      ["--profile", "express-scripts", "login", "--username", "pat", "--password-stdin", "--verbose"],
      {
        input: "not-a-real-password\n",
      },
    );
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/knows only the portal's official web addresses/);
    expect(r.stderr).not.toMatch(/→ (GET|POST)/);
    noStack(r.stderr);
  });

  it("an unreachable portal exits 69 with one line", async () => {
    const port = await closedPort();
    const home = homeWithConfig(
      `defaultProfile: down\nprofiles:\n  down:\n    baseUrl: http://127.0.0.1:${port}/api/v1\n`,
    );
    const r = await runCli(["status"], { home });
    expect(r.code).toBe(69);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/connection refused/);
    noStack(r.stderr);
  });

  it("--verbose traces requests on stderr and keeps stdout clean", async () => {
    const r = await runCli(["status", "--sandbox", "--json", "--verbose"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/status/);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it("--verbose with --plain spells the trace's arrows in ASCII (accessible mode)", async () => {
    const fancy = await runCli(["status", "--sandbox", "--verbose"]);
    expect(fancy.stderr).toMatch(/← 200/);
    const r = await runCli(["status", "--sandbox", "--verbose", "--plain"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/<- 200/);
    expect(r.stderr).toMatch(/^[\x20-\x7e\n]*$/);
  });
});

describe("start-up code cache (built binary)", () => {
  const cacheRoot = (home: string) => join(home, ".cache", "rxportal", "code-cache");
  const cacheFiles = (home: string) => {
    const [build, ...others] = readdirSync(cacheRoot(home));
    expect(others).toEqual([]);
    const dir = join(cacheRoot(home), build as string);
    return { dir, files: readdirSync(dir).sort() };
  };

  it("the first run writes private caches, later runs use them and write nothing, output unchanged", async () => {
    const home = tempHome();
    const first = await runCli(["contacts", "--enrollee", "medicare", "--json"], { home });
    expect(first.code).toBe(0);
    const { dir, files } = cacheFiles(home);
    expect(dir).toMatch(new RegExp(`[0-9a-f]{16}-${process.version.replace(/\./g, "\\.")}-${process.arch}$`));
    expect(files).toContain("main.js.v8cache");
    expect(files.some((f) => /^chunks_contacts-.+\.js\.v8cache$/.test(f))).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const before = files.map((f) => statSync(join(dir, f)).mtimeMs);

    const second = await runCli(["contacts", "--enrollee", "medicare", "--json"], { home });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe(first.stderr);
    expect(cacheFiles(home).files).toEqual(files);
    expect(files.map((f) => statSync(join(dir, f)).mtimeMs)).toEqual(before);
  });

  it("a corrupt cache only costs speed: same output, and it is replaced", async () => {
    const home = tempHome();
    const clean = await runCli(["--help"], { home });
    const { dir } = cacheFiles(home);
    writeFileSync(join(dir, "main.js.v8cache"), "garbage");
    const again = await runCli(["--help"], { home });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(clean.stdout);
    expect(readFileSync(join(dir, "main.js.v8cache"), "utf8")).not.toBe("garbage");
  });

  it("RXPORTAL_CODE_CACHE=0 writes no cache", async () => {
    const home = tempHome();
    const r = await runCli(["--help"], { home, env: { RXPORTAL_CODE_CACHE: "0" } });
    expect(r.code).toBe(0);
    expect(existsSync(cacheRoot(home))).toBe(false);
  });
});

describe("rxportal sandbox (standalone)", () => {
  let child: ReturnType<typeof startCli>;
  let baseUrl: string;
  let home: string;

  beforeAll(async () => {
    child = startCli(["sandbox", "--port", "0", "--fault", "maintenance:90@/status#1"]);
    baseUrl = await firstLine(child);
    home = homeWithConfig(`defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${baseUrl}\n`);
  });
  afterAll(() => {
    child.kill("SIGKILL");
  });

  it("prints its base URL and serves the contract, with the injected fault first", async () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    const down = await runCli(["status"], { home });
    expect(down.code).toBe(69);
    expect(down.stderr).toMatch(/maintenance/i);
    const up = await runCli(["status", "--json"], { home });
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout).status).toBe("operational");
  });

  it("stops on Ctrl-C with exit 130", async () => {
    const c = startCli(["sandbox", "--port", "0"]);
    await firstLine(c);
    const exited = new Promise<number | null>((resolve) => c.on("exit", (code) => resolve(code)));
    c.kill("SIGINT");
    expect(await exited).toBe(130);
  });
});
