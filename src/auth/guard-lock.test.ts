import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FileLock, LockBusyError, lockToken } from "./guard-lock.js";

const dir = () => mkdtempSync(join(tmpdir(), "rxportal-lock-"));
const holder = (over: Record<string, unknown>) =>
  JSON.stringify({ pid: 999_999, host: "here", at: Date.now(), token: "t0", ...over });

describe("FileLock", () => {
  it("serialises work: no two holders at once, whatever the number and timing of waiters", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 10 }),
        async (delays) => {
          const file = join(dir(), "x.lock");
          let inside = 0;
          let most = 0;
          await Promise.all(
            delays.map((ms) =>
              new FileLock(file, { waitMs: 10_000, staleMs: 60_000 }).with(async () => {
                inside += 1;
                most = Math.max(most, inside);
                await new Promise((r) => setTimeout(r, ms));
                inside -= 1;
              }),
            ),
          );
          expect(most).toBe(1);
          expect(existsSync(file)).toBe(false);
        },
      ),
      { numRuns: 15, seed: 7 },
    );
  });

  it("takes over a lock whose pid is dead on this host", async () => {
    const file = join(dir(), "x.lock");
    writeFileSync(file, holder({}));
    const lock = new FileLock(file, { waitMs: 200, staleMs: 60_000, host: "here", isAlive: () => false });
    await expect(lock.with(async () => JSON.parse(readFileSync(file, "utf8")).pid)).resolves.toBe(
      process.pid,
    );
  });

  it("waits for a live holder on another host until its budget ends, then takes over an old one", async () => {
    const file = join(dir(), "x.lock");
    writeFileSync(file, holder({ host: "elsewhere" }));
    const busy = await new FileLock(file, {
      waitMs: 150,
      staleMs: 60_000,
      host: "here",
      isAlive: () => false,
    })
      .with(async () => "got it")
      .catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(LockBusyError);
    expect((busy as LockBusyError).holder?.host).toBe("elsewhere");
    writeFileSync(file, holder({ host: "elsewhere", at: Date.now() - 120_000 }));
    await expect(
      new FileLock(file, { waitMs: 150, staleMs: 60_000, host: "here" }).with(async () => "got it"),
    ).resolves.toBe("got it");
  });

  it("releases on failure, and never removes a lock that is not its own", async () => {
    const file = join(dir(), "x.lock");
    const lock = new FileLock(file, { waitMs: 200, staleMs: 60_000 });
    await expect(lock.with(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(existsSync(file)).toBe(false);
    await lock.with(async () => {
      writeFileSync(file, holder({ token: "someone-else" }));
    });
    expect(JSON.parse(readFileSync(file, "utf8")).token).toBe("someone-else");
  });
});

describe("lockToken", () => {
  it("is 16 hex digits, and 10,000 of them are all different", () => {
    const tokens = Array.from({ length: 10_000 }, lockToken);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
