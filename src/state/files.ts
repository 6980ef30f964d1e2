// Files rxportal writes (state, journals, offline ID cards, reports): folders 0700, files 0600,
// written atomically (temp file, fsync, rename) so a crash leaves the old or the new file, never half.
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  promises,
  readSync,
  type Stats,
} from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConfigError } from "../errors.js";

// node:fs/promises through fs's `promises`, which Node loads on first use: the commands that only
// read (config, trees) never load it, nor the readline and stream modules it brings. (Named
// imports: the bundle reads them where they are used, and a namespace import would copy all of
// node:fs at start.)
const fsp = () => promises;

/**
 * Makes `dir` (and its parents) and sets it to 0700. Two metadata calls, made synchronously: a
 * sign-in makes sure of its state folder on the way to the password request, and a round trip
 * through the thread pool would only add to that wait. (Async, for the callers that await it.)
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and leaves existing folders alone; make sure.
  chmodSync(dir, 0o700);
}

/** Writes `data` to `file` atomically with mode 0600, creating the folder 0700. */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  const { open, rename, rm } = fsp();
  const dir = dirname(file);
  await ensurePrivateDir(dir);
  // A fresh name each try: "wx" fails rather than reuse a file that is already there. The name
  // needs no secret randomness (the folder is 0700), so node:crypto is not loaded for it.
  let tmp = "";
  let handle: FileHandle | undefined;
  for (let tries = 0; handle === undefined; tries++) {
    tmp = join(dir, `.${Math.random().toString(36).slice(2, 14).padEnd(12, "0")}.tmp`);
    try {
      handle = await open(tmp, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || tries >= 8) throw error;
    }
  }
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

/** Makes a rename durable: fsync the folder that holds it (a no-op where that is not supported). */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await fsp().open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot open or fsync a folder; the rename itself is still atomic there.
  }
}

// ---------------------------------------------------------------------------------------------
// Files a user names (config, tree, answers, password files): read with bounds. A FIFO or a
// device would block or never end, a 1 GB file would eat memory, binary garbage would give
// confusing parse errors: each is refused at once with one line naming the file (exit 78).
// ---------------------------------------------------------------------------------------------

export interface ReadUserFileOptions {
  /** Refuse files larger than this many bytes. */
  maxBytes: number;
  /** What messages call the file, e.g. "/home/pat/.config/rxportal/config.yaml" or "--answers a.yaml". */
  label?: string;
  /** Said after the reason, e.g. "(named by --config)". */
  context?: string;
  /** A next step for the reader. */
  hint?: string;
  /** More checks on the open file's fstat (e.g. its mode); throw to refuse it. */
  check?: (stat: Stats) => void;
}

/** Why a file could not be opened or read, in words, by errno code. */
export function describeFileError(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a folder, not a file";
    case "ELOOP":
      return "too many symbolic links (a symlink loop?)";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "ENAMETOOLONG":
      return "the path is too long";
    case "ENXIO":
      return "is a socket or device, not a regular file";
    case "EAGAIN":
    case "EWOULDBLOCK":
      return "is not a regular file (reading it would wait)";
    default:
      return `cannot read it (${code ?? "unknown error"})`;
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return "is a folder, not a file";
  if (stat.isFIFO()) return "is a named pipe (FIFO), not a regular file";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "is a device, not a regular file";
  if (stat.isSocket()) return "is a socket, not a regular file";
  return "is not a regular file";
}

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads a text file a user named: a regular file only (opened without blocking, checked with
 * fstat on the open descriptor), at most `maxBytes`, UTF-8 without NUL bytes; a leading BOM is
 * dropped. Anything else throws a ConfigError (exit 78) naming the file. Synchronous on purpose:
 * config loading runs at every start and must not pull in node:fs/promises.
 */
export function readUserFile(path: string, opts: ReadUserFileOptions): string {
  return readUserFileIfExists(path, { ...opts, missingOk: false }) as string;
}

/** readUserFile, but a file that does not exist (ENOENT) is undefined instead of an error. */
export function readUserFileIfExists(
  path: string,
  opts: ReadUserFileOptions & { missingOk?: boolean },
): string | undefined {
  const label = opts.label ?? path;
  const fail = (why: string, cause?: unknown): never => {
    throw new ConfigError(`${label}: ${why}${opts.context ? ` ${opts.context}` : ""}.`, {
      file: path,
      hint: opts.hint,
      cause,
    });
  };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait for ever.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && opts.missingOk !== false) return undefined;
    return fail(describeFileError(code), error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return fail(kindOf(stat));
    opts.check?.(stat);
    if (stat.size > opts.maxBytes) {
      return fail(`is too large (${sizeText(stat.size)}; at most ${sizeText(opts.maxBytes)} is read)`);
    }
    // Read at most maxBytes + 1, whatever the size said: a file can grow while it is read.
    const buffer = Buffer.alloc(Math.min(stat.size, opts.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) break;
      let n: number;
      try {
        n = readSync(fd, buffer, length, buffer.length - length, null);
      } catch (error) {
        return fail(describeFileError((error as NodeJS.ErrnoException).code), error);
      }
      if (n === 0) break;
      length += n;
    }
    if (length > opts.maxBytes) {
      return fail(`is too large (more than ${sizeText(opts.maxBytes)})`);
    }
    return decodeText(buffer.subarray(0, length), fail);
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 text, or a reason naming where it stops being text. */
export function decodeText(bytes: Uint8Array, fail: (why: string) => never): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return fail(`is not a text file (a NUL byte at line ${lineAt(bytes, nul)}, byte ${nul + 1})`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder("utf-8").decode(bytes);
    const at = lenient.indexOf("\uFFFD");
    const line = at === -1 ? 1 : lenient.slice(0, at).split("\n").length;
    return fail(`is not UTF-8 text (invalid bytes at line ${line}); save it as UTF-8`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
