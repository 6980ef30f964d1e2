// The refill journal: every refill order rxportal means to place, written to disk before the
// request leaves, so that a crash, a kill or a dropped connection can never lose an order or make
// a second one. `refill pending` replays an open entry with its own Idempotency-Key, and the portal
// answers with the order it already made (or makes it now, if the first request never arrived).
//
// Layout: <dataDir>/refill-journal/<key>.json, one file per entry (folder 0700, files 0600,
// written by temp file + fsync + rename), so two rxportal processes never write the same file's
// halves, and a reader sees the old entry or the new one, never a mix.
//
// An entry is written twice at most: "open" before sending, then "done" or "refused" once the
// portal has answered for sure. Nothing rewrites an open entry (a failed attempt is not recorded on
// disk), so a process that lost a race can never turn a closed entry back into an open one.
// No secrets live here: no password, token or session, only what the order itself contains.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  promises,
  readdirSync,
  readSync,
  type Stats,
} from "node:fs";
import { dirname, join } from "node:path";
import * as z from "zod/mini";
import "../zod-messages.js";
import { CliError, ConfigError, ExitCode, InterruptedError } from "../errors.js";
import { ensurePrivateDir, writePrivateFile } from "../state/files.js";
import { journalDir } from "./journal-folder.js";

// Reading the journal (every `refill list` and `refill order` does) is synchronous: a few small
// files in a local folder. Writing and locking, only when an order is placed, go through
// node:fs/promises, reached through fs's `promises` so that reading never loads it.
const fsp = () => promises;
// node:crypto too, for the keys and lock tokens a write needs: reading loads none of it.
const nodeCrypto = () => import("node:crypto");

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const JournalStateSchema = z.enum(["open", "done", "refused"]);
export type JournalState = z.infer<typeof JournalStateSchema>;

export const JournalResultSchema = z.lazy(() =>
  z.union([
    z.object({
      kind: z.literal("ordered"),
      orderId: z.string(),
      items: z.array(z.object({ rxId: z.string(), drug: z.string() })),
      estimatedDelivery: z.optional(z.string()),
      orderCreatedAt: z.string(),
      /** True when the portal answered with an order it already had (Idempotent-Replayed). */
      replayed: z.boolean(),
      /** True when an old entry was matched against the order history instead of replayed. */
      foundInHistory: z.optional(z.boolean()),
      requestId: z.optional(z.string()),
      settledAt: z.string(),
    }),
    z.object({
      kind: z.literal("refused"),
      code: z.string(),
      message: z.string(),
      reasons: z.array(z.object({ rxId: z.string(), reason: z.string() })),
      requestId: z.optional(z.string()),
      settledAt: z.string(),
    }),
  ]),
);
export type JournalResult = z.infer<typeof JournalResultSchema>;

export const JournalEntrySchema = z.lazy(() =>
  z.object({
    version: z.literal(1),
    /** A UUID v4, sent as the Idempotency-Key; also the file name. */
    key: z.string().check(z.regex(UUID_V4)),
    profile: z.string().check(z.minLength(1)),
    username: z.string().check(z.minLength(1)),
    /** Where the order was sent; for diagnosis only (the profile is what ties an entry to a portal). */
    baseUrl: z.optional(z.string()),
    memberId: z.string().check(z.minLength(1)),
    /** In the order they were sent: a replay must send the identical body, or the portal answers 409. */
    rxIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    /** Drug names as shown when the order was confirmed, for messages. */
    drugs: z.optional(z.record(z.string(), z.string())),
    createdAt: z.iso.datetime(),
    state: JournalStateSchema,
    orderId: z.optional(z.string()),
    result: z.optional(JournalResultSchema),
  }),
);
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

export interface NewEntry {
  profile: string;
  username: string;
  baseUrl?: string;
  memberId: string;
  rxIds: string[];
  drugs?: Record<string, string>;
}

/** An unreadable file in the journal folder: reported, never deleted (it may be someone's order). */
export interface DamagedEntry {
  file: string;
  problem: string;
}

/** How long a closed entry is kept for `refill pending --json` history before it is removed. */
const CLOSED_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * A lock its holder has not touched for this long is from a process that died (or hangs, or lives
 * on another machine sharing this folder). A live holder touches its lock every LOCK_HEARTBEAT_MS,
 * so holding a lock through a long order never makes it look stale.
 */
