import { execFileSync } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { readUserFile, readUserFileIfExists, writePrivateFile } from "./files.js";

describe("writePrivateFile", () => {
  it("creates the folder 0700 and the file 0600, and leaves no temp file", async () => {
    const root = mkdtempSync(join(tmpdir(), "rxportal-files-"));
    const file = join(root, "a", "b", "state.json");
    await writePrivateFile(file, '{"x":1}');
    expect(statSync(join(root, "a", "b")).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe('{"x":1}');
    await writePrivateFile(file, '{"x":2}');
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ x: 2 });
    expect(readdirSync(join(root, "a", "b"))).toEqual(["state.json"]);
  });
});

describe("readUserFile", () => {
  const root = mkdtempSync(join(tmpdir(), "rxportal-read-"));
  const file = (name: string, data: string | Uint8Array) => {
    const path = join(root, name);
    writeFileSync(path, data);
    return path;
  };
  const refusal = (path: string, maxBytes = 1024) => {
    try {
      readUserFile(path, { maxBytes });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(78);
      expect((error as ConfigError).file).toBe(path);
      return (error as Error).message;
    }
    throw new Error(`${path} was read`);
  };

  it("reads a regular UTF-8 file and drops a BOM", () => {
    expect(readUserFile(file("a.yaml", "\uFEFFa: 1\n"), { maxBytes: 1024 })).toBe("a: 1\n");
  });

  it("returns any text under the cap unchanged", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }).filter((s) => !s.includes("\0") && !s.startsWith("\uFEFF")),
        (text) => {
          const bytes = Buffer.from(text, "utf8");
          // Lone surrogates are not UTF-8; what Node writes for them is U+FFFD, which is fine text.
          const path = file("p.txt", bytes);
          expect(readUserFile(path, { maxBytes: 4096 })).toBe(bytes.toString("utf8"));
        },
      ),
      { numRuns: 100, seed: 4 },
    );
  });

  it("refuses a FIFO at once instead of waiting for a writer", () => {
    const fifo = join(root, "fifo");
    execFileSync("mkfifo", [fifo]);
    const started = Date.now();
    expect(refusal(fifo)).toBe(`${fifo}: is a named pipe (FIFO), not a regular file.`);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("refuses devices, folders, symlink loops and missing files, each in words", () => {
    expect(refusal("/dev/zero")).toBe("/dev/zero: is a device, not a regular file.");
    expect(refusal(root)).toBe(`${root}: is a folder, not a file.`);
    const a = join(root, "loop-a");
    const b = join(root, "loop-b");
    symlinkSync(a, b);
    symlinkSync(b, a);
    expect(refusal(a)).toBe(`${a}: too many symbolic links (a symlink loop?).`);
    expect(refusal(join(root, "nope"))).toBe(`${join(root, "nope")}: no such file.`);
    const notDir = file("plain", "x");
    expect(refusal(join(notDir, "x"))).toBe(`${join(notDir, "x")}: a part of the path is not a folder.`);
  });

  it("refuses a huge (sparse) file from its size, without reading it", () => {
    const big = join(root, "big.yaml");
    writeFileSync(big, "");
    truncateSync(big, 1024 ** 3);
    const started = Date.now();
    expect(refusal(big)).toBe(`${big}: is too large (1024 MiB; at most 1 KiB is read).`);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("refuses NUL bytes and invalid UTF-8, saying where", () => {
    expect(refusal(file("nul", "a: 1\nb: \0\n"))).toMatch(
      /is not a text file \(a NUL byte at line 2, byte 9\)\.$/,
    );
    expect(refusal(file("latin1", Buffer.from([0x61, 0x0a, 0xe9, 0x0a])))).toMatch(
      /is not UTF-8 text \(invalid bytes at line 2\); save it as UTF-8\.$/,
    );
  });

  it("lets the caller refuse on the open file's stat, and names the context", () => {
    const path = file("mode", "x");
    expect(() =>
      readUserFile(path, {
        maxBytes: 10,
        check: () => {
          throw new Error("refused by check");
        },
      }),
    ).toThrow("refused by check");
    expect(() => readUserFile(join(root, "gone"), { maxBytes: 10, context: "(named by --config)" })).toThrow(
      `${join(root, "gone")}: no such file (named by --config).`,
    );
    expect(readUserFileIfExists(join(root, "gone"), { maxBytes: 10 })).toBeUndefined();
  });
});
