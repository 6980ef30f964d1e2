// The kit store: names that cannot leave the folder, private modes, whose kit "mine" is, and what
// it keeps of a prescription (the fields a newer portal may add, only when they are text).
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { CliError } from "../errors.js";
import { type Prescription, PrescriptionSchema } from "../portal/schemas.js";
import { findSavedKit, kitDir, kitFile, kitMedication, saveKit } from "./kit-store.js";
import { isOld, savedAgo } from "./kit-words.js";

const card = (memberId: string) => ({
  memberId,
  name: "Alice",
  plan: "P",
  group: "G",
  bin: "1",
  pcn: "2",
  issuer: "I",
  effectiveDate: "2026-01-01",
  helpPhone: "1",
});
/** A prescription as the client hands it out: the portal's answer read by the reading schema. */
const rx = (memberId: string, extra: Record<string, unknown> = {}): Prescription =>
  PrescriptionSchema.parse({
    rxId: `RX-${memberId}`,
    memberId,
    drug: "Atorvastatin",
    strength: "20 mg",
    quantity: 90,
    daysSupply: 90,
    refillsRemaining: 2,
    lastFilled: "2026-01-02",
    autoRefill: false,
    status: "active",
    ...extra,
  });
const dataDir = () => join(mkdtempSync(join(tmpdir(), "rxportal-kits-")), "data");
const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("kit store", () => {
  it("keeps every profile and member id inside the folder, one way to split each name", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (profile, member) => {
        const file = kitFile("/data", profile, member);
        expect(dirname(file)).toBe(kitDir("/data"));
        expect(file.slice(kitDir("/data").length + 1).split(".")).toHaveLength(3);
      }),
      { numRuns: cases(200), seed: 31 },
    );
    expect(kitFile("/d", "a.b", "c")).not.toBe(kitFile("/d", "a", "b.c"));
    expect(kitFile("/d", "acme", "SBX100001-01")).toBe("/d/kits/acme.SBX100001-01.json");
  });

  it("saves 0600 in a 0700 folder, only the member's own prescriptions, and reads them back", async () => {
    const dir = dataDir();
    const { file, saved } = await saveKit({
      dataDir: dir,
      profile: "acme",
      username: "pat",
      self: true,
      card: card("M1"),
      prescriptions: [rx("M1"), rx("M1-01")],
      now: NOW,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(kitDir(dir)).mode & 0o777).toBe(0o700);
    expect(saved.medications.map((m) => m.rxId)).toEqual(["RX-M1"]);
    expect(saved.savedAt).toBe("2026-03-01T12:00:00.000Z");
    const found = await findSavedKit({ dataDir: dir, profile: "acme", username: "PAT" });
    expect(found?.saved).toEqual(saved);
    expect(await findSavedKit({ dataDir: dir, profile: "acme", username: "someone.else" })).toBeUndefined();
    expect(await findSavedKit({ dataDir: dir, profile: "other" })).toBeUndefined();
    expect(await findSavedKit({ dataDir: dataDir(), profile: "acme" })).toBeUndefined();
    expect(readdirSync(kitDir(dir))).toEqual(["acme.M1.json"]);
  });

  it("a damaged kit asked for by member is an error that says to save a new one; in a search it is skipped", async () => {
    const dir = dataDir();
    mkdirSync(kitDir(dir), { recursive: true });
    writeFileSync(kitFile(dir, "acme", "M9"), "{not json");
    const error = await findSavedKit({ dataDir: dir, profile: "acme", memberId: "M9" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).hint).toMatch(/rxportal kit --save/);
    await saveKit({
      dataDir: dir,
      profile: "acme",
      self: true,
      card: card("M1"),
      prescriptions: [],
      now: NOW,
    });
    expect((await findSavedKit({ dataDir: dir, profile: "acme" }))?.saved.memberId).toBe("M1");
  });

  it("keeps prescriber and pharmacy only when the portal sends them as text (or {name}); other shapes read as absent", () => {
    expect(kitMedication(rx("M1"))).not.toHaveProperty("prescriber");
    expect(kitMedication(rx("M1"))).not.toHaveProperty("nextEligibleDate");
    const full = kitMedication(rx("M1", { prescriber: "Dr. A", pharmacy: { name: "Corner Pharmacy" } }));
    expect(full).toMatchObject({ prescriber: "Dr. A", pharmacy: "Corner Pharmacy" });
    expect(kitMedication(rx("M1", { prescriber: 42, pharmacy: " " }))).not.toHaveProperty("prescriber");
    expect(kitMedication(rx("M1", { pharmacy: " " }))).not.toHaveProperty("pharmacy");
  });

  it("says how old a kit is in words", () => {
    const day = 24 * 3600 * 1000;
    const at = (days: number) => new Date(NOW - days * day).toISOString();
    expect(savedAgo(at(0), NOW)).toBe("today");
    expect(savedAgo(at(1), NOW)).toBe("yesterday");
    expect(savedAgo(at(3), NOW)).toBe("3 days ago");
    expect(savedAgo(at(21), NOW)).toBe("3 weeks ago");
    expect(savedAgo(at(200), NOW)).toBe("6 months ago");
    expect(savedAgo(new Date(NOW + day).toISOString(), NOW)).toBe("just now");
    expect(isOld(at(100), NOW)).toBe(true);
    expect(isOld(at(10), NOW)).toBe(false);
  });
});
