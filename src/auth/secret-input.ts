// Where secrets come from: never argv. A masked prompt, lines on stdin (--password-stdin,
// --code-stdin, --new-password-stdin), the keychain, or for unattended runs RXPORTAL_PASSWORD /
// --password-file.
import { UsageError } from "../errors.js";
import type { IO } from "../ui/io.js";

/**
 * Lines of stdin, read one at a time when asked for. The stream is read lazily so a script can
 * answer a question (say an MFA code) after it has seen it was asked.
 */
export class StdinLines {
  private lines: string[] = [];
  private waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;
  private started: Promise<void> | undefined;

  constructor(private readonly stdin: NodeJS.ReadableStream) {}

  /** node:readline is loaded by the first question, not by every command that could ask one. */
  private start(): Promise<void> {
    this.started ??= import("node:readline").then(({ createInterface }) => this.listen(createInterface));
    return this.started;
  }

  private listen(createInterface: typeof import("node:readline").createInterface): void {
    const rl = createInterface({ input: this.stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
    rl.on("line", (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    rl.on("close", () => {
      this.ended = true;
      for (const waiter of this.waiting.splice(0)) waiter(undefined);
    });
  }

  /** The next line, or undefined at the end of input. */
  async next(): Promise<string | undefined> {
    await this.start();
    const line = this.lines.shift();
    if (line !== undefined) return line;
    if (this.ended) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The next line, which must be there and not empty. */
  async require(what: string, flag: string): Promise<string> {
    const line = await this.next();
    if (line === undefined || line === "") {
      throw new UsageError(`${flag} was given but stdin had no ${what} line.`);
    }
    return line;
  }
}

const stdinLines = new WeakMap<object, StdinLines>();

/**
 * One line reader per run (keyed by the dependencies object: the command's context): several
 * questions share stdin in order.
 */
export function stdinOf(deps: { io: Pick<IO, "stdin"> }): StdinLines {
  let lines = stdinLines.get(deps);
  if (!lines) {
    lines = new StdinLines(deps.io.stdin);
    stdinLines.set(deps, lines);
  }
  return lines;
}

/**
 * Reads a password file for unattended runs. It must not be readable by others: a monitoring
 * password in a world-readable file is a leak waiting to happen.
 */
export async function readPasswordFile(deps: { cwd: string }, file: string): Promise<string> {
  const { resolve } = await import("node:path");
  const { readUserFile } = await import("../state/files.js");
  const path = resolve(deps.cwd, file);
  const text = readUserFile(path, {
    maxBytes: MAX_PASSWORD_FILE_BYTES,
    label: `--password-file ${file}`,
    // Checked on the open file, so the file read is the file whose mode was checked.
    check: (info) => {
      if ((info.mode & 0o077) !== 0) {
        throw new UsageError(
          `--password-file ${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)}).`,
          { hint: `Run \`chmod 600 ${file}\` first.` },
        );
      }
    },
  });
  const password = text.split(/\r?\n/)[0] ?? "";
  if (!password) throw new UsageError(`--password-file ${file} is empty.`);
  return password;
}

/** A password file holds one line; anything larger is the wrong file. */
export const MAX_PASSWORD_FILE_BYTES = 64 * 1024;
