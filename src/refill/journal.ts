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
import { randomUUID } from "node:crypto";
import { open, readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { ensurePrivateDir, writePrivateFile } from "../state/files.js";

export const JOURNAL_FOLDER = "refill-journal";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const JournalStateSchema = z.enum(["open", "done", "refused"]);
export type JournalState = z.infer<typeof JournalStateSchema>;

export const JournalResultSchema = z.union([
  z.object({
    kind: z.literal("ordered"),
    orderId: z.string(),
    items: z.array(z.object({ rxId: z.string(), drug: z.string() })),
    estimatedDelivery: z.string().optional(),
    orderCreatedAt: z.string(),
    /** True when the portal answered with an order it already had (Idempotent-Replayed). */
    replayed: z.boolean(),
    /** True when an old entry was matched against the order history instead of replayed. */
    foundInHistory: z.boolean().optional(),
    requestId: z.string().optional(),
    settledAt: z.string(),
  }),
  z.object({
    kind: z.literal("refused"),
    code: z.string(),
    message: z.string(),
    reasons: z.array(z.object({ rxId: z.string(), reason: z.string() })),
    requestId: z.string().optional(),
    settledAt: z.string(),
  }),
]);
export type JournalResult = z.infer<typeof JournalResultSchema>;

export const JournalEntrySchema = z.object({
  version: z.literal(1),
  /** A UUID v4, sent as the Idempotency-Key; also the file name. */
  key: z.string().regex(UUID_V4),
  profile: z.string().min(1),
  username: z.string().min(1),
  /** Where the order was sent; for diagnosis only (the profile is what ties an entry to a portal). */
  baseUrl: z.string().optional(),
  memberId: z.string().min(1),
  /** In the order they were sent: a replay must send the identical body, or the portal answers 409. */
  rxIds: z.array(z.string().min(1)).min(1),
  /** Drug names as shown when the order was confirmed, for messages. */
  drugs: z.record(z.string(), z.string()).optional(),
  createdAt: z.iso.datetime(),
  state: JournalStateSchema,
  orderId: z.string().optional(),
  result: JournalResultSchema.optional(),
});
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
/** A lock older than this is from a process that died while holding it. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

export class RefillJournal {
  readonly dir: string;
  private readonly now: () => number;

  constructor(dataDir: string, opts: { now?: () => number } = {}) {
    this.dir = join(dataDir, JOURNAL_FOLDER);
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
      key: randomUUID(),
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
    let text: string;
    try {
      text = await readFile(this.fileOf(key), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    return JournalEntrySchema.parse(JSON.parse(text));
  }

  /** Every entry, oldest first, and any file that could not be read as one. */
  async list(): Promise<{ entries: JournalEntry[]; damaged: DamagedEntry[] }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], damaged: [] };
      throw error;
    }
    const entries: JournalEntry[] = [];
    const damaged: DamagedEntry[] = [];
    for (const name of names) {
      // Temp files (".x.tmp") are writes in progress or left by a kill; locks are not entries.
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const file = join(this.dir, name);
      try {
        const parsed = JournalEntrySchema.safeParse(JSON.parse(await readFile(file, "utf8")));
        if (parsed.success && `${parsed.data.key}.json` === name) entries.push(parsed.data);
        else damaged.push({ file, problem: "not a refill journal entry" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // pruned meanwhile
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
        await rm(this.fileOf(entry.key), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * Runs `fn` while holding a lock named `name` (an exclusive lock file), so two processes cannot
   * both decide "no order is open for these prescriptions" and each place one. A lock left by a
   * killed process is taken over once its holder is gone or it is older than STALE_LOCK_MS.
   */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    await ensurePrivateDir(this.dir);
    const file = join(this.dir, `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.lock`);
    const started = this.now();
    for (;;) {
      try {
        const handle = await open(file, "wx", 0o600);
        try {
          await handle.writeFile(String(process.pid));
        } finally {
          await handle.close();
        }
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        if (await isStaleLock(file)) {
          await rm(file, { force: true });
          continue;
        }
        if (this.now() - started > LOCK_WAIT_MS) {
          throw new Error(`rxportal: the refill journal lock ${file} is held by another rxportal process.`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(file, { force: true });
    }
  }
}

// The lock holds a process id so that a lock left by a killed rxportal is taken over at once
// instead of after STALE_LOCK_MS; that is why this file, unlike most, asks `process` directly.
async function isStaleLock(file: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number(text.trim());
    // An empty file is a holder between open and write: give it time rather than steal the lock.
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  } catch {
    // Gone already (free, the next open() takes it) or unreadable: not ours to remove.
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
