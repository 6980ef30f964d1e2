import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonFile, writePrivateFile } from "./files.js";

describe("writePrivateFile", () => {
  it("creates the folder 0700 and the file 0600, and leaves no temp file", async () => {
    const root = mkdtempSync(join(tmpdir(), "rxportal-files-"));
    const file = join(root, "a", "b", "state.json");
    await writePrivateFile(file, '{"x":1}');
    expect(statSync(join(root, "a", "b")).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe('{"x":1}');
    await writePrivateFile(file, '{"x":2}');
    expect(await readJsonFile(file)).toEqual({ x: 2 });
    expect(readdirSync(join(root, "a", "b"))).toEqual(["state.json"]);
  });

  it("reads a missing file as undefined", async () => {
    expect(await readJsonFile(join(tmpdir(), "rxportal-nope", "x.json"))).toBeUndefined();
  });
});
