// Accessible mode: every question line by line (a numbered list for a choice, the answer typed as a
// number or a word), progress as plain lines, no colour, no glyphs, no cursor movement. Screen
// readers read a line once; arrow-key menus that redraw themselves read as "blank" or as the whole
// menu again (microsoft/terminal#13666, cli/cli#10710). docs/accessibility.md says why each switch
// is honoured.
import type { UiContext } from "./io.js";

// gh's reading of its GH_ACCESSIBLE_PROMPTER (internal/ghcmd/cmd.go): set and not one of these.
const FALSEY = new Set(["", "0", "false", "no", "off"]);

function flagOf(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return !FALSEY.has(value.trim().toLowerCase());
}

/**
 * Whether this run speaks in accessible mode: --plain; TERM=dumb (a terminal that cannot move the
 * cursor, as Emacs shells and some screen-reader set-ups declare); RXPORTAL_ACCESSIBLE=1; or, when
 * RXPORTAL_ACCESSIBLE is not set at all, GH_ACCESSIBLE_PROMPTER=1 (someone who asked gh for
 * screen-reader prompts wants them here too). RXPORTAL_ACCESSIBLE=0 overrides the gh variable, but
 * not --plain or TERM=dumb: those describe what the terminal and the person can use.
 */
export function isAccessible(ctx: Pick<UiContext, "env" | "globals">): boolean {
  if (ctx.globals.plain) return true;
  if (ctx.env.TERM === "dumb") return true;
  const own = flagOf(ctx.env.RXPORTAL_ACCESSIBLE);
  if (own !== undefined) return own;
  return flagOf(ctx.env.GH_ACCESSIBLE_PROMPTER) ?? false;
}
