import { execFileSync, spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outStream, writeFully } from "./process-streams.js";

function fifo(): string {
  const path = join(mkdtempSync(join(tmpdir(), "rxportal-fifo-")), "pipe");
  execFileSync("mkfifo", [path]);
  return path;
}

/** The FIFO's write end, non-blocking. That needs a reader: retry until the reader has opened it. */
async function openWriter(path: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  throw new Error(`nobody opened ${path} for reading`);
}

describe("writeFully", () => {
  it("writes everything through a full non-blocking pipe while a slow reader drains it", async () => {
    const path = fifo();
    const out = join(mkdtempSync(join(tmpdir(), "rxportal-out-")), "copy");
    const reader = spawn("sh", ["-c", `sleep 0.2; cat "${path}" > "${out}"`]);
    const done = new Promise((resolve) => reader.on("close", resolve));
    const fd = await openWriter(path);
    const text = "0123456789abcdef".repeat(64 * 1024); // 1 MiB: far more than a pipe holds
    writeFully(fd, text);
    closeSync(fd);
    await done;
    expect(statSync(out).size).toBe(text.length);
    expect(readFileSync(out, "utf8")).toBe(text);
  });

  it("stops quietly when the reader has gone (EPIPE), as `| head` does", async () => {
    const path = fifo();
    const reader = spawn("head", ["-c", "10", path], { stdio: ["ignore", "ignore", "ignore"] });
    const fd = await openWriter(path);
    const gone = new Promise((resolve) => reader.on("close", resolve));
    writeFully(fd, "ten bytes!");
    await gone;
    expect(() => writeFully(fd, "more bytes for a reader that left")).not.toThrow();
    closeSync(fd);
  });
});

describe("outStream", () => {
  it("treats /dev/null (a character device, but no terminal) as redirected output", () => {
    const fd = openSync("/dev/null", "w");
    let created = false;
    const stream = outStream(fd, () => {
      created = true;
      return process.stdout;
    });
    stream.write("discarded\n");
    closeSync(fd);
    expect(created).toBe(false);
    expect(stream.isTTY).toBe(false);
  });

  it("is a plain synchronous writer when the descriptor is not a terminal", () => {
    const file = join(mkdtempSync(join(tmpdir(), "rxportal-out-")), "out.txt");
    const fd = openSync(file, "w");
    let created = false;
    const stream = outStream(fd, () => {
      created = true;
      return process.stdout;
    });
    stream.write("one\n");
    stream.write("two\n");
    closeSync(fd);
    expect(created).toBe(false);
    expect(stream.isTTY).toBe(false);
    expect(readFileSync(file, "utf8")).toBe("one\ntwo\n");
  });
});
