// The offline ID card store: names that cannot leave the folder, whose card "mine" is, private modes.
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CliError } from "../errors.js";
import { findSavedIdCard, idCardDir, idCardFile, saveIdCard } from "./id-card-store.js";

const card = (memberId: string, name = "Alice") => ({
  memberId,
  name,
  plan: "P",
  group: "G",
  bin: "1",
  pcn: "2",
  issuer: "I",
  effectiveDate: "2026-01-01",
  helpPhone: "1",
});
const dataDir = () => join(mkdtempSync(join(tmpdir(), "rxportal-cards-")), "data");

describe("id card store", () => {
  it("keeps every profile and member id inside the folder, one way to split each name", () => {
    const dir = "/data";
    for (const [profile, member] of [
      ["..", "x"],
      ["a", "../../etc/passwd"],
      ["a.b", "c"],
      ["a", "b.c"],
      ["p", "M/1"],
    ] as const) {
      const file = idCardFile(dir, profile, member);
      expect(dirname(file)).toBe(idCardDir(dir));
      expect(file.slice(idCardDir(dir).length + 1).split(".")).toHaveLength(3);
    }
    expect(idCardFile(dir, "a.b", "c")).not.toBe(idCardFile(dir, "a", "b.c"));
    expect(idCardFile(dir, "acme", "SBX100001-01")).toBe("/data/id-cards/acme.SBX100001-01.json");
  });

  it("saves 0600 in a 0700 folder, and reads it back", async () => {
    const data = dataDir();
    const { file } = await saveIdCard({
      dataDir: data,
      profile: "p",
      username: "u",
      self: true,
      card: card("M1"),
      now: 0,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(idCardDir(data)).mode & 0o777).toBe(0o700);
    const found = await findSavedIdCard({ dataDir: data, profile: "p", memberId: "M1" });
    expect(found?.saved).toMatchObject({ self: true, username: "u", savedAt: "1970-01-01T00:00:00.000Z" });
    expect(readdirSync(idCardDir(data))).toEqual(["p.M1.json"]);
  });

  it("without a member id, finds the own card of the username in force, never another person's", async () => {
    const data = dataDir();
    await saveIdCard({
      dataDir: data,
      profile: "p",
      username: "ann",
      self: true,
      card: card("A1", "Ann"),
      now: 1000,
    });
    await saveIdCard({
      dataDir: data,
      profile: "p",
      username: "bob",
      self: true,
      card: card("B1", "Bob"),
      now: 2000,
    });
    await saveIdCard({
      dataDir: data,
      profile: "p",
      username: "bob",
      self: false,
      card: card("B1-01"),
      now: 3000,
    });
    await saveIdCard({
      dataDir: data,
      profile: "q",
      username: "ann",
      self: true,
      card: card("Q1"),
      now: 4000,
    });
    expect(
      (await findSavedIdCard({ dataDir: data, profile: "p", username: "ANN" }))?.saved.card.memberId,
    ).toBe("A1");
    expect(
      (await findSavedIdCard({ dataDir: data, profile: "p", username: "bob" }))?.saved.card.memberId,
    ).toBe("B1");
    expect(await findSavedIdCard({ dataDir: data, profile: "p", username: "cy" })).toBeUndefined();
    // Nobody known: the newest own card on the profile.
    expect((await findSavedIdCard({ dataDir: data, profile: "p" }))?.saved.card.memberId).toBe("B1");
    expect(await findSavedIdCard({ dataDir: dataDir(), profile: "p" })).toBeUndefined();
  });

  it("saving one's own card again with --member keeps it marked as one's own", async () => {
    const data = dataDir();
    await saveIdCard({ dataDir: data, profile: "p", username: "ann", self: true, card: card("A1"), now: 0 });
    await saveIdCard({ dataDir: data, profile: "p", username: "ann", self: false, card: card("A1"), now: 1 });
    expect((await findSavedIdCard({ dataDir: data, profile: "p", username: "ann" }))?.saved.self).toBe(true);
  });

  it("a damaged copy asked for by member id is an error naming the file (exit 1); in a search it is skipped", async () => {
    const data = dataDir();
    await saveIdCard({ dataDir: data, profile: "p", username: "ann", self: true, card: card("A1"), now: 0 });
    const file = idCardFile(data, "p", "B1");
    mkdirSync(idCardDir(data), { recursive: true });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.constant(
            JSON.stringify({ version: 1, savedAt: "yesterday", profile: "p", self: true, card: {} }),
          ),
        ),
        async (bytes) => {
          writeFileSync(file, bytes);
          const error = await findSavedIdCard({ dataDir: data, profile: "p", memberId: "B1" }).catch(
            (e) => e,
          );
          expect(error).toBeInstanceOf(CliError);
          expect((error as CliError).exitCode).toBe(1);
          expect((error as CliError).message).toBe(`The saved ID card ${file} cannot be read.`);
          expect((await findSavedIdCard({ dataDir: data, profile: "p" }))?.saved.card.memberId).toBe("A1");
          // Saving over a damaged copy replaces it.
          await saveIdCard({ dataDir: data, profile: "p", self: false, card: card("B1"), now: 1 });
          expect((await findSavedIdCard({ dataDir: data, profile: "p", memberId: "B1" }))?.saved.self).toBe(
            false,
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});
