// Reads a well-formed command line straight from the command table, without commander, so a run
// of a command does not load, build and run commander's program (`npm run bench` shows what that
// is worth). commander stays the one authority on everything else: help, --version, and
// every line this reader is not sure of, so every message about a command line is still its own.
//
// The reader takes a line only when it is certain what commander would make of it: long options
// it knows at the point they appear (the program's anywhere, a command's after its name), values
// after `=` or as the next word when that word does not start with "-", the command names in
// order down to a command that runs (a group's default subcommand when none is named), and as
// many arguments as that command declares. Anything else (-h, --help, -V, `help`, `--`, a short or
// unknown option, an option name two levels share, a value that starts with "-", a value its
// schema refuses, too few or too many arguments, a group without a subcommand to run) is left to
// commander: `readDirect` returns undefined. src/commands/direct.test.ts checks, on
// generated command lines, that every line it takes gives what commander's parse gives.
// Why not node:util's parseArgs: its rules differ from commander's (values that start with "-",
// negated flags, where options may stand), and loading it is a start-up cost of its own.
import type { AppContext, GlobalOptions } from "../context.js";
import { CliError, ExitCode, said } from "../errors.js";
import type { Schemas } from "./flag-schemas.js";
import { valueSchema } from "./flag-schemas.js";
import {
  type CommandSpec,
  collect,
  type Flags,
  longName,
  type OptionSpec,
  type ProgramSpec,
  takesValue,
} from "./kit.js";

/** A command line read without commander: the command to run and what it is given. */
export interface DirectRun {
  /** The command names given, top first; the last one runs (it has a handler). */
  path: readonly CommandSpec[];
  /** The arguments as commander hands them to an action: one per declared argument. */
  args: unknown[];
  /** The options of the commands in `path` (a subcommand's win), defaults included. */
  opts: Flags;
  /** The global options, defaults included (commander's `program.opts()`). */
  globals: Flags;
}

interface Known {
  spec: OptionSpec;
  owner: CommandSpec | ProgramSpec;
  /** 0 for the program's options, 1 for the top command's, and so on down `path`. */
  level: number;
  /** commander's attribute name: `sandboxFault` for --sandbox-fault, `color` for --no-color. */
  key: string;
  negate: boolean;
  value: boolean;
}

/** commander's camel case of a long flag without its dashes (and without `no-` when negated). */
function attributeName(long: string): { key: string; negate: boolean } {
  const negate = long.startsWith("--no-");
  const words = long.slice(negate ? 5 : 2).split("-");
  const key = words.reduce((name, word) => name + (word[0]?.toUpperCase() ?? "") + word.slice(1));
  return { key, negate };
}

/** The run `argv` asks for, when commander would read it the same way; otherwise undefined. */
export function readDirect(
  argv: readonly string[],
  program: ProgramSpec,
  commands: readonly CommandSpec[],
  schemas: Schemas,
): DirectRun | undefined {
  const known = new Map<string, Known>();
  const levels: Flags[] = [{}];
  const learn = (owner: CommandSpec | ProgramSpec, level: number): boolean => {
    const values = levels[level] as Flags;
    for (const spec of owner.options ?? []) {
      const long = longName(spec.flags);
      // A short flag, or a name two levels share, is commander's to sort out.
      if (!long || spec.flags.split(/[\s,]+/).some((w) => /^-[^-]/.test(w)) || known.has(long)) return false;
      const { key, negate } = attributeName(long);
      known.set(long, { spec, owner, level, key, negate, value: takesValue(spec) });
      // The defaults commander sets when it adds an option: a negated flag's is true.
      if (negate) values[key] ??= true;
      else if (spec.default !== undefined) values[key] = spec.default;
    }
    return true;
  };
  if (!learn(program, 0)) return undefined;

  const path: CommandSpec[] = [];
  const operands: string[] = [];
  const given: [Known, string | undefined][] = [];
  const enter = (spec: CommandSpec, rest: readonly string[]): boolean => {
    path.push(spec);
    levels.push({});
    if (!learn(spec, path.length)) return false;
    // A group with a default subcommand runs it when no word names one of its subcommands
    // (commander hands it the group's operands and options it does not know).
    const fallback = spec.commands?.find((c) => c.isDefault);
    const named = spec.commands?.some((c) => rest.includes(c.name));
    return fallback && !spec.handler && !named ? enter(fallback, rest) : true;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.length > 1 && arg.startsWith("-")) {
      const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
      const option = known.get(eq > 2 ? arg.slice(0, eq) : arg);
      if (!option) return undefined;
      let value: string | undefined;
      if (eq > 2) {
        if (!option.value) return undefined;
        value = arg.slice(eq + 1);
      } else if (option.value) {
        value = argv[++i];
        if (value === undefined || value.startsWith("-")) return undefined;
      }
      given.push([option, value]);
      continue;
    }
    // The first word after a command's name may name one of its subcommands; the rest are operands.
    const current = path.at(-1);
    const next =
      !current || operands.length === 0
        ? (current ? current.commands : commands)?.find((c) => c.name === arg)
        : undefined;
    if (next) {
      if (!enter(next, argv.slice(i + 1))) return undefined;
    } else if (!current) return undefined;
    else operands.push(arg);
  }
  // The command that runs: one with a handler, given none of its subcommands.
  const command = path.at(-1);
  if (!command?.handler) return undefined;

  const args = argumentsOf(command, operands);
  if (!args) return undefined;

  for (const [option, value] of given) {
    const values = levels[option.level] as Flags;
    if (!option.value) {
      values[option.key] = !option.negate;
      continue;
    }
    const input = option.spec.repeatable ? collect(value as string, values[option.key]) : value;
    const check = valueSchema(schemas.get(option.owner), option.key);
    if (check) {
      const result = check.safeParse(input);
      if (!result.success) return undefined;
      values[option.key] = result.data;
    } else values[option.key] = input;
  }
  return { path, args, opts: Object.assign({}, ...levels.slice(1)), globals: levels[0] as Flags };
}

/** One value per declared argument, as commander's action gets them; undefined for a wrong count. */
function argumentsOf(command: CommandSpec, operands: readonly string[]): unknown[] | undefined {
  const declared = command.arguments ?? [];
  const required = declared.filter((a) => a.name.startsWith("<")).length;
  const variadic = declared.at(-1)?.name.endsWith("...]") || declared.at(-1)?.name.endsWith("...>");
  if (operands.length < required || (!variadic && operands.length > declared.length)) return undefined;
  return declared.map((_, index) =>
    variadic && index === declared.length - 1 ? operands.slice(index) : operands[index],
  );
}

/** The global options of a run, before its command starts (commander's preAction hook too). */
export function takeGlobals(ctx: AppContext, globals: GlobalOptions): void {
  ctx.setGlobals(globals);
  if (ctx.globals.sandboxFault?.length && !ctx.globals.sandbox) {
    throw new CliError("--sandbox-fault needs --sandbox.", ExitCode.usage, {
      said: said("sandboxFaultNeedsSandbox"),
    });
  }
}
