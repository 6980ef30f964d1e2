// End to end: `health` that cannot run at all (unknown profile, bad config, missing credentials,
// bad thresholds) is UNKNOWN, exit 3, with the reason on stderr AND in the format the monitor
// reads on stdout: the Nagios status line, a Prometheus exposition, or the JSON error document.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempHome } from "../helpers/spawn.js";

const havePromtool = spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;

function homeWithBadConfig(): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(join(home, ".config", "rxportal", "config.yaml"), "profiles:\n  acme:\n    baseUrl: 42\n");
  return home;
}

const cases: { name: string; args: string[]; home?: () => string; reason: RegExp }[] = [
  { name: "an unknown profile", args: ["--profile", "nope", "health"], reason: /No profile named "nope"/ },
  {
    name: "a bad threshold",
    args: ["health", "--crit-ms", "soon"],
    reason: /--crit-ms "soon" is not a threshold/,
  },
  {
    name: "no password for --login",
    args: ["--sandbox", "health", "--login", "--username", "pat.sample"],
    reason: /has no password for pat\.sample/,
  },
  { name: "an invalid config file", args: ["health"], home: homeWithBadConfig, reason: /config\.yaml/ },
];

describe("rxportal health UNKNOWN (built binary)", () => {
  it.each(cases)(
    "nagios, $name: RXPORTAL UNKNOWN - <reason> on stdout, exit 3",
    async ({ args, home, reason }) => {
      const r = await runCli([...args, "--format", "nagios"], { home: home?.() });
      expect(r.code).toBe(3);
      const lines = r.stdout.split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[1]).toBe("");
      expect(lines[0]).toMatch(/^RXPORTAL UNKNOWN - [^|\n]+$/);
      expect(lines[0]).toMatch(reason);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^rxportal: /);
      expect(r.stderr).toMatch(reason);
    },
  );

  it.each(cases)(
    "prometheus, $name: probe_success 0 and the reason, exit 3",
    async ({ args, home, reason }) => {
      const r = await runCli([...args, "--format", "prometheus"], { home: home?.() });
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/^rxportal_probe_success 0$/m);
      expect(r.stdout).toMatch(/^rxportal_probe_state 3$/m);
      expect(r.stdout).toMatch(/^rxportal_probe_unknown\{reason=".+"\} 1$/m);
      expect(r.stdout).toMatch(/^# rxportal health: UNKNOWN, the probe could not run: /m);
      expect(r.stdout).toMatch(reason);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
      if (havePromtool) {
        const check = spawnSync("promtool", ["check", "metrics"], { input: r.stdout, encoding: "utf8" });
        expect(`${check.stdout}${check.stderr}`).toBe("");
        expect(check.status).toBe(0);
      }
    },
  );

  it.each(cases)(
    "--format json, $name: the error document with exitCode 3",
    async ({ args, home, reason }) => {
      const r = await runCli([...args, "--format", "json"], { home: home?.() });
      expect(r.code).toBe(3);
      const doc = JSON.parse(r.stdout) as { error: { message: string; exitCode: number } };
      expect(doc.error.exitCode).toBe(3);
      expect(doc.error.message).toMatch(reason);
      expect(r.stderr).toMatch(reason);
    },
  );

  it.each([
    [["health", "--format", "nagios", "--frobnicate"], /unknown option '--frobnicate'/],
    [["health", "--cert-warn-days", "-1", "--format=nagios"], /--cert-warn-days must be a whole number/],
    [["health", "--format", "nagios", "--crit-ms"], /argument missing/],
  ])("arguments commander rejects (%j): still the UNKNOWN line on stdout", async (args, reason) => {
    const r = await runCli(args);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^RXPORTAL UNKNOWN - [^|\n]+\n$/);
    expect(r.stdout).toMatch(reason);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
  });

  it("arguments commander rejects, prometheus: a valid exposition; help is still help", async () => {
    const r = await runCli(["health", "--format", "prometheus", "--frobnicate"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^rxportal_probe_success 0$/m);
    expect(r.stdout).toMatch(/^rxportal_probe_unknown\{reason="unknown option '--frobnicate'"\} 1$/m);
    if (havePromtool) {
      const check = spawnSync("promtool", ["check", "metrics"], { input: r.stdout, encoding: "utf8" });
      expect(check.status).toBe(0);
    }
    const help = await runCli(["health", "--format", "nagios", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rxportal health/);
    expect(help.stdout).not.toContain("UNKNOWN -");
    expect(help.stderr).toBe("");
  });

  it("the human format stays quiet on stdout: the reason is on stderr only", async () => {
    const r = await runCli(["--profile", "nope", "health"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^rxportal: No profile named "nope"/);
  });
});
