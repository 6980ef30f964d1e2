// The lockout guard: rxportal must never be the cause of a locked account. It counts consecutive
// failed sign-ins per profile and username in a private state file and refuses the attempt that
// could reach the portal's maxAttempts. The portal's own `attemptsRemaining` corrects the count
// (failures made on the website count too).
import { join } from "node:path";
import type { Clock } from "../clock.js";
import { TryLaterError } from "../errors.js";
import { readJsonFile, writePrivateFile } from "../state/files.js";
import { formatLocalTime } from "../ui/output.js";

interface Entry {
  failures: number;
  lastFailureAt?: string;
  lockedUntil?: string;
}

type GuardFile = Record<string, Entry>;

/** Failures older than this no longer count: portals reset their counters long before a day. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export interface GuardStatus {
  failures: number;
  /** Attempts that may still fail before the portal locks the account. */
  attemptsLeft: number;
  lockedUntil?: Date;
}

export class LockoutGuard {
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock,
  ) {
    this.file = join(dataDir, "lockout-guard.json");
  }

  private static key(profile: string, username: string): string {
    return `${profile}\u0000${username.toLowerCase()}`;
  }

  private async load(): Promise<GuardFile> {
    const data = await readJsonFile(this.file).catch(() => undefined);
    return data && typeof data === "object" ? (data as GuardFile) : {};
  }

  private async entry(profile: string, username: string): Promise<Entry> {
    const entry = (await this.load())[LockoutGuard.key(profile, username)];
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

  private async save(profile: string, username: string, entry: Entry | undefined): Promise<void> {
    const data = await this.load();
    const key = LockoutGuard.key(profile, username);
    if (entry) data[key] = entry;
    else delete data[key];
    await writePrivateFile(this.file, `${JSON.stringify(data, null, 2)}\n`);
  }

  async status(profile: string, username: string, maxAttempts: number): Promise<GuardStatus> {
    const entry = await this.entry(profile, username);
    return {
      failures: entry.failures,
      attemptsLeft: Math.max(0, maxAttempts - entry.failures),
      lockedUntil: entry.lockedUntil ? new Date(entry.lockedUntil) : undefined,
    };
  }

  /**
   * Throws (exit 75) when this attempt could lock the account, or when it is known to be locked.
   * `force` lets the member take the risk; the caller warns them.
   */
  async check(profile: string, username: string, maxAttempts: number, force = false): Promise<GuardStatus> {
    const status = await this.status(profile, username, maxAttempts);
    if (force) return status;
    if (status.lockedUntil) {
      throw new TryLaterError(`The account is locked until ${formatLocalTime(status.lockedUntil)}.`, {
        code: "account_locked",
        lockedUntil: status.lockedUntil,
        hint: "Wait until then, or run `rxportal reset` (a password reset also unlocks the account).",
      });
    }
    if (status.attemptsLeft <= 1) {
      throw new TryLaterError(
        `rxportal stopped this sign-in: ${status.failures} attempt${status.failures === 1 ? "" : "s"} in a row failed, and one more wrong password would lock the account (the portal allows ${maxAttempts}).`,
        {
          code: "lockout_guard",
          hint: "Run `rxportal reset` to set a new password, or `rxportal username recover` if the username may be wrong. `--force` tries anyway.",
        },
      );
    }
    return status;
  }

  /** After a refused password. `attemptsRemaining` from the portal wins over our own count. */
  async recordFailure(profile: string, username: string, maxAttempts: number, attemptsRemaining?: number) {
    const entry = await this.entry(profile, username);
    const failures =
      attemptsRemaining === undefined ? entry.failures + 1 : Math.max(0, maxAttempts - attemptsRemaining);
    await this.save(profile, username, { failures, lastFailureAt: new Date(this.clock.now()).toISOString() });
    return { failures, attemptsLeft: Math.max(0, maxAttempts - failures) };
  }

  async recordLocked(
    profile: string,
    username: string,
    maxAttempts: number,
    lockedUntil?: Date,
  ): Promise<void> {
    const until = lockedUntil ?? new Date(this.clock.now() + 15 * 60 * 1000);
    await this.save(profile, username, {
      failures: maxAttempts,
      lastFailureAt: new Date(this.clock.now()).toISOString(),
      lockedUntil: until.toISOString(),
    });
  }

  /** After a successful sign-in or password reset: the portal's counter is back at zero. */
  async clear(profile: string, username: string): Promise<void> {
    const data = await this.load();
    if (!data[LockoutGuard.key(profile, username)]) return;
    await this.save(profile, username, undefined);
  }
}
