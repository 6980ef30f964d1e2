import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { PortalRefusedError, TryLaterError } from "../errors.js";
import {
  type FailureKind,
  FileGuardStore,
  hashKey,
  LockoutGuard,
  MemoryGuardStore,
  RESERVE_ATTEMPTS,
} from "./lockout-guard.js";

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
    const files = readdirSync(join(dir, "lockout-guard")).filter((f) => f.endsWith(".json"));
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, "lockout-guard", files[0] ?? "")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "lockout-guard")).mode & 0o777).toBe(0o700);
    clock.advance(25 * 60 * 60_000);
    await expect(guard.check("p", "pat", 2)).resolves.toMatchObject({ failures: 0 });
  });
});

/** A portal's password step in miniature: counts failures, locks at max, tells attemptsRemaining. */
function fakePortal(max: number, failuresBefore = 0) {
  let failures = failuresBefore;
  let locked = failuresBefore >= max;
  let inFlight = 0;
  let overlapped = false;
  return {
    get locked() {
      return locked;
    },
    get overlapped() {
      return overlapped;
    },
    get failures() {
      return failures;
    },
    async login(right: boolean, tellRemaining: boolean): Promise<string> {
      inFlight += 1;
      if (inFlight > 1) overlapped = true;
      await new Promise((r) => setTimeout(r, 1 + Math.random() * 3));
      inFlight -= 1;
      if (locked) throw new TryLaterError("locked", { code: "account_locked" });
      if (right) {
        failures = 0;
        return "ok";
      }
      failures += 1;
      if (failures >= max) {
        locked = true;
        throw new TryLaterError("locked", { code: "account_locked" });
      }
      throw new PortalRefusedError("no", {
        code: "invalid_credentials",
        problem: tellRemaining ? { attemptsRemaining: max - failures } : {},
      });
    },
  };
}

const classify = (error: unknown): FailureKind => {
  if (error instanceof PortalRefusedError) {
    const r = error.problem?.attemptsRemaining;
    return { kind: "refused", attemptsRemaining: typeof r === "number" ? r : undefined };
  }
  if (error instanceof TryLaterError && error.code === "account_locked") return { kind: "locked" };
  return { kind: "other" };
};

