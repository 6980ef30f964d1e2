// code-refusals.json: per profile and username, private, a damaged file or entry read as nothing.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clearCodeRefusal, lastCodeRefusal, recordCodeRefusal } from "./code-record.js";

const where = () => ({ paths: { dataDir: join(mkdtempSync(join(tmpdir(), "rxportal-codes-")), "data") } });
const refusal = { at: "2026-01-01T20:02:00Z", problem: "invalid_code", firstSentAt: "2026-01-01T20:00:00Z" };
const fileOf = (at: { paths: { dataDir: string } }) => join(at.paths.dataDir, "code-refusals.json");

describe("code record", () => {
  it("records per profile and username (any case), 0600, and clears after a success", async () => {
    const at = where();
    await clearCodeRefusal(at, "acme", "Pat");
    expect(() => statSync(fileOf(at))).toThrow();
    await recordCodeRefusal(at, "acme", "Pat", { ...refusal, resentAt: "2026-01-01T20:01:00Z" });
    await recordCodeRefusal(at, "other", "pat", refusal);
    expect(statSync(fileOf(at)).mode & 0o777).toBe(0o600);
    expect(await lastCodeRefusal(at, "acme", "pat")).toEqual({
      ...refusal,
      resentAt: "2026-01-01T20:01:00Z",
    });
    expect(await lastCodeRefusal(at, "acme", "sam")).toBeUndefined();
    await clearCodeRefusal(at, "acme", "PAT");
    expect(await lastCodeRefusal(at, "acme", "pat")).toBeUndefined();
    expect(await lastCodeRefusal(at, "other", "pat")).toEqual(refusal);
    expect(Object.keys(JSON.parse(readFileSync(fileOf(at), "utf8")))).toEqual(["other\u0000pat"]);
  });

  it("reads a damaged file as no record, never throws, and a new refusal replaces it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (bytes) => {
          const at = where();
          mkdirSync(at.paths.dataDir, { recursive: true });
          writeFileSync(fileOf(at), bytes);
          expect(await lastCodeRefusal(at, "acme", "pat")).toBeUndefined();
          await recordCodeRefusal(at, "acme", "pat", refusal);
          expect(await lastCodeRefusal(at, "acme", "pat")).toEqual(refusal);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("drops an entry of the wrong shape and keeps the others", async () => {
    const at = where();
    mkdirSync(at.paths.dataDir, { recursive: true });
    writeFileSync(fileOf(at), JSON.stringify({ "acme\u0000pat": { at: 5 }, "acme\u0000sam": refusal }));
    expect(await lastCodeRefusal(at, "acme", "pat")).toBeUndefined();
    expect(await lastCodeRefusal(at, "acme", "sam")).toEqual(refusal);
  });
});
