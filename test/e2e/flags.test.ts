// Option values through the built binary: a bad one is one line on stderr and exit 64 (health:
// UNKNOWN, 3), and zod, which checks them, loads only for a command that has values to check:
// never for --help, --version or contacts (start-up time), nor for the portal commands people run
// most, whose answers and state files are read by zod-free checks when they are in order.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { bundleFilesNaming, dist, runReading } from "../helpers/bundle-reads.js";
import { homeWithProfile, runCli } from "../helpers/spawn.js";

/** The bundle's files whose source map names zod. */
const zodFiles = () => bundleFilesNaming(/node_modules\/zod\//);
const withReads = (args: string[]) => runReading(args);
const dir = mkdtempSync(join(tmpdir(), "rxportal-flags-"));

let zod: Set<string>;

beforeAll(() => {
  zod = zodFiles();
  expect(zod.size).toBeGreaterThan(0);
  expect(zod.has(join(dist, "main.js"))).toBe(false);
});

describe("zod loads only for commands with values to check", () => {
  it.each([
    [["--help"]],
    [["--version"]],
    [["contacts", "--enrollee", "medicare", "--json"]],
    [["contacts", "--tty"]],
    [["sandbox", "--help"]],
    [["health", "--help"]],
    [["help", "refill", "order"]],
  ])("%j does not load zod", async (args) => {
    const r = await withReads(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.reads.length).toBeGreaterThan(0);
    expect(r.reads.filter((f) => zod.has(f))).toEqual([]);
  });

  it("a command whose value is checked does (so the check above can fail)", async () => {
    const r = await withReads(["sandbox", "--port", "x"]);
    expect(r.code).toBe(64);
    expect(r.reads.some((f) => zod.has(f))).toBe(true);
  });
});

describe("the portal commands people run most load neither zod nor the contract's schemas", () => {
  let sb: RunningSandbox;
  let home: string;
  const signIn = { RXPORTAL_PASSWORD: SANDBOX_PASSWORD };

  beforeAll(async () => {
    sb = await startSandbox({ port: 0 });
    home = homeWithProfile(
      "local",
      `baseUrl: ${sb.baseUrl}
username: pat.sample`,
    );
    // The first run after the config file changed checks it with zod and keeps the result (the
    // config cache); the runs below are the ones after.
    expect((await runCli(["status"], { home })).code).toBe(0);
  });
  afterAll(() => sb?.close());

  it.each([
    [["status", "--json"]],
    [["refill", "list", "--json"]],
    [["orders", "--json"]],
    [["orders", "show", "ORD-200101", "--json"]],
  ])("%j (signed in with RXPORTAL_PASSWORD, no keychain)", async (args) => {
    const schemas = bundleFilesNaming(/src\/portal\/(schemas|lenient)\.ts$/);
    expect(schemas.size).toBeGreaterThan(0);
    const r = await runReading(args, { home, env: signIn });
    expect(r.code, r.stderr).toBe(0);
    expect(r.reads.filter((f) => zod.has(f) || schemas.has(f))).toEqual([]);
    sb.reset();
  });

  it("an answer with an unusable item does load them (so the check above can fail)", async () => {
    // A portal of its own: the sandbox's status, with one component no reading can use.
    const status = (await (await fetch(`${sb.baseUrl}/status`)).json()) as { components: unknown[] };
    const odd = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...status, components: [...status.components, 42] }));
    });
    await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = odd.address() as AddressInfo;
      const schemas = bundleFilesNaming(/src\/portal\/(schemas|lenient)\.ts$/);
      const config = join(dir, "odd.yaml");
      writeFileSync(config, `profiles:\n  odd:\n    baseUrl: http://127.0.0.1:${port}/api/v1\n`);
      const args = ["status", "--json", "--config", config, "--profile", "odd"];
      await runCli(args, { home }); // the config cache, as above
      const r = await runReading(args, { home });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).problems).toHaveLength(1);
      expect(r.reads.some((f) => schemas.has(f))).toBe(true);
      expect(r.reads.some((f) => zod.has(f))).toBe(true);
    } finally {
      odd.close();
    }
  });
});

