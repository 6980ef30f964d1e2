// Colour and symbols, decided once from the flags, the environment and the terminal.
// NO_COLOR and FORCE_COLOR follow https://no-color.org and chalk's conventions; --plain also turns
// off colour and box drawing, for screen readers and logs.
import { Chalk, type ChalkInstance } from "chalk";
import type { AppContext } from "../context.js";

export interface Style {
  color: ChalkInstance;
  /** --plain, or output that is not a terminal: no spinners, no box drawing. */
  plain: boolean;
}

export function colorLevel(ctx: Pick<AppContext, "env" | "globals" | "io">): 0 | 1 | 2 | 3 {
  const { env, globals } = ctx;
  if (globals.color === false || globals.plain) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    if (force === "2") return 2;
    if (force === "3") return 3;
    return 1;
  }
  if (!ctx.io.stderr.isTTY || env.TERM === "dumb") return 0;
  return 1;
}

export function createStyle(ctx: Pick<AppContext, "env" | "globals" | "io">): Style {
  return {
    color: new Chalk({ level: colorLevel(ctx) }),
    plain: Boolean(ctx.globals.plain) || !ctx.io.stderr.isTTY,
  };
}
