import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { homeWithProfile, runCli } from "../helpers/spawn.js";

// Every command that talks to the portal, with how many requests it needs at least (sign-in
// included). One-request commands fit in the budget and succeed; the rest must stop at it.
const commands: Array<{ argv: string[]; requests: number }> = [
  { argv: ["status"], requests: 1 },
  { argv: ["refill", "list", "--username", "pat.sample"], requests: 2 },
  { argv: ["refill", "order", "RX-100101", "--yes", "--username", "pat.sample"], requests: 3 },
  { argv: ["refill", "pending", "--username", "pat.sample"], requests: 0 },
  { argv: ["orders", "--username", "pat.sample"], requests: 2 },
  { argv: ["orders", "show", "ORD-200101", "--username", "pat.sample"], requests: 2 },
  { argv: ["id-card", "--username", "pat.sample"], requests: 2 },
  { argv: ["auto-refill", "RX-100101", "on", "--username", "pat.sample"], requests: 2 },
];

let sb: RunningSandbox;
let home: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
  home = homeWithProfile("local", `baseUrl: ${sb.baseUrl}`);
  // Warm the code caches first: a first run in a fresh home writes them on the way out, which is
  // a one-time cost and not what this test measures.
  await Promise.all(commands.map((c) => runCli(c.argv.slice(0, 2), { home, env: signIn })));
}, 60_000);
afterAll(() => sb.close());
afterEach(() => sb.clearFaults());

const signIn = { RXPORTAL_PASSWORD: SANDBOX_PASSWORD };
const stack = /\n\s+at .+:\d+:\d+/;

describe("--timeout is one budget for the whole command (built binary)", () => {
  it.each(commands)(
    "$argv.0 $argv.1 against a portal answering after 1.5 s ends within 2.5 s",
    async ({ argv, requests }) => {
      sb.addFault({ kind: "latency", value: 1500 });
      const r = await runCli(["--timeout", "2000", ...argv], { home, env: signIn, timeoutMs: 10_000 });
      expect(r.ms).toBeLessThan(2500);
      expect(r.stderr).not.toMatch(stack);
      expect(r.stderr).not.toMatch(/internal error/);
      if (requests >= 2) {
        expect(r.code, r.stderr).toBe(69);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(/did not answer .* within the command's time limit \(--timeout 2000/);
      } else if (requests === 1) {
        // One answer at 1.5 s fits a 2 s budget unless start-up took the rest: either outcome is
        // right, and each must be the clean one.
        expect([0, 69], r.stderr).toContain(r.code);
        if (r.code === 69) expect(r.stderr).toMatch(/within the command's time limit \(--timeout 2000/);
        else expect(r.ms).toBeGreaterThanOrEqual(1500);
      } else {
        // Nothing to settle: no request at all.
        expect(r.code, r.stderr).toBe(0);
      }
    },
  );

  it("a Retry-After longer than what is left ends the command at once, saying when to try again", async () => {
    sb.addFault({ kind: "maintenance", value: 30 });
    const r = await runCli(["--timeout", "3000", "status"], { home, timeoutMs: 10_000 });
    expect(r.code).toBe(69);
    expect(r.ms).toBeLessThan(2000);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^rxportal: The portal is down for maintenance .*retry in 30 seconds/);
  });

  it("--json: the budget's error is the one JSON error document", async () => {
    sb.addFault({ kind: "latency", value: 1500 });
    const r = await runCli(["--json", "--timeout", "2000", "orders", "--username", "pat.sample"], {
      home,
      env: signIn,
      timeoutMs: 10_000,
    });
    expect(r.code).toBe(69);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toMatchObject({ exitCode: 69, code: "timeout" });
    expect(doc.error.message).toMatch(/--timeout 2000/);
  });

  it("without --timeout each request keeps the profile's own limit, so slow answers still arrive", async () => {
    sb.addFault({ kind: "latency", value: 600 });
    const r = await runCli(["orders", "--username", "pat.sample"], { home, env: signIn, timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1200);
    expect(r.stdout).toContain("ORD-200101");
  });
});