export const STALE_LOCK_MS = 30_000;
const LOCK_HEARTBEAT_MS = 5_000;
/** The longest a command waits for another rxportal's lock (less when its --timeout is nearer). */
export const LOCK_WAIT_MS = 10_000;
/**
 * The largest journal file read. An entry is well under 4 KiB (a few prescriptions and drug
 * names); anything near this cap was not written by rxportal, and reading it whole would only
 * cost memory.
 */
export const MAX_ENTRY_BYTES = 64 * 1024;

/**
 * A journal file that is not a regular file (a folder, a link, a FIFO that would block a read) or
 * is larger than an entry can be: not rxportal's, so not read, and not removed either.
 */
export class JournalFileError extends ConfigError {
  constructor(file: string, problem: string) {
    super(`${file} is ${problem}; the refill journal holds only files rxportal wrote.`, {
      file,
      hint: "Move it out of the journal folder (it is not deleted for you), then try again.",
      details: { code: "journal_file_refused", file },
    });
  }
}

/** The journal's folder is there but cannot be read as one: rxportal neither guesses nor moves it. */
export class JournalFolderError extends ConfigError {
  constructor(dir: string, problem: string) {
    super(`The refill journal's folder ${dir} ${problem}.`, {
      file: dir,
      hint: "Make it a folder rxportal can read (nothing is moved or deleted for you), then try again.",
      details: { code: "journal_folder_refused", file: dir },
    });
  }
}

/** Exit 75: another rxportal holds this member's ordering lock (a double click, a second cron job). */
export class JournalBusyError extends CliError {
  constructor(lockFile: string) {
    super("Another rxportal is ordering refills for this member; try again in a moment.", ExitCode.tryLater, {
      details: { code: "refill_in_progress", lock: lockFile },
    });
  }
}

export interface LockOptions {
  /** How long to wait for another holder before JournalBusyError (default LOCK_WAIT_MS). */
  waitMs?: number;
  /** Ctrl-C while waiting: InterruptedError. */
  signal?: AbortSignal;
  /** Told once, when the lock is not free at the first try. */
  onWait?: () => void;
}

export class RefillJournal {
  readonly dir: string;
  private readonly now: () => number;

  constructor(dataDir: string, opts: { now?: () => number } = {}) {
    this.dir = journalDir(dataDir);
    this.now = opts.now ?? Date.now;
  }

  private fileOf(key: string): string {
    if (!UUID_V4.test(key)) throw new Error(`rxportal bug: "${key}" is not a journal key.`);
    return join(this.dir, `${key}.json`);
  }

  /** Writes a new open entry durably (fsync'd) and returns it; call before sending the order. */
  async create(init: NewEntry): Promise<JournalEntry> {
    const entry: JournalEntry = JournalEntrySchema.parse({
      version: 1,
      key: (await nodeCrypto()).randomUUID(),
      profile: init.profile,
      username: init.username,
      ...(init.baseUrl ? { baseUrl: init.baseUrl } : {}),
      memberId: init.memberId,
      rxIds: [...init.rxIds],
      ...(init.drugs ? { drugs: init.drugs } : {}),
      createdAt: new Date(this.now()).toISOString(),
      state: "open",
    });
    await this.write(entry);
    return entry;
  }

  /** Closes an entry: "done" with the order, or "refused" with the portal's reasons. */
  async close(entry: JournalEntry, result: JournalResult): Promise<JournalEntry> {
    const closed: JournalEntry = JournalEntrySchema.parse({
      ...entry,
      state: result.kind === "ordered" ? "done" : "refused",
      ...(result.kind === "ordered" ? { orderId: result.orderId } : {}),
      result,
    });
    await this.write(closed);
    return closed;
  }

  private async write(entry: JournalEntry): Promise<void> {
    await writePrivateFile(this.fileOf(entry.key), `${JSON.stringify(entry, null, 2)}\n`);
  }

  async get(key: string): Promise<JournalEntry | undefined> {
    const text = await readJournalFile(this.fileOf(key));
    return text === undefined ? undefined : JournalEntrySchema.parse(JSON.parse(text));
  }

