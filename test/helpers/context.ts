// A context for in-process tests: string buffers instead of a terminal, a temp HOME-like folder.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Clock } from "../../src/clock.js";
import { type AppContext, createContext } from "../../src/context.js";

export class Buffer {
  text = "";
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface TestContext {
  ctx: AppContext;
  stdout: Buffer;
  stderr: Buffer;
  dir: string;
}

export function testContext(
  opts: {
    env?: Record<string, string>;
    fetch?: typeof globalThis.fetch;
    clock?: Clock;
    signal?: AbortSignal;
  } = {},
): TestContext {
  const dir = mkdtempSync(join(tmpdir(), "rxportal-test-"));
  const stdout = new Buffer();
  const stderr = new Buffer();
  const ctx = createContext({
    io: { stdout, stderr, stdin: new PassThrough() },
    env: { ...opts.env },
    cwd: dir,
    paths: { configDir: join(dir, "config"), dataDir: join(dir, "data") },
    clock: opts.clock,
    signal: opts.signal,
    fetchOverride: opts.fetch ?? globalThis.fetch,
  });
  return { ctx, stdout, stderr, dir };
}
