// What the raw command line says before commander parses it: which top-level command this run
// asks for (only that one is defined in full, src/commands/build.ts), and which global options
// take a value (so their value is not mistaken for a command name).
import { program } from "./table.js";

/** Global options that take a value, so their value is not mistaken for a command name. */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set(
  program.options
    .filter((o) => /[<[]/.test(o.flags))
    .map((o) => o.flags.split(/[\s,]+/).find((word) => word.startsWith("--")) as string),
);

/** The top-level command this run asks for (`help <cmd>` counts), or undefined. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return argv[i + 1];
    if (arg.startsWith("-")) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    return arg === "help" ? (argv[i + 1] ?? "help") : arg;
  }
  return undefined;
}

/** Whether -h or --help comes before the command's name: the top-level help, which lists them all. */
export function rootHelpAsked(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return false;
    if (arg === "-h" || arg === "--help") return true;
    if (arg.startsWith("-")) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    return false;
  }
  return false;
}
