// One way to keep a piece of rxportal's own state in a JSON file (the last username per profile,
// refused sign-in codes, the lockout guard, offline ID cards, the validated-config cache):
//
// - read: a file that does not exist is the store's empty value. The read is bounded like every
//   file rxportal reads (state/files.ts's readUserFileIfExists: a regular file only, never a FIFO
//   or a device, at most `maxBytes`, UTF-8 text), then JSON, then the store's schema. A file that
//   fails any of these is "invalid", and what that gives is the store's own decision (`invalid`):
//   by default the empty value (a damaged note is no worse than no note), or an error of its own.
//   The read itself is synchronous (readSync; read() wraps it): state files are small, and the
//   config cache is read that way at every start, like the config file itself.
// - write: atomic (temp file, fsync, rename, fsync of the folder), file 0600, folder 0700, so a
//   crash leaves the old file or the new one, never half of one (state/files.ts's writePrivateFile).
// - update(fn): read, change, write, one after the other for the same file within this process.
//   Across processes it is last-writer-wins, as before; a store that needs more (the lockout
//   guard) takes a lock file around the whole step.
//
// The schema is an interface, `{ safeParse(value) }`, which zod schemas satisfy, so a store read
// at every start can check its file by hand and leave zod unloaded: the config cache, and the
// files every sign-in and session lookup reads (./shapes.ts, held to zod schemas by its tests).
import { readUserFileIfExists, writePrivateFile } from "./files.js";

export type SafeParseResult<T> = { success: true; data: T } | { success: false; error?: unknown };

/** What a store checks its file with: a zod schema, or a hand-written guard of the same shape. */
export interface Schema<T> {
  safeParse(value: unknown): SafeParseResult<T>;
}

/** Why a file could not be used: it could not be read, was not JSON, or had the wrong shape. */
export interface StoreProblem {
  file: string;
  reason: "unreadable" | "not-json" | "invalid";
  cause: unknown;
}

export interface JsonStoreOptions<T> {
  /** The value of a file that does not exist (a function: each read gets its own copy). */
  empty: () => T;
  /** What an unreadable or invalid file gives: the empty value by default; may throw instead. */
  invalid?: (problem: StoreProblem) => T;
  /** Larger files are invalid. */
  maxBytes?: number;
  /** JSON.stringify's indent: 2 by default, 0 for one line. */
  indent?: number;
}

/** Where a store's file lives: the data dir. The context satisfies this (its `paths`). */
export interface DataDirOf {
  readonly paths: { readonly dataDir: string };
}

/** State files are a few entries; anything past this is not one of ours. */
export const MAX_STATE_BYTES = 1024 * 1024;

/** update() calls in flight, per file: each waits for the one before it. */
const pending = new Map<string, Promise<unknown>>();

export class JsonStore<T> {
  constructor(
    readonly file: string,
    private readonly schema: Schema<T>,
    private readonly options: JsonStoreOptions<T>,
  ) {}

  /** The file's value: empty when missing, the `invalid` outcome when it cannot be used. */
  readSync(): T {
    let text: string | undefined;
    try {
      text = readUserFileIfExists(this.file, { maxBytes: this.options.maxBytes ?? MAX_STATE_BYTES });
    } catch (cause) {
      return this.invalid("unreadable", cause);
    }
    if (text === undefined) return this.options.empty();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      return this.invalid("not-json", cause);
    }
    const parsed = this.schema.safeParse(raw);
    return parsed.success ? parsed.data : this.invalid("invalid", parsed.error);
  }

  async read(): Promise<T> {
    return this.readSync();
  }

  /** Replaces the file atomically (0600 in a 0700 folder). */
  async write(value: T): Promise<void> {
    const indent = this.options.indent ?? 2;
    await writePrivateFile(this.file, `${JSON.stringify(value, null, indent || undefined)}\n`);
  }

  /**
   * Reads, lets `fn` change the value, and writes what it returns; `undefined` from `fn` means
   * "nothing to change" and leaves the file alone. Resolves to the value now in force.
   */
  update(fn: (current: T) => T | undefined | Promise<T | undefined>): Promise<T> {
    const before = pending.get(this.file) ?? Promise.resolve();
    const step = before.then(async () => {
      const current = await this.read();
      const next = await fn(current);
      if (next === undefined) return current;
      await this.write(next);
      return next;
    });
    const settled = step.then(
      () => undefined,
      () => undefined,
    );
    pending.set(this.file, settled);
    void settled.then(() => {
      if (pending.get(this.file) === settled) pending.delete(this.file);
    });
    return step;
  }

  private invalid(reason: StoreProblem["reason"], cause: unknown): T {
    const decide = this.options.invalid;
    return decide ? decide({ file: this.file, reason, cause }) : this.options.empty();
  }
}

export function jsonStore<T>(file: string, schema: Schema<T>, options: JsonStoreOptions<T>): JsonStore<T> {
  return new JsonStore(file, schema, options);
}