describe("LockoutGuard.attempt: check, attempt and record as one step", () => {
  it("many wrong passwords at once never lock the account, whatever the portal's max and earlier failures", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 2, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        async (max, earlierOnWebsite, parallel, tellRemaining, memory) => {
          fc.pre(earlierOnWebsite < max - RESERVE_ATTEMPTS);
          const { dir, clock } = fresh();
          // Two guards on one folder stand for two processes; the memory store for --sandbox.
          const shared = memory ? new MemoryGuardStore() : undefined;
          const guards = [0, 1].map(() => new LockoutGuard(shared ?? dir, clock));
          const portal = fakePortal(max, earlierOnWebsite);
          // The portal's first answer tells the guard about the website's failures (when it says).
          const results = await Promise.all(
            Array.from({ length: parallel }, (_, i) =>
              (guards[i % 2] as LockoutGuard)
                .attempt(
                  "p",
                  "pat",
                  max,
                  { budget: { waitMs: 10_000 } },
                  () => portal.login(false, tellRemaining),
                  classify,
                )
                .catch((e: unknown) => e),
            ),
          );
          expect(portal.overlapped).toBe(false);
          if (tellRemaining || earlierOnWebsite === 0) expect(portal.locked).toBe(false);
          const refusedByGuard = results.filter(
            (r) => r instanceof TryLaterError && (r.code === "lockout_guard" || r.code === "account_locked"),
          );
          if (parallel > max) expect(refusedByGuard.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40, seed: 20261201 },
    );
  });

  it("health's rule: no attempt at all once a refusal is on record", async () => {
    const { guard } = fresh();
    const portal = fakePortal(5);
    const once = await guard.attempt(
      "p",
      "mon",
      5,
      { stopAfterRefusal: true, budget: { waitMs: 1000 } },
      () => portal.login(false, true),
      classify,
    );
    expect(once.ok).toBe(false);
    const again = await guard
      .attempt(
        "p",
        "mon",
        5,
        { stopAfterRefusal: true, budget: { waitMs: 1000 } },
        () => portal.login(true, true),
        classify,
      )
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(TryLaterError);
    expect((again as TryLaterError).message).toMatch(
      /never retries a refused password \(4 attempts are left/,
    );
    expect(portal.failures).toBe(1);
  });

  it("a success clears the record; an old lockout-guard.json is still read", async () => {
    const { dir, clock } = fresh();
    writeFileSync(
      join(dir, "lockout-guard.json"),
      JSON.stringify({ "p\u0000pat": { failures: 4, lastFailureAt: new Date(clock.now()).toISOString() } }),
    );
    const guard = new LockoutGuard(dir, clock);
    await expect(guard.check("p", "pat", 5)).rejects.toThrow(/4 attempts in a row failed/);
    const portal = fakePortal(5);
    const ok = await guard.attempt(
      "p",
      "pat",
      5,
      { force: true, budget: { waitMs: 1000 } },
      () => portal.login(true, true),
      classify,
    );
    expect(ok.ok).toBe(true);
    await expect(guard.check("p", "pat", 5)).resolves.toMatchObject({ failures: 0 });
  });

  it("reads a damaged or wrong-shaped file as no entry (the old lockout-guard.json still speaks), never throws", async () => {
    const { dir, clock } = fresh();
    const store = new FileGuardStore(dir);
    const at = new Date(clock.now()).toISOString();
    await store.write("p\u0000pat", { failures: 2, lastFailureAt: at });
    const [name] = readdirSync(join(dir, "lockout-guard"));
    const own = join(dir, "lockout-guard", name as string);
    expect(JSON.parse(readFileSync(own, "utf8"))).toEqual({
      key: "p\u0000pat",
      failures: 2,
      lastFailureAt: at,
    });
    expect(await store.read("p\u0000pat")).toEqual({ failures: 2, lastFailureAt: at });
    writeFileSync(join(dir, "lockout-guard.json"), JSON.stringify({ "p\u0000pat": { failures: 3 }, x: 1 }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (bytes) => {
          writeFileSync(own, bytes);
          const entry = await store.read("p\u0000pat");
          expect([undefined, 3]).toContain(entry?.failures);
        },
      ),
      { numRuns: 60 },
    );
    writeFileSync(own, JSON.stringify({ failures: "many" }));
    expect(await store.read("p\u0000pat")).toEqual({ failures: 3 });
    writeFileSync(join(dir, "lockout-guard.json"), "{ damaged");
    expect(await store.read("p\u0000pat")).toBeUndefined();
    // A cleared entry hides the old file's.
    writeFileSync(join(dir, "lockout-guard.json"), JSON.stringify({ "p\u0000pat": { failures: 3 } }));
    await store.write("p\u0000pat", undefined);
    expect(await store.read("p\u0000pat")).toBeUndefined();
    expect(statSync(own).mode & 0o777).toBe(0o600);
  });
});

describe("guard file names", () => {
  const nodeDigest = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 32);

  it("are the SHA-256 node:crypto gives, for any profile and username", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 30 }),
        fc.string({ unit: "binary", maxLength: 80 }),
        (profile, username) => {
          const key = `${profile}\u0000${username.toLowerCase()}`;
          expect(hashKey(key)).toBe(nodeDigest(key));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("find the file an earlier version wrote (named with node:crypto)", async () => {
    const { dir, clock, guard } = fresh();
    mkdirSync(join(dir, "lockout-guard"), { recursive: true });
    const entry = { key: "p\u0000ana", failures: 2, lastFailureAt: new Date(clock.now()).toISOString() };
    writeFileSync(join(dir, "lockout-guard", `${nodeDigest("p\u0000ana")}.json`), JSON.stringify(entry));
    expect((await guard.status("p", "Ana", 5)).failures).toBe(2);
  });
});
