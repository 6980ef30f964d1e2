// The shape of the command table (src/commands/table.ts) and small pieces its entries share.
// Loaded at every start: types and strings only, nothing heavy.
import type { ZodMiniType as ZodType } from "zod/mini";
import type { AppContext } from "../context.js";

/** What a command's handler hands back: an exit code, or nothing for success. */
export type CommandResult = number | undefined;

/** A positional argument, as commander spells it: `<rxId>`, `[file]`, `<rxId...>`. */
export interface ArgumentSpec {
  name: string;
  description?: string;
}

export interface OptionSpec {
  /** As commander spells it: `--port <n>`, `--json`, `--no-color`, `-V, --version`. */
  flags: string;
  description: string;
  hidden?: boolean;
  /** May be given more than once; the values arrive as a list. */
  repeatable?: boolean;
  default?: string | number;
  /** Shown in the help; the command's flag schema checks them. */
  choices?: readonly string[];
}

/**
 * Option values as the command's flag schema left them (checked and coerced). Each handler's own
 * parameter type says what they are; the table test checks that schema and options agree.
 */
// biome-ignore lint/suspicious/noExplicitAny: the schema checked them; the handler's own type names them
export type Flags = Record<string, any>;

export interface HandlerInput {
  /** The positional arguments, in the order the entry declares them. */
  args: unknown[];
  /** The options of this command and of its parent commands (a subcommand's win). */
  opts: Flags;
  /** Every word of this run's command line, as given (health reads repeated --profile from it). */
  rawArgs: readonly string[];
}

export type Handler = (ctx: AppContext, input: HandlerInput) => Promise<CommandResult>;

export interface CommandSpec {
  name: string;
  /** One line: the command list and the command's own help show it. */
  summary: string;
  /** Overrides the usage line commander would write. */
  usage?: string;
  /** Help text before the examples (after the options). */
  intro?: string;
  /** The help shows them after the options (and the intro). */
  examples?: readonly string[];
  /** Help text after the examples and a blank line: exit statuses, formats, caveats. */
  notes?: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  hidden?: boolean;
  /** Runs when the parent is given without a subcommand. */
  isDefault?: boolean;
  commands?: readonly CommandSpec[];
  /** Loads the implementation; only the command that runs pays for it. */
  handler?: () => Promise<Handler>;
  /**
   * Loads the zod schema that checks and coerces the options (zod loads only then). A command
   * without value options needs none; `lightFlags` names why a command with some has none.
   */
  flags?: () => Promise<ZodType>;
  /** Why the options are checked by the handler rather than a schema (start-up cost). */
  lightFlags?: string;
}

/** Help text with examples; every command has at least one. */
export const examples = (...lines: readonly string[]) =>
  `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;

/** `--port` for `--port <n>`. */
export const longName = (flags: string) =>
  flags.split(/[\s,]+/).find((word) => word.startsWith("--")) as string;

/** True for an option that takes a value (`--port <n>`, `--out [file]`). */
export const takesValue = (option: OptionSpec) => /[<[]/.test(option.flags);

/** For repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The program's own entry: name, summary, global options and examples. */
export interface ProgramSpec {
  name: string;
  summary: string;
  version: OptionSpec;
  options: readonly OptionSpec[];
  examples: readonly string[];
  flags: () => Promise<ZodType>;
}