describe("OIDC code and libraries load only on an OIDC profile", () => {
  /** The bundle's files whose source map names oauth4webapi, jose or src/auth/oidc/. */
  function oidcFiles(): Set<string> {
    const found = bundleFilesNaming(/node_modules\/(oauth4webapi|jose)\/|src\/auth\/oidc\//);
    expect(found.has(join(dist, "main.js"))).toBe(false);
    return found;
  }

  it.each([
    [["--help"]],
    [["contacts", "--tty"]],
    [["status", "--sandbox", "--json"]],
    [["login", "--help"]],
  ])("%j does not load them", async (args) => {
    const oidc = oidcFiles();
    expect(oidc.size).toBeGreaterThan(0);
    const r = await withReads(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.reads.filter((f) => oidc.has(f))).toEqual([]);
  });

  it("login on an OIDC profile does (so the check above can fail)", async () => {
    const oidc = oidcFiles();
    const config = join(dir, "oidc.yaml");
    writeFileSync(
      config,
      "profiles:\n  o:\n    baseUrl: http://127.0.0.1:9/api/v1\n    auth: { type: oidc, issuer: http://127.0.0.1:9, clientId: c }\n",
    );
    const r = await withReads(["login", "--config", config, "--profile", "o"]);
    expect(r.code, r.stderr).toBe(69);
    expect(r.stderr).toContain("sign-in provider 127.0.0.1:9");
    expect(r.reads.some((f) => oidc.has(f))).toBe(true);
  });
});

describe("the built-in tree (both languages) loads only for the commands that walk or draw it", () => {
  /** The bundle's files whose source map names trees/default.yaml. */
  const treeFiles = () => bundleFilesNaming(/trees\/default\.yaml$/);

  it.each([[["--help"]], [["--version"]], [["--lang", "es", "--help"]], [["contacts", "--tty"]]])(
    "%j does not load it",
    async (args) => {
      const tree = treeFiles();
      expect(tree.size).toBe(1);
      const r = await withReads(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.reads.length).toBeGreaterThan(0);
      expect(r.reads.filter((f) => tree.has(f))).toEqual([]);
    },
  );

  it("tree export --lang es does (so the check above can fail)", async () => {
    const r = await withReads(["tree", "export", "--lang", "es"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.reads.some((f) => treeFiles().has(f))).toBe(true);
  });
});

describe("bad option values through the binary", () => {
  it.each([
    [
      ["--timeout", "0", "status"],
      64,
      "option '--timeout <ms>' argument '0' is invalid. --timeout must be a whole number of milliseconds from 1 to 86400000.",
    ],
    [
      ["sandbox", "--port", "70000"],
      64,
      "option '--port <n>' argument '70000' is invalid. --port must be a number from 0 to 65535.",
    ],
    [
      ["tree", "export", "--format", "png"],
      64,
      "option '--format <format>' argument 'png' is invalid. Allowed choices are mermaid, dot, json.",
    ],
    [
      ["health", "serve", "--min-login-interval", "0"],
      3,
      "option '--min-login-interval <s>' argument '0' is invalid. --min-login-interval must be a whole number from 1 to 9007199254740991.",
    ],
  ])("%j: exit %i, one line", async (args, code, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`rxportal: ${message}\n`);
  });

  it("with --json the error is also the JSON document on stdout", async () => {
    const r = await runCli(["--json", "health", "--cert-warn-days", "-1"]);
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: "usage", exitCode: 3 } });
  });

  it("health --format nagios still gets its UNKNOWN line on stdout", async () => {
    const r = await runCli(["health", "--format", "nagios", "--cert-crit-days", "1.5"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^RXPORTAL UNKNOWN/);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });
});
