// Builds commander's commands from the table (src/commands/table.ts). Start-up cost grows with
// every option commander builds, and a run needs the full definition of one top-level command
// only (the one it runs, or asks help for): the others get just what the top-level command list
// shows (name, arguments, description, and "[options]" when they have any).
//
// Option values: commander splits the command line, and each value goes through its command's
// zod schema as commander reads it (`argParser`), so a refused value stops the parse where
// commander's own checks did, in its words ("option '--port <n>' argument 'x' is invalid. ...").
// The schemas (and zod) load before the parse, and only when the command line gives a value to
// an option that has one (`loadSchemas`, src/commands/flag-schemas.ts): never for --help,
// --version or contacts. Only runs that src/commands/direct.ts leaves to commander get here.
import { type Command, InvalidArgumentError, Option } from "commander";
import type { ZodMiniType as ZodType } from "zod/mini";
import type { AppContext } from "../context.js";
import { type Schemas, valueSchema } from "./flag-schemas.js";
import { type CommandResult, type CommandSpec, collect, examples, type OptionSpec } from "./kit.js";

/** Everything `build` needs besides the table. */
export interface BuildEnv {
  ctx: AppContext;
  /** Receives each command's exit code. */
  setResult: (code: CommandResult) => void;
  /** The flag schemas this run needs, loaded before the parse (`loadSchemas`). */
  schemas: Schemas;
}

/** Every command in full (tests, and the completeness check), not only the requested one. */
export const ALL = Symbol("all commands");

export function helpAfter(spec: CommandSpec): string {
  const notes = spec.notes ? `\n${spec.notes}` : "";
  return `${spec.intro ?? ""}${spec.examples?.length ? examples(...spec.examples) : ""}${notes}`;
}

/** commander's option for a table entry's; with its command's schema, values go through it. */
export function optionOf(spec: OptionSpec, schema?: ZodType): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.hidden) option.hideHelp();
  const check = schema && valueSchema(schema, option.attributeName());
  if (check) {
    option.argParser((value: string, previous: unknown) => {
      const result = check.safeParse(
        spec.repeatable ? collect(value, previous as string[] | undefined) : value,
      );
      if (result.success) return result.data;
      throw new InvalidArgumentError(result.error.issues[0]?.message ?? "not a valid value.");
    });
  } else if (spec.repeatable) option.argParser(collect);
  // Shown in the help; the value is checked by the command's flag schema, not by commander.
  if (spec.choices) option.argChoices = [...spec.choices];
  if (spec.default !== undefined) option.default(spec.default);
  return option;
}

/**
 * Adds the table's commands under `parent`: `wanted` in full, the others light, or not at all when
 * `alone` (a run of that one command: commander needs the others only to list them, in the
 * top-level help or to suggest a name for a typo).
 */
export function addCommands(
  parent: Command,
  specs: readonly CommandSpec[],
  wanted: string | undefined | typeof ALL,
  env: BuildEnv,
  alone = false,
): void {
  for (const spec of specs) {
    if (wanted === ALL || spec.name === wanted) addFull(parent, spec, env);
    else if (!alone) addLight(parent, spec);
  }
}

/** Name, arguments, description and "[options]": the line the top-level help shows. */
function addLight(parent: Command, spec: CommandSpec): void {
  const cmd = parent.command(spec.name, { hidden: spec.hidden });
  for (const arg of spec.arguments ?? []) cmd.argument(arg.name, arg.description);
  cmd.description(spec.summary);
  const first = spec.options?.[0];
  if (first) cmd.addOption(optionOf(first));
}

function addFull(parent: Command, spec: CommandSpec, env: BuildEnv): Command {
  const cmd = parent.command(spec.name, { hidden: spec.hidden, isDefault: spec.isDefault });
  if (spec.usage) cmd.usage(spec.usage);
  for (const arg of spec.arguments ?? []) cmd.argument(arg.name, arg.description);
  cmd.description(spec.summary);
  const schema = env.schemas.get(spec);
  for (const option of spec.options ?? []) cmd.addOption(optionOf(option, schema));
  const after = helpAfter(spec);
  if (after) cmd.addHelpText("after", after);
  const { handler } = spec;
  if (handler) {
    cmd.action(async (...given: unknown[]) => {
      const run = await handler();
      const args = given.slice(0, spec.arguments?.length ?? 0);
      env.setResult(await run(env.ctx, { args, opts: optionsFrom(cmd), rawArgs: rawArgsOf(cmd) }));
    });
  }
  for (const sub of spec.commands ?? []) addFull(cmd, sub, env);
  return cmd;
}

/** The options of `cmd` and of the commands above it (not the program's: those are the globals). */
function optionsFrom(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) chain.unshift(c);
  return Object.assign({}, ...chain.map((c) => c.opts()));
}

function rawArgsOf(cmd: Command): readonly string[] {
  let root = cmd;
  while (root.parent) root = root.parent;
  return (root as Command & { rawArgs?: string[] }).rawArgs ?? [];
}
