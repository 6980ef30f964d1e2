// A lock file that holds across processes, for the lockout guard: read the count, decide, send the
// password and record the answer as ONE step for one username on one portal. Without it, five
// `login`s started together all read "0 failures", all send a wrong password, and the account
// locks (issue 10).
//
// The lock is a file made complete first (a private temp file holding pid, host, time and a
// random token) and then hard-linked to its name: link() fails with EEXIST when the lock is held,
// so taking it is atomic and a reader never sees a half-written holder. Waiters poll with jitter,
// bounded by the caller's budget. A lock is stale, and is taken over, when its holder's pid is dead
// on this host, or when it is older than `staleMs` (a holder in another container sharing the
// state folder cannot be asked whether it lives). Breaking a stale lock happens under a second,
// short-lived "break" lock, so two waiters cannot both remove it and one of them remove the
// other's fresh lock. Kept apart from the refill journal's lock on purpose: different files,
// different budgets.
//
// The file operations are synchronous: each is one metadata call on a local folder, over before a
// thread-pool round trip would be, and the password request waits for the lock (a sign-in's
// policy request is in flight meanwhile). node:fs/promises is not loaded for them.
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { ensurePrivateDir } from "../state/files.js";

export interface LockHolder {
  pid: number;
  host: string;
  /** Epoch ms when the lock was taken. */
  at: number;
  token: string;
}

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  waitMs: number;
  /** A lock older than this is taken over, whoever holds it. */
  staleMs: number;
  signal?: AbortSignal;
  /** For tests: whether a pid on this host is alive. */
  isAlive?: (pid: number) => boolean;
  /** For tests: the host name written into the lock. */
  host?: string;
}

/** Thrown when the wait ran out; the caller turns it into words (exit 75). */
export class LockBusyError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(`lock ${file} is held${holder ? ` by pid ${holder.pid} on ${holder.host}` : ""}`);
    this.name = "LockBusyError";
  }
}

/**
 * 16 hex digits telling this holder's lock from any other. Not a secret (the folder is 0700 and the
 * lock says who holds it), only unique, so node:crypto is not loaded for it: V8 seeds Math.random
 * from the system's entropy in every process, and the pid is mixed in.
 */
export function lockToken(): string {
  const word = () => (Math.random() * 2 ** 32) >>> 0;
  return [word(), (word() ^ process.pid) >>> 0].map((n) => n.toString(16).padStart(8, "0")).join("");
}

/** A break lock older than this belonged to a process that died while breaking; remove it. */
const BREAK_STALE_MS = 5_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(file: string): LockHolder | undefined | "gone" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw error;
  }
  try {
    const data = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof data.pid === "number" &&
      typeof data.host === "string" &&
      typeof data.at === "number" &&
      typeof data.token === "string"
    ) {
      return data as LockHolder;
    }
  } catch {
    // Not ours or damaged: judged by its age alone.
  }
  return undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export class FileLock {
  private readonly host: string;
  private readonly isAlive: (pid: number) => boolean;

  constructor(
    readonly file: string,
    private readonly opts: LockOptions,
  ) {
    this.host = opts.host ?? hostname();
    this.isAlive = opts.isAlive ?? pidAlive;
  }

  /** Runs `work` while holding the lock; the lock is released however `work` ends. */
  async with<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      await release();
    }
  }

  async acquire(): Promise<() => Promise<void>> {
    const dir = dirname(this.file);
    await ensurePrivateDir(dir);
    const me: LockHolder = {
      pid: process.pid,
      host: this.host,
      at: Date.now(),
      token: lockToken(),
    };
    const tmp = join(dir, `.lock-${me.token}.tmp`);
    const started = Date.now();
    let lastHolder: LockHolder | undefined;
    try {
      for (let round = 0; ; round++) {
        me.at = Date.now();
        this.writeTemp(tmp, me);
        try {
          linkSync(tmp, this.file);
          return () => this.release(me.token);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        const holder = readHolder(this.file);
        if (holder === "gone") continue;
        lastHolder = holder;
        if (this.isStale(holder)) {
          await this.breakStale(holder);
          continue;
        }
        if (Date.now() - started >= this.opts.waitMs) throw new LockBusyError(this.file, holder);
        // 20-60 ms, growing a little: ten waiters must not poll in lockstep.
        await sleep(Math.min(20 + round * 5, 60) + Math.random() * 20, this.opts.signal);
      }
    } catch (error) {
      if (error instanceof LockBusyError) throw new LockBusyError(this.file, lastHolder);
      throw error;
    } finally {
      removeFile(tmp);
    }
  }

  private writeTemp(tmp: string, me: LockHolder): void {
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
  }

  private isStale(holder: LockHolder | undefined): boolean {
    if (holder) {
      if (holder.host === this.host && holder.pid !== process.pid && !this.isAlive(holder.pid)) return true;
      return Date.now() - holder.at > this.opts.staleMs;
    }
    // Unreadable: by the file's age.
    try {
      return Date.now() - statSync(this.file).mtimeMs > this.opts.staleMs;
    } catch {
      return false;
    }
  }

  /** Removes a stale lock, under the break lock, and only if it is still the one judged stale. */
  private async breakStale(judged: LockHolder | undefined): Promise<void> {
    const breaker = `${this.file}.break`;
    let fd: number;
    try {
      fd = openSync(breaker, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(breaker).mtimeMs;
      } catch {
        // Gone meanwhile: its breaker finished.
      }
      if (age > BREAK_STALE_MS) removeFile(breaker);
      else await sleep(10, this.opts.signal);
      return;
    }
    try {
      closeSync(fd);
      const now = readHolder(this.file);
      if (now === "gone") return;
      const same = (now?.token ?? "") === (judged?.token ?? "");
      if (same && this.isStale(now)) removeFile(this.file);
    } finally {
      removeFile(breaker);
    }
  }

  private async release(token: string): Promise<void> {
    let holder: ReturnType<typeof readHolder>;
    try {
      holder = readHolder(this.file);
    } catch {
      return;
    }
    // Only our own lock: if we were judged stale and someone took over, theirs stays.
    if (holder && holder !== "gone" && holder.token === token) {
      try {
        unlinkSync(this.file);
      } catch {
        // Already gone: nothing to release.
      }
    }
  }
}

/** rm(file, { force: true }) for one file: fs's rm loads its recursive remover on first use. */
function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
