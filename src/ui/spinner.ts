// A "working on it" indicator on stderr. ora on a terminal; with --plain, NO_COLOR-only logs or no
// terminal, one plain line instead (screen readers read a line once; a spinner repeats itself).
import type { AppContext } from "../context.js";
import { createStyle } from "./style.js";

export interface Spinner {
  stop(): void;
}

export async function startSpinner(ctx: AppContext, text: string): Promise<Spinner> {
  if (ctx.globals.json || !ctx.io.stderr.isTTY) {
    // A script's log gains nothing from "working" lines; --plain at a terminal still gets them.
    return { stop() {} };
  }
  if (createStyle(ctx).plain) {
    ctx.io.stderr.write(`${text}...\n`);
    return { stop() {} };
  }
  const { default: ora } = await import("ora");
  const spinner = ora({
    text,
    stream: ctx.io.stderr as NodeJS.WritableStream,
    // Prompts read stdin next; ora must not swallow it.
    discardStdin: false,
  }).start();
  return {
    stop: () => spinner.stop(),
  };
}
