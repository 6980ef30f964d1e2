// Option values through the built binary: a bad one is one line on stderr and exit 64 (health:
// UNKNOWN, 3), and zod, which checks them, loads only for a command that has values to check:
// never for --help, --version or contacts (start-up time).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleFilesNaming, dist, runReading } from "../helpers/bundle-reads.js";
import { runCli } from "../helpers/spawn.js";

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
