import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { seed } from "./seed.js";
import { loadSeedFile, mergeSeed } from "./seed-file.js";

const dir = mkdtempSync(join(tmpdir(), "rxportal-seed-file-"));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const pat = seed.members.find((m) => m.username === "pat.sample");
if (!pat) throw new Error("the bundled seed has no pat.sample");
const family = [pat.memberId, ...pat.dependents.map((d) => d.memberId)];
const rx = (i: number, memberId: string) => ({
  rxId: `RX-X${i}`,
  memberId,
  drug: `Drug ${i}`,
  strength: "10 mg",
  quantity: 30,
  daysSupply: 30,
  refillsRemaining: 2,
  lastFilledDaysAgo: 40,
  expiresInDays: 300,
  autoRefill: false,
});
const order = (i: number, memberId: string) => ({
  orderId: `ORD-X${i}`,
  memberId,
  createdHoursAgo: i,
  items: [{ rxId: `RX-X${i}`, drug: `Drug ${i}` }],
});
const rejection = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe("sandbox seed files", () => {
  it("adds each prescription and order to the family its memberId names, keeping the bundled ones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...family), { maxLength: 40 }),
        fc.array(fc.constantFrom(...family), { maxLength: 40 }),
        (rxOwners, orderOwners) => {
          const merged = mergeSeed("s.json", seed, {
            prescriptions: rxOwners.map((m, i) => rx(i, m)),
            orders: orderOwners.map((m, i) => order(i, m)),
          });
          const mergedPat = merged.members.find((m) => m.username === "pat.sample");
          expect(mergedPat?.prescriptions).toHaveLength(pat.prescriptions.length + rxOwners.length);
          expect(mergedPat?.orders).toHaveLength(pat.orders.length + orderOwners.length);
          expect(mergedPat?.prescriptions.slice(0, pat.prescriptions.length)).toEqual(pat.prescriptions);
          expect(merged.members.map((m) => m.username)).toEqual(seed.members.map((m) => m.username));
        },
      ),
      { numRuns: 40, seed: 7 },
    );
    // The bundled seed itself is left alone.
    expect(seed.members.find((m) => m.username === "pat.sample")?.prescriptions).toHaveLength(
      pat.prescriptions.length,
    );
  });

  it("refuses an id that is there already, and a memberId nobody has", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), (n, at) => {
        const items = Array.from({ length: n + 1 }, (_, i) => rx(i, pat.memberId));
        const dupAt = Math.min(at, n);
        const withDup = [...items, { ...rx(dupAt, pat.memberId) }];
        const dup = rejection(() => mergeSeed("s.json", seed, { prescriptions: withDup }));
        expect(dup).toBeInstanceOf(ConfigError);
        expect((dup as ConfigError).message).toBe(
          `s.json: prescriptions.${n + 1}: RX-X${dupAt} is there already.`,
        );
        const nobody = rejection(() => mergeSeed("s.json", seed, { orders: [order(at, "SBX-NOBODY")] }));
        expect((nobody as ConfigError).message).toBe(
          "s.json: orders.0.memberId: no member or dependent SBX-NOBODY.",
        );
      }),
      { numRuns: 20, seed: 8 },
    );
    const existing = pat.prescriptions[0]?.rxId;
    const clash = rejection(() =>
      mergeSeed("s.json", seed, { prescriptions: [{ ...rx(1, pat.memberId), rxId: `${existing}` }] }),
    );
    expect((clash as ConfigError).message).toContain("is there already");
  });

  it("adds whole members, and refuses one whose username is taken", () => {
    const extra = {
      ...structuredClone(pat),
      username: "extra.member",
      memberId: "SBX900001",
      dependents: [],
      prescriptions: [],
      orders: [],
    };
    expect(mergeSeed("s.json", seed, { members: [extra] }).members.at(-1)?.username).toBe("extra.member");
    const taken = rejection(() =>
      mergeSeed("s.json", seed, { members: [{ ...extra, username: "pat.sample" }] }),
    );
    expect((taken as ConfigError).message).toMatch(/^s\.json: members\.\d+: duplicate id pat\.sample$/);
  });

  it("reads JSON and YAML files, and names the file and key path of a bad one (ConfigError: exit 78)", async () => {
    const json = write("a.json", JSON.stringify({ prescriptions: [rx(1, pat.memberId)] }));
    expect(
      (await loadSeedFile(json)).members.find((m) => m.username === "pat.sample")?.prescriptions,
    ).toHaveLength(pat.prescriptions.length + 1);
    const yaml = write(
      "a.yaml",
      `orders:\n  - orderId: ORD-Y1\n    memberId: ${pat.memberId}\n    createdHoursAgo: 2\n    items: [{ rxId: RX-100101, drug: Atorvastatin }]\n`,
    );
    expect((await loadSeedFile(yaml)).members.find((m) => m.username === "pat.sample")?.orders).toHaveLength(
      pat.orders.length + 1,
    );
    const cases: Array<[string, string, RegExp]> = [
      ["b.json", "{", /^.*b\.json: not valid JSON: /],
      ["b.yaml", "a: [", /^.*b\.yaml: not valid YAML: /],
      ["c.json", JSON.stringify({ prescription: [] }), /c\.json: \(top level\): /],
      [
        "d.json",
        JSON.stringify({ prescriptions: [{ ...rx(1, pat.memberId), quantity: -1 }] }),
        /d\.json: prescriptions\.0\.quantity: /,
      ],
    ];
    for (const [name, text, message] of cases) {
      const error = await loadSeedFile(write(name, text)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(message);
      expect((error as ConfigError).message).not.toContain("\n");
    }
    await expect(loadSeedFile(join(dir, "none.json"))).rejects.toThrow(
      `${join(dir, "none.json")}: no such file.`,
    );
  });
});

describe("registrants in seed files", () => {
  const sky = {
    memberId: "SBX700001",
    firstName: "Sky",
    lastName: "Seeded",
    dateOfBirth: "1993-03-03",
    ssn: "987654328",
    enrolleeType: "commercial" as const,
  };

  it("adds people who can register; a file without them is read as before", async () => {
    const merged = mergeSeed("s.json", seed, { registrants: [sky] });
    expect(merged.registrants).toEqual([sky]);
    expect(mergeSeed("s.json", seed, {}).registrants).toBeUndefined();
    const file = write(
      "registrants.yaml",
      `registrants:\n  - memberId: SBX700001\n    firstName: Sky\n    lastName: Seeded\n    dateOfBirth: 1993-03-03\n    ssn: "987654328"\n    enrolleeType: commercial\n`,
    );
    expect((await loadSeedFile(file)).registrants).toEqual([sky]);
  });

  it("refuses a registrant whose member ID or SSN someone else has, or an SSN that is not nine digits (78)", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...sky, memberId: "SBX100001" }, /registrants\.0\.memberId: duplicate id SBX100001/],
      [{ ...sky, memberId: "SBX300001" }, /registrants\.0\.memberId: duplicate id SBX300001/],
      [{ ...sky, ssn: "987654321" }, /registrants\.0\.ssn: an SSN another person has/],
      [{ ...sky, ssn: "987-65-4328" }, /registrants\.0\.ssn: nine digits/],
    ];
    for (const [registrant, message] of cases) {
      const error = rejection(() => mergeSeed("s.json", seed, { registrants: [registrant as typeof sky] }));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(message);
    }
  });
});
