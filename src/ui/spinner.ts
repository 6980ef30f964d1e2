// A "working on it" indicator on stderr. ora on a terminal; in accessible mode (--plain, TERM=dumb,
// RXPORTAL_ACCESSIBLE=1: src/ui/accessible.ts), one plain line instead (screen readers read a line
// once; a spinner repeats itself). No "done" line follows it: every wait is followed by its own
// result line ("OK: Connection: ...", "Signed in as ..."), which says more than "done" would, and a
// "done" just before "FAILED: ..." would read as a contradiction. Decided from stderr alone: a
// result piped into a file does not stop the person at the terminal from seeing progress.
import type { UiContext } from "./io.js";
import { plainText } from "./plain-text.js";
import { styleFor } from "./style.js";

export interface Spinner {
  stop(): void;
}

export async function startSpinner(ctx: UiContext, text: string): Promise<Spinner> {
  if (ctx.globals.json || !ctx.io.stderr.isTTY) {
    // A script's log gains nothing from "working" lines; --plain at a terminal still gets them.
    return { stop() {} };
  }
  const style = styleFor(ctx, "stderr");
  if (style.plain) {
    ctx.io.stderr.write(`${plainText(text)}...\n`);
    return { stop() {} };
  }
  const { default: ora } = await import("ora");
  const spinner = ora({
    text,
    stream: ctx.io.stderr as NodeJS.WritableStream,
    // ora colours its frames with chalk's default instance, which has no level in the bundle
    // (scripts/build.mjs, "chalk-level-given"): the frames it chose (dots, or a line where the
    // terminal has no Unicode) get our colour for stderr below instead.
    color: false,
    // Prompts read stdin next; ora must not swallow it.
    discardStdin: false,
  });
  const chosen = spinner.spinner;
  spinner.spinner = { ...chosen, frames: chosen.frames.map((frame) => style.color.cyan(frame)) };
  spinner.start();
  return {
    stop: () => spinner.stop(),
  };
}
