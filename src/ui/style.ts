// Colour and symbols, decided per output stream from the flags, the environment and that stream's
// own terminal: `rxportal status > file` writes plain text into the file even when stderr (the
// prompts, the spinner, the errors) is still a terminal, and `rxportal contacts | less` gets no
// escape codes either.
// NO_COLOR and FORCE_COLOR follow https://no-color.org and chalk's conventions; --no-color turns
// off colour; --plain also turns off spinners and box drawing, for screen readers and logs.
// Accessible mode (src/ui/accessible.ts: --plain, TERM=dumb, RXPORTAL_ACCESSIBLE=1...) is plain
// on every stream and has no colour, whatever FORCE_COLOR says.
import { Chalk, type ChalkInstance } from "chalk";
import { isAccessible } from "./accessible.js";
import type { UiContext } from "./io.js";

export type StreamName = "stdout" | "stderr";

export interface Style {
  color: ChalkInstance;
  /** Accessible mode, or a stream that is not a terminal: no spinners, no box drawing, no glyphs. */
  plain: boolean;
}

type StyleContext = Pick<UiContext, "env" | "globals" | "io">;

/** chalk's colour level for what is written to `stream` (stdout unless said otherwise). */
export function colorLevel(ctx: StyleContext, stream: StreamName = "stdout"): 0 | 1 | 2 | 3 {
  const { env, globals } = ctx;
  if (globals.color === false || isAccessible(ctx)) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    if (force === "2") return 2;
    if (force === "3") return 3;
    return 1;
  }
  if (!ctx.io[stream].isTTY || env.TERM === "dumb") return 0;
  return 1;
}

/** The style for text written to `stream`. */
export function styleFor(ctx: StyleContext, stream: StreamName): Style {
  return {
    color: new Chalk({ level: colorLevel(ctx, stream) }),
    plain: isAccessible(ctx) || !ctx.io[stream].isTTY,
  };
}

/**
 * The style for a command's result on stdout (what printLine writes). Messages, prompts and
 * spinners on stderr use `styleFor(ctx, "stderr")`.
 */
export function createStyle(ctx: StyleContext): Style {
  return styleFor(ctx, "stdout");
}
