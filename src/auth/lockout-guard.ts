// The lockout guard: rxportal must never be the cause of a locked account. It counts failed
// sign-ins per profile and username and refuses the attempt that could spend the portal's last
// ones (it keeps RESERVE_ATTEMPTS for the member). The portal's `attemptsRemaining`, whenever it is
// sent, is the truth (failures made on the website count too).
//
// Across processes: the check, the password request and the record of its answer are ONE step
// under a lock file per username and profile (guard-lock.ts), so ten `login`s or `health --login`s
// started together are served one after the other and the guard sees every answer before the next
// attempt. State: one private file per username in <state>/lockout-guard/ (0700 folder, 0600
// files); the single lockout-guard.json of earlier versions is still read. A damaged, unreadable
// or wrong-shaped file reads as no entry (as it always did): the guard then counts from zero, and
// the portal's own `attemptsRemaining` corrects it at the next refusal.
//
// A fresh container has no memory of earlier runs: point RXPORTAL_STATE_DIR at a folder that
// every run shares, or the first attempt of each run is unguarded.

import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { Clock } from "../clock.js";
import { said, TryLaterError } from "../errors.js";
import { ensurePrivateDir } from "../state/files.js";
import { type JsonStore, jsonStore } from "../state/json-store.js";
import {
  check,
  number,
  object,
  optional,
  boolean as plainBoolean,
  recordOf,
  string,
} from "../state/shapes.js";
import { formatLocalTime } from "../ui/output.js";
import { FileLock, LockBusyError } from "./guard-lock.js";

export interface GuardEntry {
  failures: number;
  /** What the portal said with its last refusal; wins over `failures` when present. */
  attemptsRemaining?: number;
  lastFailureAt?: string;
  lockedUntil?: string;
}

// Checked by hand (src/state/shapes.ts), without zod: every sign-in reads the guard.
const entryShape = {
  failures: number,
  attemptsRemaining: optional(number),
  lastFailureAt: optional(string),
  lockedUntil: optional(string),
};
export const GuardEntrySchema = object<GuardEntry>(entryShape);

/** <state>/lockout-guard/<hash>.json: one entry, its key, and whether a success cleared it. */
type GuardFile = GuardEntry & { key?: string; cleared?: boolean };
export const GuardFileSchema = object<GuardFile>({
  ...entryShape,
  key: optional(string),
  cleared: optional(plainBoolean),
});

/** The lockout-guard.json of earlier versions: key → entry; entries are checked one by one. */
export const LegacyGuardFileSchema = check(recordOf);

/** Failures older than this no longer count: portals reset their counters long before a day. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;
/** Attempts rxportal never spends: they are the member's own, on the website. */
export const RESERVE_ATTEMPTS = 1;
/** When the portal locks without saying until when. */
const DEFAULT_LOCK_MS = 15 * 60 * 1000;

export interface GuardStatus {
  failures: number;
  /** Attempts that may still fail before the portal locks the account. */
  attemptsLeft: number;
  lockedUntil?: Date;
  lastFailureAt?: Date;
}

/** Where entries live: private files shared by every process, or memory for one run. */
export interface GuardStore {
  read(key: string): Promise<GuardEntry | undefined>;
  write(key: string, entry: GuardEntry | undefined): Promise<void>;
  /** Runs `work` as one step for this key against every other process using the same store. */
  exclusive<T>(key: string, work: () => Promise<T>, budget: LockBudget): Promise<T>;
}

export interface LockBudget {
  /** How long a waiter waits for another attempt to finish. */
  waitMs: number;
  signal?: AbortSignal;
}

/**
 * A file's name for a key: SHA-256 in hex, first 32 digits (no username in a file name). The same
 * digest node:crypto gives, from @noble/hashes, so that a sign-in over http does not load
 * node:crypto for it (over https, TLS loads it anyway).
 */
export const hashKey = (key: string) => bytesToHex(sha256(utf8ToBytes(key))).slice(0, 32);

export class FileGuardStore implements GuardStore {
  private readonly dir: string;
  private readonly legacyFile: string;

  constructor(private readonly dataDir: string) {
    this.dir = join(dataDir, "lockout-guard");
    this.legacyFile = join(dataDir, "lockout-guard.json");
  }

  private fileOf(key: string): JsonStore<GuardFile | undefined> {
    return jsonStore<GuardFile | undefined>(join(this.dir, `${hashKey(key)}.json`), GuardFileSchema, {
      empty: () => undefined,
    });
  }

  async read(key: string): Promise<GuardEntry | undefined> {
    const own = await this.fileOf(key).read();
    if (own) {
      const { key: _key, cleared, ...entry } = own;
      return cleared ? undefined : entry;
    }
    const legacy = await jsonStore<Record<string, unknown>>(this.legacyFile, LegacyGuardFileSchema, {
      empty: () => ({}),
    }).read();
    const entry = Object.hasOwn(legacy, key) ? GuardEntrySchema.safeParse(legacy[key]) : undefined;
    return entry?.success ? entry.data : undefined;
  }