  /** Every entry, oldest first, and any file that could not be read as one. */
  async list(): Promise<{ entries: JournalEntry[]; damaged: DamagedEntry[] }> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { entries: [], damaged: [] };
      if (code === "ENOTDIR") throw new JournalFolderError(this.dir, "is not a folder");
      if (code === "EACCES" || code === "EPERM")
        throw new JournalFolderError(this.dir, "cannot be read (permission denied)");
      throw error;
    }
    const entries: JournalEntry[] = [];
    const damaged: DamagedEntry[] = [];
    for (const name of names) {
      // Temp files (".x.tmp") are writes in progress or left by a kill; locks are not entries.
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const file = join(this.dir, name);
      // A folder, link, FIFO or oversized file refuses the whole command (JournalFileError, exit
      // 78): skipping it could hide an open order, and a FIFO would block the read forever.
      const text = await readJournalFile(file);
      if (text === undefined) continue; // pruned meanwhile
      try {
        const parsed = JournalEntrySchema.safeParse(JSON.parse(text));
        if (parsed.success && `${parsed.data.key}.json` === name) entries.push(parsed.data);
        else damaged.push({ file, problem: "not a refill journal entry" });
      } catch (error) {
        damaged.push({ file, problem: error instanceof SyntaxError ? "not valid JSON" : String(error) });
      }
    }
    entries.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.key.localeCompare(b.key));
    return { entries, damaged };
  }

  async open(): Promise<JournalEntry[]> {
    return (await this.list()).entries.filter((e) => e.state === "open");
  }

  /** Open entries of this account whose prescriptions overlap `rxIds`. */
  async openFor(q: {
    profile: string;
    username: string;
    memberId: string;
    rxIds: string[];
  }): Promise<JournalEntry[]> {
    const wanted = new Set(q.rxIds);
    return (await this.open()).filter(
      (e) =>
        e.profile === q.profile &&
        e.username.toLowerCase() === q.username.toLowerCase() &&
        e.memberId === q.memberId &&
        e.rxIds.some((rx) => wanted.has(rx)),
    );
  }

  /** Removes closed entries older than the retention period; open entries are never removed. */
  async prune(): Promise<number> {
    const { entries } = await this.list();
    const cutoff = this.now() - CLOSED_RETENTION_MS;
    let removed = 0;
    for (const entry of entries) {
      const settledAt = entry.result ? Date.parse(entry.result.settledAt) : Number.NaN;
      if (entry.state !== "open" && settledAt < cutoff) {
        await fsp().rm(this.fileOf(entry.key), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * The newest order of this account for exactly these prescriptions that settled as ordered
   * within `windowMs`: a second `refill order` for them is then most likely a double click or a
   * duplicated job, not a new need. Refused entries never count.
   */
  async recentOrderFor(
    q: { profile: string; username: string; memberId: string; rxIds: string[] },
    windowMs: number,
  ): Promise<SettledOrder | undefined> {
    const since = this.now() - windowMs;
    const matches = (await this.list()).entries.filter(
      (e): e is SettledOrder =>
        e.state === "done" &&
        e.result?.kind === "ordered" &&
        Date.parse(e.result.settledAt) >= since &&
        e.profile === q.profile &&
        e.username.toLowerCase() === q.username.toLowerCase() &&
        e.memberId === q.memberId &&
        sameRxSet(e.rxIds, q.rxIds),
    );
    return matches.sort((a, b) => a.result.settledAt.localeCompare(b.result.settledAt)).at(-1);
  }

  /** The lock file for a lock name (for messages and tests). */
  lockFile(name: string): string {
    return join(this.dir, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.lock`);
  }

  /**
   * Runs `fn` while holding a lock named `name` (an exclusive lock file), so two processes cannot
   * both decide "no order is open for these prescriptions" and each place one. A lock left by a
   * killed process is taken over once its holder is gone or has not touched it for STALE_LOCK_MS.
   * A live holder is waited for up to `opts.waitMs`, then JournalBusyError (exit 75).
   */
  async withLock<T>(name: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
    await ensurePrivateDir(this.dir);
    const file = this.lockFile(name);
    // The token tells this holder's lock from a later one, should this one be taken over meanwhile.
    const token = `${process.pid}\n${(await nodeCrypto()).randomBytes(8).toString("hex")}\n`;
    const waitMs = Math.max(0, opts.waitMs ?? LOCK_WAIT_MS);
    const started = this.now();
    let told = false;
    for (;;) {
      if (opts.signal?.aborted) throw new InterruptedError();
      if (await tryCreateLock(file, token)) break;
      const seen = await readLockText(file);
      if (seen !== undefined && (await isStaleLock(file, seen))) {
        await removeIfSame(file, seen);
        continue;
      }
      const waited = this.now() - started;
      if (waited >= waitMs) throw new JournalBusyError(file);
      if (!told) {
        told = true;
        opts.onWait?.();
      }
      await pause(Math.min(25 + Math.random() * 50, Math.max(1, waitMs - waited)), opts.signal);
    }
    const heartbeat = setInterval(() => {
      void touchIfOurs(file, token);
    }, LOCK_HEARTBEAT_MS);
    heartbeat.unref?.();
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      await removeIfSame(file, token);
    }
  }
}

/** A journal entry closed as ordered. */
export type SettledOrder = JournalEntry & { result: Extract<JournalResult, { kind: "ordered" }> };

/**
 * Reads one journal file, refusing anything but a regular file of at most MAX_ENTRY_BYTES
 * (JournalFileError); undefined when it does not exist. lstat first, so that a FIFO is never
 * opened (that would block) and a link is never followed; then fstat on the open file, so that a
 * file swapped in between is caught too.
 */
export async function readJournalFile(file: string): Promise<string | undefined> {
  let info: Stats;
  try {
    info = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (!info.isFile()) throw new JournalFileError(file, `not a regular file (${kindOf(info)})`);
  if (info.size > MAX_ENTRY_BYTES) throw new JournalFileError(file, tooLarge(info.size));
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new JournalFileError(file, "not a regular file (a symbolic link)");
    throw error;
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new JournalFileError(file, `not a regular file (${kindOf(opened)})`);
    if (opened.size > MAX_ENTRY_BYTES) throw new JournalFileError(file, tooLarge(opened.size));
    // Read one byte past the cap, so that a file that grew after the fstat is caught as well.
    const buffer = Buffer.alloc(MAX_ENTRY_BYTES + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_ENTRY_BYTES) throw new JournalFileError(file, tooLarge(length));
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return "a folder";
  if (info.isSymbolicLink()) return "a symbolic link";
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  return "a device";
}

function tooLarge(bytes: number): string {
  return `${bytes} bytes, more than a journal entry can be (at most ${MAX_ENTRY_BYTES})`;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Creates the lock with its content in one step: the content goes to a private temp file that is
 * then hard-linked to the lock's name (which fails if the lock exists), so no one ever sees an
 * empty lock. Where hard links are not supported, an exclusive create and a write instead.
 */
async function tryCreateLock(file: string, token: string): Promise<boolean> {
  const tmp = join(dirname(file), `.${(await nodeCrypto()).randomBytes(6).toString("hex")}.lock.tmp`);
  try {
    await fsp().writeFile(tmp, token, { mode: 0o600, flag: "wx" });
    try {
      await fsp().link(tmp, file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") throw error;
    }
  } finally {
    await fsp().rm(tmp, { force: true });
  }
  try {
    const handle = await fsp().open(file, "wx", 0o600);
    try {
      await handle.writeFile(token);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function readLockText(file: string): Promise<string | undefined> {
  try {
    return await fsp().readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Removes the lock only while it still holds `text` (ours, or the stale one looked at). */
async function removeIfSame(file: string, text: string): Promise<void> {
  if ((await readLockText(file)) === text) await fsp().rm(file, { force: true });
}

async function touchIfOurs(file: string, token: string): Promise<void> {
  try {
    if ((await readLockText(file)) !== token) return;
    const now = new Date();
    await fsp().utimes(file, now, now);
  } catch {
    // A lock that cannot be touched is one no longer held; the release checks again.
  }
}

// The lock holds a process id so that a lock left by a killed rxportal is taken over at once
// instead of after STALE_LOCK_MS; that is why this file, unlike most, asks `process` directly.
async function isStaleLock(file: string, text: string): Promise<boolean> {
  try {
    const info = await fsp().lstat(file);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(text.split("\n")[0]?.trim());
    // An empty file is a holder between open and write (where links are not supported): give it
    // time rather than steal the lock.
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  } catch {
    // Gone already (free, the next try takes it) or unreadable: not ours to remove.
    return false;
  }
}

/** The same prescriptions, whatever the order they were typed in. */
export function sameRxSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** A lock name for one member's order intent: the same prescriptions give the same name. */
export function intentLockName(profile: string, username: string, memberId: string): string {
  return `intent-${profile}-${username.toLowerCase()}-${memberId}`;
}
