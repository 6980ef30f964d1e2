// End to end: `rxportal sandbox --seed <file>` serves the file's extra prescriptions and orders
// to the built binary's own commands; a bad file stops it with exit 78 and one line.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";

const home = tempHome();
const seedFile = join(home, "seed.json");
const EXTRA = 250;
writeFileSync(
  seedFile,
  JSON.stringify({
    prescriptions: Array.from({ length: EXTRA }, (_, i) => ({
      rxId: `RX-S${String(i).padStart(5, "0")}`,
      memberId: "SBX100001",
      drug: `Seeded ${i}`,
      strength: "5 mg",
      quantity: 30,
      daysSupply: 30,
      refillsRemaining: 1,
      lastFilledDaysAgo: 25,
      expiresInDays: 100,
      autoRefill: i % 2 === 0,
    })),
    orders: Array.from({ length: EXTRA }, (_, i) => ({
      orderId: `ORD-S${String(i).padStart(5, "0")}`,
      memberId: "SBX100001",
      createdHoursAgo: 1000 + i,
      items: [{ rxId: "RX-100101", drug: "Atorvastatin" }],
    })),
  }),
);
const children: Array<ReturnType<typeof startCli>> = [];
afterAll(() => {
  for (const c of children) c.kill();
});

describe("rxportal sandbox --seed (built binary)", () => {
  it("serves the seeded prescriptions and orders beside the bundled ones", async () => {
    const child = startCli(["sandbox", "--port", "0", "--seed", seedFile], { home });
    children.push(child);
    const baseUrl = await firstLine(child);
    mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
    writeFileSync(
      join(home, ".config", "rxportal", "config.yaml"),
      `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${baseUrl}\n    username: pat.sample\n`,
    );
    const env = { RXPORTAL_PASSWORD: "Sandbox-Pass-2026" };
    const list = await runCli(["refill", "list", "--member", "SBX100001", "--json"], { home, env });
    expect(list.stderr).toMatch(/^rxportal: signed in for this command/);
    expect(list.code).toBe(0);
    const rxIds = JSON.stringify(JSON.parse(list.stdout)).match(/RX-S\d{5}/g) ?? [];
    expect(new Set(rxIds).size).toBe(EXTRA);
    const orders = await runCli(["orders", "list", "--json"], { home, env });
    expect(orders.stderr).toMatch(/^rxportal: signed in for this command/);
    expect(orders.code).toBe(0);
    const orderIds = orders.stdout.match(/ORD-S\d{5}/g) ?? [];
    expect(new Set(orderIds).size).toBe(EXTRA);
    expect(orders.stdout).toContain("ORD-200101");
  });

  it("exits 78 with one line naming the file and key path for a bad seed file", async () => {
    const bad = join(home, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        orders: [
          { orderId: "ORD-1", memberId: "NOBODY", createdHoursAgo: 1, items: [{ rxId: "RX-1", drug: "x" }] },
        ],
      }),
    );
    const r = await runCli(["sandbox", "--port", "0", "--seed", bad], { home });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")[0]).toContain(
      `${bad}: orders.0.memberId: no member or dependent NOBODY.`,
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const missing = await runCli(["sandbox", "--port", "0", "--seed", join(home, "none.yaml")], { home });
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain("none.yaml: no such file.");
  });
});