  async write(key: string, entry: GuardEntry | undefined): Promise<void> {
    // A cleared entry is written, not deleted, so an older lockout-guard.json cannot speak again.
    await this.fileOf(key).write(entry ? { key, ...entry } : { key, cleared: true, failures: 0 });
  }

  async exclusive<T>(key: string, work: () => Promise<T>, budget: LockBudget): Promise<T> {
    // Our folders, 0700 even when found looser (an old umask, a copied home, a shared volume);
    // the lock makes its own folder (this.dir) the same way.
    await ensurePrivateDir(this.dataDir);
    const lock = new FileLock(join(this.dir, `${hashKey(key)}.lock`), {
      waitMs: budget.waitMs,
      // A holder is inside one password request, which its own timeout bounds.
      staleMs: Math.max(60_000, 2 * budget.waitMs + 30_000),
      signal: budget.signal,
    });
    return lock.with(work);
  }
}

/** For the embedded sandbox (--sandbox): its portal lives for one run, and so does what we know of it. */
export class MemoryGuardStore implements GuardStore {
  private readonly entries = new Map<string, GuardEntry>();
  private chain: Promise<unknown> = Promise.resolve();

  async read(key: string) {
    return this.entries.get(key);
  }

  async write(key: string, entry: GuardEntry | undefined) {
    if (entry) this.entries.set(key, entry);
    else this.entries.delete(key);
  }

