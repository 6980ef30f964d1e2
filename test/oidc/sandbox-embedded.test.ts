// `--sandbox --oidc`, end to end through the built binary: the sandbox portal and a real OpenID
// Provider inside the command, so login, refill list and health --login work with no account,
// no config and no terminal (the embedded provider's demo member approves the device code by
// itself). oidc-provider, jose and the OIDC code load only on that path: --help, contacts and
// status --sandbox read none of their bundle files, and the files --help reads are unchanged.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HealthReport } from "../../src/health/report.js";
import { SANDBOX_MONITOR_SECRET } from "../../src/sandbox/oidc.js";
import { bundleFilesNaming, dist, runReading } from "../helpers/bundle-reads.js";
import { type RunResult, runCli } from "../helpers/spawn.js";

const runs: RunResult[] = [];

async function cli(args: string[], env: Record<string, string> = {}) {
  const r = await runCli(args, { env, timeoutMs: 30_000 });
  runs.push(r);
  return r;
}

/** Runs the binary and says which of the bundle's files it read. */
async function withReads(args: string[]) {
  const r = await runReading(args, { timeoutMs: 30_000 });
  runs.push(r);
  return r;
}

/** The bundle's chunks whose source map names oidc-provider, jose, or rxportal's OIDC code. */
function oidcFiles(): Set<string> {
  const found = bundleFilesNaming(
    /node_modules\/(oidc-provider|jose|oauth4webapi)\/|src\/(auth\/oidc|sandbox\/oidc)/,
  );
  expect(found.has(join(dist, "main.js"))).toBe(false);
  return found;
}

describe("--sandbox --oidc: member commands with no account", () => {
  it("login: the device flow's code, approved by the demo member; signed in for the command", async () => {
    const r = await cli(["login", "--sandbox", "--oidc"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("Signed in as Pat Sample (pat.sample) on sandbox.\n");
    expect(r.stderr).toMatch(
      /^To sign in, open http:\/\/127\.0\.0\.1:\d+\/device in a browser on any device and enter the code: [A-Z]{4}-[A-Z]{4}$/m,
    );
    expect(r.stderr).toContain(
      "the embedded sandbox's demo member (pat.sample) approves this code by itself",
    );
    expect(r.stderr).toContain("a session ends with its command");
    // oidc-provider's development-settings warnings stay out of a member command's stderr.
    expect(r.stderr).not.toContain("oidc-provider WARNING");
    expect(r.ms).toBeLessThan(15_000);
  });

  it("refill list --json, with no terminal: signs in by itself and lists the demo member's family", async () => {
    const r = await cli(["refill", "list", "--sandbox", "--oidc", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout) as { members: { name: string; prescriptions: unknown[] }[] };
    expect(data.members.map((m) => m.name)).toEqual(["Pat Sample", "Casey Sample", "Robin Sample"]);
    expect(data.members[0]?.prescriptions.length).toBeGreaterThan(0);
  });

  it.each([
    ["human", []],
    ["json", ["--format", "json"]],
    ["prometheus", ["--format", "prometheus"]],
    ["nagios", ["--format", "nagios"]],
  ] as const)(
    "health --login in %s: OK with the four OIDC phases (the monitoring client)",
    async (format, flags) => {
      const r = await cli(["health", "--login", "--sandbox", "--oidc", ...flags]);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stderr).toBe("");
      const names =
        format === "json"
          ? (JSON.parse(r.stdout) as HealthReport).results[0]?.phases.map((p) => p.name)
          : format === "prometheus"
            ? [
                ...r.stdout.matchAll(/^rxportal_probe_phase_success\{profile="sandbox",phase="(\w+)"\} 1$/gm),
              ].map((m) => m[1])
            : format === "nagios"
              ? [...(r.stdout.split(" | ")[1] ?? "").matchAll(/'(\w+)'=/g)]
                  .map((m) => m[1])
                  .filter((n) => n !== "time")
              : [...r.stdout.matchAll(/^ {2}(\w+) +[\d.]+ ms +ok/gm)].map((m) => m[1]);
      expect(names).toEqual(["dns", "connect", "status", "discovery", "jwks", "token", "me"]);
    },
  );

  it("--oidc without --sandbox is a usage error in one line", async () => {
    const r = await cli(["status", "--oidc"]);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "rxportal: --oidc goes with --sandbox (the embedded sandbox with its OpenID Provider). Run `rxportal <command> --sandbox --oidc`, or `rxportal sandbox --oidc` for one that lasts.\n",
    );
  });

  it("the sandbox monitoring client's secret is in no output", () => {
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain(SANDBOX_MONITOR_SECRET);
  });
});

describe("oidc-provider and jose load only with --sandbox --oidc (and OIDC profiles)", () => {
  it.each([
    [["--help"]],
    [["contacts", "--tty"]],
    [["status", "--sandbox", "--json"]],
    [["sandbox", "--help"]],
  ])("%j reads none of their files", async (args) => {
    const oidc = oidcFiles();
    expect(oidc.size).toBeGreaterThan(0);
    const r = await withReads(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.reads.length).toBeGreaterThan(0);
    expect(r.reads.filter((f) => oidc.has(f))).toEqual([]);
  });

  it("--help reads the launcher, main.js and a few shared chunks, as before", async () => {
    const r = await withReads(["--help"]);
    const names = r.reads.map((f) =>
      f.replace(/^.*\/(bin|dist)\//, "$1/").replace(/-[A-Z0-9]{8}\.js$/, ".js"),
    );
    expect(names.filter((n) => !n.startsWith("dist/chunks/chunk"))).toEqual([
      "bin/rxportal.js",
      "dist/main.js",
    ]);
    expect(names.filter((n) => n.startsWith("dist/chunks/")).every((n) => n === "dist/chunks/chunk.js")).toBe(
      true,
    );
  });

  it("login --sandbox --oidc does (so the checks above can fail)", async () => {
    const oidc = oidcFiles();
    const r = await withReads(["login", "--sandbox", "--oidc"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.reads.some((f) => oidc.has(f))).toBe(true);
  });
});
