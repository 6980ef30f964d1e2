// users.json: the last username per profile, kept privately, a damaged file read as empty.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastUsername, rememberUsername } from "./users.js";

const where = () => ({ paths: { dataDir: join(mkdtempSync(join(tmpdir(), "rxportal-users-")), "data") } });

describe("users.json", () => {
  it("remembers and forgets the last username per profile, in a 0600 file", async () => {
    const at = where();
    expect(await lastUsername(at, "acme")).toBeUndefined();
    await rememberUsername(at, "acme", "pat");
    await rememberUsername(at, "other", "sam");
    expect(await lastUsername(at, "acme")).toBe("pat");
    const file = join(at.paths.dataDir, "users.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(at.paths.dataDir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ acme: "pat", other: "sam" });
    await rememberUsername(at, "acme", undefined);
    expect(await lastUsername(at, "acme")).toBeUndefined();
    expect(await lastUsername(at, "other")).toBe("sam");
  });

  it("a profile named like an Object property is only a name", async () => {
    const at = where();
    expect(await lastUsername(at, "constructor")).toBeUndefined();
    await rememberUsername(at, "toString", "pat");
    expect(await lastUsername(at, "toString")).toBe("pat");
  });

  it("reads any damaged file as empty (never throws), and the next sign-in writes a good one", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (bytes) => {
          const at = where();
          mkdirSync(at.paths.dataDir, { recursive: true });
          writeFileSync(join(at.paths.dataDir, "users.json"), bytes);
          const name = await lastUsername(at, "acme");
          expect(name === undefined || typeof name === "string").toBe(true);
          await rememberUsername(at, "acme", "pat");
          expect(await lastUsername(at, "acme")).toBe("pat");
        },
      ),
      { numRuns: 40 },
    );
  });

  it("keeps the good entries of a file with a bad one", async () => {
    const at = where();
    mkdirSync(at.paths.dataDir, { recursive: true });
    writeFileSync(join(at.paths.dataDir, "users.json"), JSON.stringify({ acme: "pat", bad: 5 }));
    expect(await lastUsername(at, "acme")).toBe("pat");
    expect(await lastUsername(at, "bad")).toBeUndefined();
  });
});
