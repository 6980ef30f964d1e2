import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InterruptedError } from "../errors.js";
import {
  intentLockName,
  JournalBusyError,
  JournalFileError,
  JournalFolderError,
  type JournalResult,
  MAX_ENTRY_BYTES,
  RefillJournal,
  readJournalFile,
  STALE_LOCK_MS,
  sameRxSet,
} from "./journal.js";

const dataDir = () => mkdtempSync(join(tmpdir(), "rxportal-journal-"));
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const account = { profile: "acme", username: "pat.sample" };

const ordered = (orderId: string, settledAt = "2026-01-01T00:00:00.000Z"): JournalResult => ({
  kind: "ordered",
  orderId,
  items: [{ rxId: "RX-1", drug: "Atorvastatin" }],
  orderCreatedAt: "2026-01-01T00:00:00.000Z",
  replayed: false,
  settledAt,
});

describe("RefillJournal", () => {
  it("writes an open entry with a UUID v4 key to its own 0600 file in a 0700 folder before returning", async () => {
    const dir = dataDir();
    const journal = new RefillJournal(dir, { now: () => Date.parse("2026-03-01T10:00:00Z") });
    const entry = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-2", "RX-1"] });
    expect(entry.key).toMatch(UUID_V4);
    expect(entry).toMatchObject({ state: "open", memberId: "M1", rxIds: ["RX-2", "RX-1"] });
    expect(entry.createdAt).toBe("2026-03-01T10:00:00.000Z");
    const file = join(journal.dir, `${entry.key}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(journal.dir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(entry);
    // Only the entry: no temp file left behind.
    expect(readdirSync(journal.dir)).toEqual([`${entry.key}.json`]);
  });

  it("gives every entry a different key", async () => {
    const journal = new RefillJournal(dataDir());
    const keys = await Promise.all(
      Array.from({ length: 20 }, () => journal.create({ ...account, memberId: "M1", rxIds: ["RX-1"] })),
    );
    expect(new Set(keys.map((e) => e.key)).size).toBe(20);
  });

  it("closes an entry as done with the order id, or as refused with the portal's reasons", async () => {
    const journal = new RefillJournal(dataDir());
    const a = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-1"] });
    const b = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-3"] });
    await journal.close(a, ordered("ORD-1"));
    await journal.close(b, {
      kind: "refused",
      code: "refill_not_allowed",
      message: "The portal will not refill RX-3 (too soon).",
      reasons: [{ rxId: "RX-3", reason: "too_soon" }],
      settledAt: "2026-01-01T00:00:00.000Z",
    });
    expect(await journal.get(a.key)).toMatchObject({ state: "done", orderId: "ORD-1" });
    expect(await journal.get(b.key)).toMatchObject({
      state: "refused",
      result: { reasons: [{ rxId: "RX-3", reason: "too_soon" }] },
    });
    expect(await journal.open()).toEqual([]);
  });

  it("finds open entries of the same account and member that share a prescription", async () => {
    const journal = new RefillJournal(dataDir());
    const mine = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-1", "RX-2"] });
    await journal.create({ ...account, memberId: "M2", rxIds: ["RX-1"] });
    await journal.create({ profile: "other", username: "pat.sample", memberId: "M1", rxIds: ["RX-1"] });
    await journal.create({ ...account, username: "someone", memberId: "M1", rxIds: ["RX-1"] });
    const closed = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-2"] });
    await journal.close(closed, ordered("ORD-9"));

    const found = await journal.openFor({
      ...account,
      username: "PAT.Sample",
      memberId: "M1",
      rxIds: ["RX-2"],
    });
    expect(found.map((e) => e.key)).toEqual([mine.key]);
    expect(await journal.openFor({ ...account, memberId: "M1", rxIds: ["RX-7"] })).toEqual([]);
  });

  it("lists oldest first, skips temp and lock files, and reports a damaged file without deleting it", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const journal = new RefillJournal(dataDir(), { now: () => now });
    const first = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-1"] });
    now += 1000;
    const second = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-2"] });
    writeFileSync(join(journal.dir, ".abc123.tmp"), "{half");
    writeFileSync(join(journal.dir, "intent-x.lock"), "123");
    writeFileSync(join(journal.dir, "broken.json"), "{half");
    const { entries, damaged } = await journal.list();
    expect(entries.map((e) => e.key)).toEqual([first.key, second.key]);
    expect(damaged).toEqual([{ file: join(journal.dir, "broken.json"), problem: "not valid JSON" }]);
    expect(readdirSync(journal.dir)).toContain("broken.json");
  });

  it("keeps no secrets: only the fields of the order", async () => {
    const journal = new RefillJournal(dataDir());
    const entry = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-1"] });
    expect(Object.keys(entry).sort()).toEqual(
      ["createdAt", "key", "memberId", "profile", "rxIds", "state", "username", "version"].sort(),
    );
    // A token passed by mistake is not stored: the schema strips unknown fields.
    const sneaky = await journal.create({
      ...account,
      memberId: "M1",
      rxIds: ["RX-1"],
      ...({ accessToken: "tok-secret" } as object),
    });
    expect(readFileSync(join(journal.dir, `${sneaky.key}.json`), "utf8")).not.toContain("tok-secret");
  });

  it("prunes closed entries after 30 days and never an open one", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const journal = new RefillJournal(dataDir(), { now: () => now });
    const open = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-1"] });
    const done = await journal.create({ ...account, memberId: "M1", rxIds: ["RX-2"] });
    await journal.close(done, ordered("ORD-1", new Date(now).toISOString()));
    now += 29 * 86_400_000;
    expect(await journal.prune()).toBe(0);
    now += 2 * 86_400_000;
    expect(await journal.prune()).toBe(1);
    expect((await journal.list()).entries.map((e) => e.key)).toEqual([open.key]);
  });

  it("stays readable when many writers create and close entries at once", async () => {
    const dir = dataDir();
    // Separate instances, as separate processes would have.
    const writers = Array.from({ length: 8 }, () => new RefillJournal(dir));
    await Promise.all(
      writers.map(async (journal, i) => {
        for (let n = 0; n < 10; n++) {
          const entry = await journal.create({ ...account, memberId: `M${i}`, rxIds: [`RX-${n}`] });
          if (n % 2 === 0) await journal.close(entry, ordered(`ORD-${i}-${n}`));
        }
      }),
    );
    const { entries, damaged } = await new RefillJournal(dir).list();
    expect(damaged).toEqual([]);
    expect(entries).toHaveLength(80);
    expect(entries.filter((e) => e.state === "open")).toHaveLength(40);
    expect(readdirSync(join(dir, "refill-journal")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("lets one holder at a time into a lock, and takes over a lock whose process is gone", async () => {
    const journal = new RefillJournal(dataDir());
    const name = intentLockName("acme", "Pat", "M1");
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        journal.withLock(name, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 20));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);

    // A process id that cannot be running (above Linux's pid_max).
    writeFileSync(join(journal.dir, `${name}.lock`), "99999999");
    const started = Date.now();
    expect(await journal.withLock(name, async () => "in")).toBe("in");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readdirSync(journal.dir)).toEqual([]);
  });
});

describe("RefillJournal locks held by others", () => {
  const name = intentLockName("acme", "Pat", "M1");

  it("waits for a live holder up to waitMs, says so once, then JournalBusyError (exit 75); the lock is left alone", async () => {
    const journal = new RefillJournal(dataDir());
    mkdirSync(journal.dir, { recursive: true });
    // This very process is alive, so its pid is a live holder.
    writeFileSync(journal.lockFile(name), `${process.pid}\nsomeone-else\n`);
    let told = 0;
    const started = Date.now();
    const error = await journal
      .withLock(name, async () => "in", { waitMs: 300, onWait: () => (told += 1) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalBusyError);
    expect((error as JournalBusyError).exitCode).toBe(75);
    expect((error as JournalBusyError).message).toBe(
      "Another rxportal is ordering refills for this member; try again in a moment.",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(told).toBe(1);
    expect(readFileSync(journal.lockFile(name), "utf8")).toBe(`${process.pid}\nsomeone-else\n`);
  });

  it("Ctrl-C while waiting is InterruptedError, at once", async () => {
    const journal = new RefillJournal(dataDir());
    mkdirSync(journal.dir, { recursive: true });
    writeFileSync(journal.lockFile(name), `${process.pid}\n`);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const started = Date.now();
    await expect(
      journal.withLock(name, async () => "in", { waitMs: 5000, signal: abort.signal }),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("takes over a lock nobody touched for STALE_LOCK_MS even when its pid is alive", async () => {
    const journal = new RefillJournal(dataDir());
    mkdirSync(journal.dir, { recursive: true });
    writeFileSync(journal.lockFile(name), `${process.pid}\n`);
    const old = new Date(Date.now() - STALE_LOCK_MS - 1000);
    utimesSync(journal.lockFile(name), old, old);
    expect(await journal.withLock(name, async () => "in", { waitMs: 0 })).toBe("in");
    expect(readdirSync(journal.dir)).toEqual([]);
  });

  it("a lock taken over while held is not removed by the first holder's release", async () => {
    const journal = new RefillJournal(dataDir());
    await journal.withLock(name, async () => {
      // Someone judged this holder stale and took the lock (e.g. it was stopped with Ctrl-Z).
      writeFileSync(journal.lockFile(name), "4242\nthe-new-holder\n");
    });
    expect(readFileSync(journal.lockFile(name), "utf8")).toBe("4242\nthe-new-holder\n");
  });

  it("a lock file is never seen empty: it holds the pid from the moment it exists", async () => {
    const journal = new RefillJournal(dataDir());
    const seen: string[] = [];
    await journal.withLock(name, async () => {
      seen.push(readFileSync(journal.lockFile(name), "utf8"));
    });
    expect(seen[0]).toMatch(new RegExp(`^${process.pid}\n[0-9a-f]{16}\n$`));
    // No temp file is left behind either.
    expect(readdirSync(journal.dir)).toEqual([]);
  });
});

describe("readJournalFile", () => {
  it("reads a regular file up to MAX_ENTRY_BYTES whole, and refuses one byte more (exit 78, naming it)", async () => {
    const dir = dataDir();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -64, max: 64 }), async (delta) => {
        const size = Math.max(0, MAX_ENTRY_BYTES + delta);
        const file = join(dir, `f${size}.json`);
        writeFileSync(file, "x".repeat(size));
        if (size <= MAX_ENTRY_BYTES) {
          expect((await readJournalFile(file))?.length).toBe(size);
        } else {
          const error = await readJournalFile(file).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(JournalFileError);
          expect((error as JournalFileError).exitCode).toBe(78);
          expect((error as JournalFileError).message).toBe(
            `${file} is ${size} bytes, more than a journal entry can be (at most ${MAX_ENTRY_BYTES}); the refill journal holds only files rxportal wrote.`,
          );
        }
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it("is undefined for a file that does not exist, and refuses a folder without reading it", async () => {
    const dir = dataDir();
    expect(await readJournalFile(join(dir, "none.json"))).toBeUndefined();
    mkdirSync(join(dir, "d.json"));
    await expect(readJournalFile(join(dir, "d.json"))).rejects.toThrow("is not a regular file (a folder)");
  });

  it("list() refuses the whole journal for a file that is not regular (skipping it could hide an open order)", async () => {
    const journal = new RefillJournal(dataDir());
    await journal.create({ ...account, memberId: "M1", rxIds: ["RX-1"] });
    mkdirSync(join(journal.dir, "0f8fad5b-d9cb-469f-a165-70867728950e.json"));
    await expect(journal.list()).rejects.toBeInstanceOf(JournalFileError);
  });

  it("list() refuses a journal folder that is not one (exit 78, naming it), and leaves it there", async () => {
    const journal = new RefillJournal(dataDir());
    writeFileSync(journal.dir, "not a folder");
    const error = await journal.list().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JournalFolderError);
    expect(error).toMatchObject({ exitCode: 78, file: journal.dir });
    expect((error as Error).message).toBe(`The refill journal's folder ${journal.dir} is not a folder.`);
    expect(readFileSync(journal.dir, "utf8")).toBe("not a folder");
    // A data folder that is itself a file: the same answer, not an internal error.
    const file = join(dataDir(), "data");
    writeFileSync(file, "");
    await expect(new RefillJournal(file).open()).rejects.toBeInstanceOf(JournalFolderError);
  });
});

describe("recentOrderFor", () => {
  const WINDOW = 10 * 60 * 1000;
  const NOW = Date.parse("2026-03-01T10:00:00Z");
  const RX = ["RX-1", "RX-2", "RX-3"];

  it("finds the newest ordered entry of this account for exactly these prescriptions within the window, never a refused one", async () => {
    const spec = fc.record({
      ageMs: fc.integer({ min: -1000, max: 2 * WINDOW }),
      state: fc.constantFrom("open", "done", "refused"),
      rxIds: fc
        .subarray(RX, { minLength: 1 })
        .chain((set) => fc.shuffledSubarray(set, { minLength: set.length })),
      memberId: fc.constantFrom("M1", "M2"),
      username: fc.constantFrom("pat.sample", "PAT.SAMPLE", "other"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { maxLength: 6 }),
        fc.subarray(RX, { minLength: 1 }),
        async (specs, wanted) => {
          const journal = new RefillJournal(dataDir(), { now: () => NOW });
          const made = [];
          for (const [i, e] of specs.entries()) {
            const entry = await journal.create({
              profile: "acme",
              username: e.username,
              memberId: e.memberId,
              rxIds: e.rxIds,
            });
            const settledAt = new Date(NOW - e.ageMs - i).toISOString();
            if (e.state === "done") await journal.close(entry, ordered(`ORD-${i}`, settledAt));
            if (e.state === "refused")
              await journal.close(entry, {
                kind: "refused",
                code: "refill_not_allowed",
                message: "no",
                reasons: [],
                settledAt,
              });
            made.push({ ...e, key: entry.key, settled: NOW - e.ageMs - i });
          }
          const expected = made
            .filter(
              (e) =>
                e.state === "done" &&
                e.settled >= NOW - WINDOW &&
                e.memberId === "M1" &&
                e.username.toLowerCase() === "pat.sample" &&
                sameRxSet(e.rxIds, wanted),
            )
            .sort((a, b) => a.settled - b.settled)
            .at(-1);
          const found = await journal.recentOrderFor(
            { profile: "acme", username: "pat.sample", memberId: "M1", rxIds: wanted },
            WINDOW,
          );
          expect(found?.key).toBe(expected?.key);
          // Another profile never matches.
          expect(
            await journal.recentOrderFor(
              { profile: "other", username: "pat.sample", memberId: "M1", rxIds: wanted },
              WINDOW,
            ),
          ).toBeUndefined();
        },
      ),
      { numRuns: 40, seed: 5 },
    );
  });
});

describe("sameRxSet", () => {
  it("ignores order and repeats, and nothing else", () => {
    expect(sameRxSet(["A", "B"], ["B", "A", "A"])).toBe(true);
    expect(sameRxSet(["A"], ["A", "B"])).toBe(false);
    expect(sameRxSet(["A", "C"], ["A", "B"])).toBe(false);
  });
});
