// Colour and symbols, decided per output stream from the flags, the environment and that stream's
// own terminal: `rxportal status > file` writes plain text into the file even when stderr (the
// prompts, the spinner, the errors) is still a terminal, and `rxportal contacts | less` gets no
// escape codes either.
// NO_COLOR and FORCE_COLOR follow https://no-color.org and chalk's conventions; --no-color turns
// off colour; --plain also turns off spinners and box drawing, for screen readers and logs.
// Accessible mode (src/ui/accessible.ts: --plain, TERM=dumb, RXPORTAL_ACCESSIBLE=1...) is plain
// on every stream and has no colour, whatever FORCE_COLOR says.
import { Chalk } from "chalk";
import { type StreamName, type Style, type StyleContext, styleWith } from "./style-level.js";

export { colorLevel, type StreamName, type Style } from "./style-level.js";

/** The style for text written to `stream`. */
export function styleFor(ctx: StyleContext, stream: StreamName): Style {
  return styleWith(Chalk, ctx, stream);
}

/**
 * The style for a command's result on stdout (what printLine writes). Messages, prompts and
 * spinners on stderr use `styleFor(ctx, "stderr")`. A command that may print without colour
 * takes `loadStyle` (./style-level.ts) instead: chalk then loads only for colour.
 */
export function createStyle(ctx: StyleContext): Style {
  return styleFor(ctx, "stdout");
}
