import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { TryLaterError } from "../errors.js";
import { LockoutGuard } from "./lockout-guard.js";

const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), "rxportal-guard-"));
  const clock = new ManualClock(Date.parse("2026-11-23T12:00:00Z"));
  return { dir, clock, guard: new LockoutGuard(dir, clock) };
};

describe("LockoutGuard", () => {
  it("allows attempts until one more failure could lock, then refuses with exit 75", async () => {
    const { guard } = fresh();
    for (let i = 0; i < 3; i++) {
      await guard.check("p", "Pat", 5);
      await guard.recordFailure("p", "pat", 5);
    }
    await expect(guard.check("p", "PAT", 5)).resolves.toMatchObject({ failures: 3, attemptsLeft: 2 });
    await guard.recordFailure("p", "pat", 5);
    const error = await guard.check("p", "pat", 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TryLaterError);
    expect((error as TryLaterError).exitCode).toBe(75);
    expect((error as TryLaterError).message).toMatch(/4 attempts in a row failed/);
    expect((error as TryLaterError).hint).toMatch(/rxportal reset/);
    await expect(guard.check("p", "pat", 5, true)).resolves.toMatchObject({ attemptsLeft: 1 });
  });

  it("takes the portal's attemptsRemaining over its own count", async () => {
    const { guard } = fresh();
    expect(await guard.recordFailure("p", "pat", 5, 1)).toEqual({ failures: 4, attemptsLeft: 1 });
    await expect(guard.check("p", "pat", 5)).rejects.toThrow(TryLaterError);
  });

  it("keeps counts per profile and username, and clears them after success", async () => {
    const { guard } = fresh();
    await guard.recordFailure("p", "pat", 3);
    await guard.recordFailure("p", "pat", 3);
    await expect(guard.check("p", "pat", 3)).rejects.toThrow(TryLaterError);
    await expect(guard.check("q", "pat", 3)).resolves.toMatchObject({ failures: 0 });
    await expect(guard.check("p", "sam", 3)).resolves.toMatchObject({ failures: 0 });
    await guard.clear("p", "pat");
    await expect(guard.check("p", "pat", 3)).resolves.toMatchObject({ failures: 0 });
  });

  it("refuses while a known lock lasts and forgets it afterwards", async () => {
    const { guard, clock } = fresh();
    await guard.recordLocked("p", "pat", 5, new Date(clock.now() + 10 * 60_000));
    const error = (await guard.check("p", "pat", 5).catch((e: unknown) => e)) as TryLaterError;
    expect(error.code).toBe("account_locked");
    expect(error.lockedUntil?.toISOString()).toBe("2026-11-23T12:10:00.000Z");
    clock.advance(11 * 60_000);
    await expect(guard.check("p", "pat", 5)).resolves.toMatchObject({ failures: 0 });
  });

  it("forgets failures after a day and keeps its file private", async () => {
    const { guard, clock, dir } = fresh();
    await guard.recordFailure("p", "pat", 2);
    await expect(guard.check("p", "pat", 2)).rejects.toThrow(TryLaterError);
    expect(statSync(join(dir, "lockout-guard.json")).mode & 0o777).toBe(0o600);
    clock.advance(25 * 60 * 60_000);
    await expect(guard.check("p", "pat", 2)).resolves.toMatchObject({ failures: 0 });
  });
});
