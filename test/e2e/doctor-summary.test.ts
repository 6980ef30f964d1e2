// End to end: `rxportal doctor --summary` (built binary) against a standalone sandbox, as a help
// desk uses it: `rxportal doctor --summary > ticket.txt`. stdout holds only the summary (at most ten
// lines, written at the end), the session talks on stderr, and --json and report.md carry the same.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { runCli, tempHome } from "../helpers/spawn.js";

let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});

/** A fresh HOME per test: the lockout guard's count of sign-in tries is kept per home. */
function configHome(): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${sb.baseUrl}\n    timeoutMs: 4000\n`,
  );
  return home;
}
afterAll(() => sb.close());

/** The lock check signs in with the password rxportal may use unattended. */
const env = { RXPORTAL_PASSWORD: SANDBOX_PASSWORD };
const answer = (...pairs: string[]) => pairs.flatMap((pair) => ["--answer", pair]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function summaryOf(stdout: string): string[] {
  expect(stdout.endsWith("\n")).toBe(true);
  const lines = stdout.slice(0, -1).split("\n");
  expect(lines.length).toBeGreaterThanOrEqual(7);
  expect(lines.length).toBeLessThanOrEqual(10);
  return lines;
}

describe("rxportal doctor --summary (built binary)", () => {
  it("a locked account with an agent: ten lines at most on stdout, request ids named, the session on stderr, report.md headed by the same lines", async () => {
    const home = configHome();
    const dir = join(home, "case-77");
    const r = await runCli(
      [
        "doctor",
        "--summary",
        ...answer("start=locked", "username=lee.locked", "lockout-someone=yes", "consent=yes"),
        "--report",
        dir,
        "--agent",
        "J. Rivera",
      ],
      { home, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = summaryOf(r.stdout);
    expect(lines[0]).toMatch(/^rxportal doctor summary, \d{4}-\d\d-\d\dT.+Z, profile local, rxportal \d/);
    expect(lines).toContain("Symptom: The site says my account is locked (locked)");
    const failed = lines.find((l) => l.startsWith("Failed checks: ")) ?? "";
    expect(failed).toMatch(/Account lock: PROBLEM, .*\[request ids [0-9a-f-]{36}/);
    expect(lines.find((l) => l.startsWith("Diagnosis: "))).toBeDefined();
    expect(lines.find((l) => l.startsWith("Next step: "))).toBeDefined();
    expect(lines.find((l) => l.startsWith("Whom to call: "))).toMatch(/\(\d{3}\) \d{3}-\d{4}/);
    expect(lines).toContain("Consent: the member agreed to a help-desk report");
    expect(lines).toContain("Agent: J. Rivera");
    const ids = lines.find((l) => l.startsWith("Request ids: ")) ?? "";
    for (const id of failed.match(UUID) ?? []) expect(ids).toContain(id);

    // The session itself (checks, diagnosis, whom to call) went to stderr.
    expect(r.stderr).toMatch(/PROBLEM: Account lock:/);
    expect(r.stderr).toMatch(/Diagnosis: /);
    expect(r.stderr).toContain("Report written to");

    const md = readFileSync(join(dir, "report.md"), "utf8").split("\n");
    expect(md.slice(0, lines.length)).toEqual(lines);
    expect(md[lines.length + 1]).toBe("# rxportal doctor report");
    const doc = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as { summary: string[] };
    expect(doc.summary).toEqual(lines);
  });

  it("the portal in maintenance: the failed status check and its request id, nothing else on stdout", async () => {
    const home = configHome();
    sb.addFault({ kind: "maintenance", value: 120 });
    try {
      const r = await runCli(["doctor", "--summary", "--start", "outage"], { home, env });
      expect(r.code, r.stderr).toBe(0);
      const lines = summaryOf(r.stdout);
      const failed = lines.find((l) => l.startsWith("Failed checks: ")) ?? "";
      expect(failed).toMatch(/Portal status: PROBLEM, .*maintenance.*\[request ids [0-9a-f-]{36}\]/);
      expect(lines).toContain("Consent: not asked (no help-desk agent named)");
      expect(lines).toContain("Agent: none named");
      expect(r.stderr).toMatch(/Diagnosis: /);
    } finally {
      sb.clearFaults();
    }
  });

  it("--json carries the same lines as summary; --summary with --json is a usage error", async () => {
    const args = ["doctor", ...answer("start=locked", "username=lee.locked", "lockout-someone=yes")];
    const json = await runCli([...args, "--json"], { home: configHome(), env });
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { summary: string[]; requestIds: string[] };
    expect(doc.summary.length).toBeLessThanOrEqual(10);
    expect(doc.summary.find((l) => l.startsWith("Request ids: "))).toContain(doc.requestIds[0]);
    const text = await runCli([...args, "--summary"], { home: configHome(), env });
    // The same lines but for the time stamp and the request ids, which are the run's own.
    const strip = (l: string) => l.replace(UUID, "<id>").replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, "<time>");
    expect(summaryOf(text.stdout).map(strip)).toEqual(doc.summary.map(strip));

    const both = await runCli([...args, "--summary", "--json"], { home: configHome(), env });
    expect(both.code).toBe(64);
    expect(both.stderr.trim().split("\n")).toHaveLength(1);
    expect(both.stderr).toMatch(/^rxportal: --summary .*--json/);
  });
});
