// `id-card` against the sandbox: own and dependent's cards, a forbidden member, and a saved copy
// that still answers when the portal is down.
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { json, newHome, rx } from "./helpers.js";

let sb: RunningSandbox;
let home: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => {
  sb.reset();
  home = newHome();
});

const CARD_VALUES = ["Sandbox Choice PPO", "SBXGRP01", "999901", "SBXPCN", "SBXRX01"];

describe("id-card against the sandbox", () => {
  it("shows a dependent's card with the family's plan", async () => {
    const r = await rx(sb, home, ["id-card", "--member", "SBX100001-02", "--json"]);
    expect(r.code).toBe(0);
    expect(json(r)).toEqual({
      source: "portal",
      card: {
        memberId: "SBX100001-02",
        name: "Robin Sample",
        plan: "Sandbox Choice PPO",
        group: "SBXGRP01",
        bin: "999901",
        pcn: "SBXPCN",
        rxGroup: "SBXRX01",
        issuer: "Sandbox Pharmacy Benefits (fictional)",
        effectiveDate: "2025-01-01",
        helpPhone: "1-800-555-0100",
      },
    });
  });

  it("a member outside the family is forbidden: exit 1, and no card anywhere", async () => {
    const r = await rx(sb, home, ["id-card", "--member", "SBX100008"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/may not act for member SBX100008: only for yourself and your dependents/);
  });

  it("--save, then the portal goes down: plain id-card fails 69 pointing at --offline, which shows the copy", async () => {
    const saved = await rx(sb, home, ["id-card", "--save", "--plain"]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain("BIN: 999901\n");
    const file = join(home, "data", "id-cards", "test.SBX100001.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, "data", "id-cards")).mode & 0o777).toBe(0o700);

    sb.addFault({ kind: "maintenance", value: 120, path: "/id-card" });
    const down = await rx(sb, home, ["id-card"]);
    expect(down.code).toBe(69);
    expect(down.stdout).toBe("");
    expect(down.stderr).toMatch(
      /down for maintenance.*A saved copy of the ID card from .* is on this computer: `rxportal id-card --offline` shows it\./,
    );

    // The whole portal down, sign-in included, and no password at hand: --offline needs neither.
    sb.addFault({ kind: "maintenance", value: 120 });
    const offline = await rx(sb, home, ["id-card", "--offline", "--plain"], { password: "" });
    expect(offline.code).toBe(0);
    const lines = offline.stdout.split("\n");
    expect(lines[0]).toMatch(/^Saved copy from .*UTC; may be out of date\.$/);
    expect(lines).toContain("Group: SBXGRP01");
    for (const value of [...CARD_VALUES, "Pat Sample"]) {
      expect(saved.stderr + down.stderr + offline.stderr).not.toContain(value);
    }
  });

  it("sign-in impossible (no password, no session) with a dependent's saved copy: 77 with the hint", async () => {
    expect((await rx(sb, home, ["id-card", "--member", "SBX100001-01", "--save"])).code).toBe(0);
    const r = await rx(sb, home, ["id-card", "--member", "SBX100001-01"], { password: "" });
    expect(r.code).toBe(77);
    expect(r.stderr).toMatch(/`rxportal id-card --offline --member SBX100001-01` shows it/);
    const offline = await rx(sb, home, ["id-card", "--offline", "--member", "SBX100001-01", "--json"], {
      password: "",
    });
    expect(json(offline)).toMatchObject({ source: "saved copy", card: { name: "Casey Sample" } });
  });
});
