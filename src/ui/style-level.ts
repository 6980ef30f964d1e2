// The colour decision, without chalk: which level a stream gets (src/ui/style.ts has the why), and
// for level 0 a stand-in that writes text as chalk does at level 0, so that a command writing
// uncoloured text (a pipe, a file, NO_COLOR, --plain) never loads chalk. `loadStyle` gives a
// command its style either way.
import type { ChalkInstance } from "chalk";
import { isAccessible } from "./accessible.js";
import type { UiContext } from "./io.js";

export type StreamName = "stdout" | "stderr";

export interface Style {
  color: ChalkInstance;
  /** Accessible mode, or a stream that is not a terminal: no spinners, no box drawing, no glyphs. */
  plain: boolean;
}

export type StyleContext = Pick<UiContext, "env" | "globals" | "io">;

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

function isPlain(ctx: StyleContext, stream: StreamName): boolean {
  return isAccessible(ctx) || !ctx.io[stream].isTTY;
}

// chalk's models take a colour first and give a style back: chalk.hex("#f00")("text").
const MODELS = new Set(["rgb", "hex", "ansi256", "bgRgb", "bgHex", "bgAnsi256"]);

/**
 * What `new Chalk({ level: 0 })` is, for the way rxportal uses it: any chain of styles, called with
 * text, gives the text back (one argument as a string, several joined by spaces); `visible` gives
 * nothing, as chalk's does at level 0.
 */
function noColorChain(empty: boolean): ChalkInstance {
  const write = (...parts: unknown[]) => {
    if (empty) return "";
    return parts.length === 1 ? `${parts[0]}` : parts.join(" ");
  };
  const chain: ChalkInstance = new Proxy(write, {
    get(_, key) {
      if (key === "level") return 0;
      if (key === "visible") return noColorChain(true);
      if (typeof key === "string" && MODELS.has(key)) return () => chain;
      return chain;
    },
  }) as unknown as ChalkInstance;
  return chain;
}

export const noColor: ChalkInstance = noColorChain(false);

type ChalkClass = typeof import("chalk").Chalk;

/** The style at `level`: the colourless stand-in at level 0, else a `Chalk` (given for colour). */
function styleAt(
  level: 0 | 1 | 2 | 3,
  Chalk: ChalkClass | undefined,
  ctx: StyleContext,
  stream: StreamName,
): Style {
  return {
    color: level === 0 || !Chalk ? noColor : new Chalk({ level }),
    plain: isPlain(ctx, stream),
  };
}

/** The style for `stream`, with chalk already loaded. */
export function styleWith(Chalk: ChalkClass, ctx: StyleContext, stream: StreamName): Style {
  return styleAt(colorLevel(ctx, stream), Chalk, ctx, stream);
}

/** The style for `stream`, loading chalk only when the stream gets colour. */
export async function loadStyle(ctx: StyleContext, stream: StreamName = "stdout"): Promise<Style> {
  const level = colorLevel(ctx, stream);
  return styleAt(level, level === 0 ? undefined : (await import("chalk")).Chalk, ctx, stream);
}
