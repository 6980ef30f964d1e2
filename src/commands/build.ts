// Builds commander's commands from the table (src/commands/table.ts). Start-up cost grows with
// every option commander builds, and a run needs the full definition of one top-level command
// only (the one it runs, or asks help for): the others get just what the top-level command list
// shows (name, arguments, description, and "[options]" when they have any).
import { type Command, Option } from "commander";
import type { AppContext } from "../context.js";
import { type CommandResult, type CommandSpec, collect, examples, type OptionSpec } from "./kit.js";

/** Everything `build` needs besides the table. */
export interface BuildEnv {
  ctx: AppContext;
  /** Receives each command's exit code. */
  setResult: (code: CommandResult) => void;
}

/** Every command in full (tests, and the completeness check), not only the requested one. */
export const ALL = Symbol("all commands");

export function helpAfter(spec: CommandSpec): string {
  const notes = spec.notes ? `\n${spec.notes}` : "";
  return `${spec.intro ?? ""}${spec.examples?.length ? examples(...spec.examples) : ""}${notes}`;
}

export function optionOf(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.hidden) option.hideHelp();
  if (spec.repeatable) option.argParser(collect);
  // Shown in the help; the value is checked by the command's flag schema, not by commander.
  if (spec.choices) option.argChoices = [...spec.choices];
  if (spec.default !== undefined) option.default(spec.default);
  return option;
}

/** Adds the table's commands under `parent`: `wanted` in full, the others light. */
export function addCommands(
  parent: Command,
  specs: readonly CommandSpec[],
  wanted: string | undefined | typeof ALL,
  env: BuildEnv,
): void {
  for (const spec of specs) {
    if (wanted === ALL || spec.name === wanted) addFull(parent, spec, env);
    else addLight(parent, spec);
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
  for (const option of spec.options ?? []) cmd.addOption(optionOf(option));
  const after = helpAfter(spec);
  if (after) cmd.addHelpText("after", after);
  if (spec.flags && spec.commands?.length) {
    // A parent's options given after a subcommand's name are parsed by the parent: check them
    // before the subcommand runs, as commander would have at parse time.
    cmd.hook("preSubcommand", () => checkFlags(spec, cmd));
  }
  const { handler } = spec;
  if (handler) {
    cmd.action(async (...given: unknown[]) => {
      await checkFlags(spec, cmd);
      const run = await handler();
      const args = given.slice(0, spec.arguments?.length ?? 0);
      env.setResult(await run(env.ctx, { args, opts: optionsFrom(cmd), rawArgs: rawArgsOf(cmd) }));
    });
  }
  for (const sub of spec.commands ?? []) addFull(cmd, sub, env);
  return cmd;
}

async function checkFlags(spec: CommandSpec, cmd: Command): Promise<void> {
  if (!spec.flags) return;
  const [schema, { checkOptions }] = await Promise.all([spec.flags(), import("./flags.js")]);
  checkOptions(schema, cmd);
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