  exclusive<T>(_key: string, work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

export interface AttemptOptions {
  force?: boolean;
  /** health --login: no attempt at all once a refusal is on record (a monitor never retries one). */
  stopAfterRefusal?: boolean;
  budget: LockBudget;
}

/** What the guarded attempt came to; a refusal is already recorded when this returns. */
export type AttemptResult<T> =
  | { ok: true; value: T; before: GuardStatus }
  | { ok: false; error: unknown; before: GuardStatus; after: GuardStatus };

/** How the caller classifies a failure: a refused password, a lock, or neither. */
export type FailureKind =
  | { kind: "refused"; attemptsRemaining?: number }
  | { kind: "locked"; lockedUntil?: Date }
  | { kind: "other" };

export class LockoutGuard {
  private readonly store: GuardStore;

  constructor(
    where: string | GuardStore,
    private readonly clock: Clock,
  ) {
    this.store = typeof where === "string" ? new FileGuardStore(where) : where;
  }

  private static key(profile: string, username: string): string {
    return `${profile}\u0000${username.toLowerCase()}`;
  }

  private async entry(key: string): Promise<GuardEntry> {
    const entry = await this.store.read(key);
    if (!entry) return { failures: 0 };
    const now = this.clock.now();
    if (entry.lockedUntil && Date.parse(entry.lockedUntil) <= now) return { failures: 0 };
    if (
      !entry.lockedUntil &&
      entry.lastFailureAt &&
      now - Date.parse(entry.lastFailureAt) > FORGET_AFTER_MS
    ) {
      return { failures: 0 };
    }
    return entry;
  }

  private statusOf(entry: GuardEntry, maxAttempts: number): GuardStatus {
    const attemptsLeft =
      entry.attemptsRemaining !== undefined
        ? Math.max(0, entry.attemptsRemaining)
        : Math.max(0, maxAttempts - entry.failures);
    return {
      failures: entry.failures,
      attemptsLeft: entry.lockedUntil ? 0 : attemptsLeft,
      lockedUntil: entry.lockedUntil ? new Date(entry.lockedUntil) : undefined,
      lastFailureAt: entry.lastFailureAt ? new Date(entry.lastFailureAt) : undefined,
    };
  }

  async status(profile: string, username: string, maxAttempts: number): Promise<GuardStatus> {
    return this.statusOf(await this.entry(LockoutGuard.key(profile, username)), maxAttempts);
  }

  /**
   * Throws (exit 75) when this attempt could lock the account, or when it is known to be locked.
   * `force` lets the member take the risk; the caller warns them. Alone, this is only advice: a
   * sign-in goes through attempt(), which holds the lock from this check to the record.
   */
  async check(profile: string, username: string, maxAttempts: number, force = false): Promise<GuardStatus> {
    const status = await this.status(profile, username, maxAttempts);
    return force ? status : this.judge(status, maxAttempts);
  }

  private judge(status: GuardStatus, maxAttempts: number, stopAfterRefusal = false): GuardStatus {
    if (status.lockedUntil) {
      throw new TryLaterError(`The account is locked until ${formatLocalTime(status.lockedUntil)}.`, {
        code: "account_locked",
        lockedUntil: status.lockedUntil,
        hint: "Wait until then, or run `rxportal reset` (a password reset also unlocks the account).",
        said: said("lockedUntil", status.lockedUntil),
        saidHint: said("lockedHint"),
      });
    }
    if (stopAfterRefusal && status.failures > 0) {
      const at = status.lastFailureAt ? ` at ${formatLocalTime(status.lastFailureAt)}` : "";
      throw new TryLaterError(
        `Not tried: the portal refused the last sign-in as this user${at}, and health never retries a refused password (${status.attemptsLeft} ${status.attemptsLeft === 1 ? "attempt is" : "attempts are"} left before the account locks).`,
        {
          code: "lockout_guard",
          hint: "Fix the password the monitor uses, then sign in once with `rxportal login` (a success clears this), or run `rxportal reset`.",
        },
      );
    }
    if (status.attemptsLeft <= RESERVE_ATTEMPTS) {
      const failed =
        status.failures > 0
          ? `${status.failures} attempt${status.failures === 1 ? "" : "s"} in a row failed, and`
          : "the portal said";
      throw new TryLaterError(
        `rxportal stopped this sign-in: ${failed} one more wrong password would lock the account (the portal allows ${maxAttempts}).`,
        {
          code: "lockout_guard",
          hint: "Run `rxportal reset` to set a new password, or `rxportal username recover` if the username may be wrong. `--force` tries anyway.",
          said: said("guardStopped", status.failures, maxAttempts),
          saidHint: said("guardStoppedHint"),
        },
      );
    }
    return status;
  }

  /**
   * One guarded attempt: under the lock for this username, check, run `send` (the password
   * request), and record what `classify` makes of a failure, before any other process may check.
   */
  async attempt<T>(
    profile: string,
    username: string,
    /** The portal's limit; a promise lets its request run while the lock is taken. */
    maxAttemptsOf: number | Promise<number>,
    opts: AttemptOptions,
    send: (before: GuardStatus) => Promise<T>,
    classify: (error: unknown) => FailureKind,
  ): Promise<AttemptResult<T>> {
    const key = LockoutGuard.key(profile, username);
    const step = async (): Promise<AttemptResult<T>> => {
      const [entry, maxAttempts] = await Promise.all([this.entry(key), maxAttemptsOf]);
      const before = this.statusOf(entry, maxAttempts);
      if (!opts.force) this.judge(before, maxAttempts, opts.stopAfterRefusal);
      try {
        const value = await send(before);
        if (before.failures > 0 || before.lockedUntil) await this.store.write(key, undefined);
        return { ok: true, value, before };
      } catch (error) {
        const kind = classify(error);
        if (kind.kind === "refused") {
          const after = await this.recordFailureAt(key, maxAttempts, kind.attemptsRemaining);
          return { ok: false, error, before, after };
        }
        if (kind.kind === "locked") {
          const after = await this.recordLockedAt(key, maxAttempts, kind.lockedUntil);
          return { ok: false, error, before, after };
        }
        return { ok: false, error, before, after: before };
      }
    };
    try {
      return await this.store.exclusive(key, step, opts.budget);
    } catch (error) {
      if (error instanceof LockBusyError) {
        throw new TryLaterError(
          `Another rxportal is signing in as ${username} right now, and it did not finish within ${Math.round(opts.budget.waitMs / 1000)} s.`,
          {
            code: "lockout_guard_busy",
            hint: "Try again in a moment; rxportal signs in one at a time per user so that parallel runs cannot lock the account.",
          },
        );
      }
      throw error;
    }
  }

  private async recordFailureAt(key: string, maxAttempts: number, attemptsRemaining?: number) {
    const entry = await this.entry(key);
    const failures =
      attemptsRemaining === undefined ? entry.failures + 1 : Math.max(0, maxAttempts - attemptsRemaining);
    const next: GuardEntry = {
      failures,
      ...(attemptsRemaining !== undefined ? { attemptsRemaining } : {}),
      lastFailureAt: new Date(this.clock.now()).toISOString(),
    };
    await this.store.write(key, next);
    return this.statusOf(next, maxAttempts);
  }

  private async recordLockedAt(key: string, maxAttempts: number, lockedUntil?: Date) {
    const until = lockedUntil ?? new Date(this.clock.now() + DEFAULT_LOCK_MS);
    const next: GuardEntry = {
      failures: maxAttempts,
      attemptsRemaining: 0,
      lastFailureAt: new Date(this.clock.now()).toISOString(),
      lockedUntil: until.toISOString(),
    };
    await this.store.write(key, next);
    return this.statusOf(next, maxAttempts);
  }

  /** After a refused password. `attemptsRemaining` from the portal wins over our own count. */
  async recordFailure(profile: string, username: string, maxAttempts: number, attemptsRemaining?: number) {
    const status = await this.recordFailureAt(
      LockoutGuard.key(profile, username),
      maxAttempts,
      attemptsRemaining,
    );
    return { failures: status.failures, attemptsLeft: status.attemptsLeft };
  }

  async recordLocked(
    profile: string,
    username: string,
    maxAttempts: number,
    lockedUntil?: Date,
  ): Promise<void> {
    await this.recordLockedAt(LockoutGuard.key(profile, username), maxAttempts, lockedUntil);
  }

  /** After a successful sign-in or password reset: the portal's counter is back at zero. */
  async clear(profile: string, username: string): Promise<void> {
    const key = LockoutGuard.key(profile, username);
    if (!(await this.store.read(key))) return;
    await this.store.write(key, undefined);
  }
}
