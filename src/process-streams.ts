// stdout and stderr for a real run. At a terminal, Node's own stream (prompts and spinners need
// one). Redirected to a pipe or a file, plain synchronous writes: Node writes to pipes and files
// synchronously on Linux anyway, and setting up its stream is a cost every start would pay
// (`npm run bench` measures start-up).
import { fstatSync, statSync, writeSync } from "node:fs";
import type { OutStream } from "./ui/io.js";

/**
 * Whether `fd` is a terminal. node:tty would answer at once, but loading it pulls in net and the
 * whole stream stack; a pipe or a file is told apart by fstat alone, and /dev/null (a character
 * device, where scripts and monitors often send output) by its device number.
 */
function isTerminal(fd: number): boolean {
  let device: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice()) return false;
    device = stat.rdev;
  } catch {
    return false;
  }
  if (device === nullDevice()) return false;
  // Another character device: a terminal, or something else. Only tty can tell.
  const { isatty } = process.getBuiltinModule("node:tty") as typeof import("node:tty");
  return isatty(fd);
}

/** /dev/null's device number, or undefined where there is none. */
function nullDevice(): number | undefined {
  try {
    return statSync("/dev/null").rdev;
  } catch {
    return undefined;
  }
}

export function outStream(fd: number, terminal: () => NodeJS.WriteStream): OutStream {
  if (isTerminal(fd)) {
    const stream = terminal();
    stream.on("error", ignoreEpipe);
    return stream;
  }
  return {
    isTTY: false,
    write(chunk: string) {
      writeFully(fd, chunk);
      return true;
    },
  };
}

/** `rxportal ... | head` closes the pipe early; that is the reader's choice, not an error. */
function ignoreEpipe(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
}

/** Writes all of `chunk`, waiting out a full non-blocking pipe; a reader that left is not an error. */
export function writeFully(fd: number, chunk: string): void {
  let rest = Buffer.from(chunk, "utf8");
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return;
      if (code === "EAGAIN") {
        // The reader is behind: give it a moment (a blocking sleep; this write is synchronous).
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        continue;
      }
      throw error;
    }
  }
}
