// What the raw command line says before commander parses it: which top-level command this run
// asks for (only that one is defined in full, src/commands/build.ts), and which global options
// take a value (so their value is not mistaken for a command name).
import { longName, takesValue } from "./kit.js";
import { program } from "./table.js";

/** Global options that take a value, so their value is not mistaken for a command name. */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set(
  program.options.filter(takesValue).map((o) => longName(o.flags)),
);

/**
 * The top-level command this run asks for (`help <cmd>` counts), or undefined; and whether -h or
 * --help comes before it (the top-level help, which lists every command).
 */
export function readArgv(argv: readonly string[]): { command: string | undefined; helpFirst: boolean } {
  let helpFirst = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return { command: argv[i + 1], helpFirst };
    if (arg.startsWith("-")) {
      if (arg === "-h" || arg === "--help") helpFirst = true;
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    return { command: arg === "help" ? (argv[i + 1] ?? "help") : arg, helpFirst };
  }
  return { command: undefined, helpFirst };
}

/** The top-level command this run asks for (`help <cmd>` counts), or undefined. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  return readArgv(argv).command;
}
