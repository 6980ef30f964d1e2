// commander's program for a run, from the command table (src/commands/table.ts), and what its
// complaints mean: the path of every run that src/commands/direct.ts does not read by itself
// (help, --version, and any command line it is not sure of). A chunk of its own: a command that
// runs straight from the table never loads commander.
import { Command, CommanderError } from "commander";
import type { AppContext, GlobalOptions } from "../context.js";
import { oneLine, type Said, said, UsageError } from "../errors.js";
import { helpWidth } from "../ui/io.js";
import { VERSION } from "../version.js";
import { readArgv, VALUE_OPTIONS } from "./argv.js";
import { ALL, addCommands, helpAfter, optionOf } from "./build.js";
import { takeGlobals } from "./direct.js";
import type { Schemas } from "./flag-schemas.js";
import type { CommandResult, CommandSpec } from "./kit.js";
import { commands, program as programSpec } from "./table.js";

/**
 * commander's program for this run, from the table (src/commands/table.ts). With `argv`, only the
 * command it asks for is defined in full; without, every command is.
 */
export function buildProgram(
  ctx: AppContext,
  setResult: (code: CommandResult) => void,
  argv?: readonly string[],
  /** The flag schemas of this run (`loadSchemas`); without them values are not checked. */
  schemas: Schemas = new Map(),
  /** The commands (the table's; a test gives copies with handlers of its own). */
  specs: readonly CommandSpec[] = commands,
): Command {
  const program = new Command(programSpec.name);
  const globals = () => program.opts<GlobalOptions>();
  program
    .version(VERSION, programSpec.version.flags, programSpec.version.description)
    .description(programSpec.summary);
  for (const option of programSpec.options) program.addOption(optionOf(option, schemas.get(programSpec)));
  program
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // reportError writes every error, commander's included, as one line (and as JSON with --json).
      outputError: () => {},
      // commander's defaults read process.stdout/stderr, which would build Node's stream objects
      // that ctx.io avoids for pipes (context.ts). Help is plain text: no colours to keep.
      getOutHelpWidth: () => helpWidth(ctx.io.stdout),
      getErrHelpWidth: () => helpWidth(ctx.io.stderr),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .hook("preAction", () => takeGlobals(ctx, globals()))
    .addHelpText(
      "after",
      helpAfter({ name: programSpec.name, summary: programSpec.summary, examples: programSpec.examples }),
    );
  const asked: { command: string | undefined | typeof ALL; helpFirst: boolean } = argv
    ? readArgv(argv)
    : { command: ALL, helpFirst: false };
  // One known command, and no top-level help asked before it (`rxportal --help contacts`).
  const alone = !asked.helpFirst && specs.some((c) => c.name === asked.command);
  addCommands(program, specs, asked.command, { ctx, setResult, schemas }, alone);
  return program;
}

/** Help and version end a run through commander's errors, but are not errors. */
export function isHelpOrVersion(error: unknown): boolean {
  return (
    error instanceof CommanderError &&
    /^commander\.(help|helpDisplayed|version)$/.test(error.code) &&
    error.exitCode === 0
  );
}

/**
 * commander's complaints as UsageErrors (one line, exit 64), so they print like every other error.
 * Help and version pass through untouched.
 */
export function usageErrorOf(error: unknown, program: Command, argv: readonly string[]): unknown {
  if (!(error instanceof CommanderError)) return error;
  if (error.code === "commander.help" && error.exitCode !== 0) {
    // commander printed the help on stderr because a command is missing: say which, as a usage error.
    const [message, saying] = missingCommandMessage(program, argv);
    return new UsageError(message, { said: saying });
  }
  if (
    error.code === "commander.helpDisplayed" ||
    error.code === "commander.version" ||
    error.code === "commander.help" ||
    error.code === "commander.executeSubCommandAsync"
  ) {
    return error;
  }
  const message = oneLine(error.message.replace(/^error: /, ""));
  return new UsageError(message, { said: commanderSaid(error.code, message) });
}

/** What commander said, as a message of the errors catalog (its words in English are its own). */
export function commanderSaid(code: string, message: string): Said | undefined {
  const suggestion = /\(Did you mean (.+)\?\)$/.exec(message)?.[1];
  let m: RegExpExecArray | null;
  switch (code) {
    case "commander.unknownOption":
      m = /^unknown option '([^']+)'/.exec(message);
      return m ? said("unknownOption", m[1] as string, suggestion) : undefined;
    case "commander.unknownCommand":
      m = /^unknown command '([^']+)'/.exec(message);
      return m ? said("unknownCommand", m[1] as string, suggestion) : undefined;
    case "commander.missingArgument":
      m = /^missing required argument '([^']+)'/.exec(message);
      return m ? said("missingArgument", m[1] as string) : undefined;
    case "commander.optionMissingArgument":
      m = /^option '([^']+)' argument missing/.exec(message);
      return m ? said("optionMissingArgument", m[1] as string) : undefined;
    case "commander.invalidArgument":
      m = /^option '([^']+)' argument '(.*)' is invalid\. (.*)$/.exec(message);
      return m ? said("invalidValue", m[1] as string, m[2] as string, m[3] as string) : undefined;
    case "commander.excessArguments":
      m = /^too many arguments for '([^']+)'/.exec(message);
      return m ? said("tooManyArguments", m[1] as string) : undefined;
  }
  return undefined;
}

/** "`rxportal refill` needs a command: list, order or pending." for a group given alone. */
function missingCommandMessage(program: Command, argv: readonly string[]): [string, Said] {
  let command = program;
  const names: string[] = [];
  for (const arg of operands(argv)) {
    if (arg === "help" && command === program) continue;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) {
      return [
        `unknown command '${arg}'; run \`rxportal --help\` to see the commands.`,
        said("unknownCommand", arg),
      ];
    }
    command = sub;
    names.push(arg);
  }
  if (command === program) {
    return [
      "`rxportal` needs a command, e.g. `rxportal doctor` (see the list above).",
      said("needsAnyCommand"),
    ];
  }
  const subs = command.commands.filter((c) => c.name() !== "help").map((c) => c.name());
  const listed = subs.length > 1 ? `${subs.slice(0, -1).join(", ")} or ${subs.at(-1)}` : (subs[0] ?? "");
  const name = ["rxportal", ...names].join(" ");
  return [`\`${name}\` needs a command: ${listed} (see the help above).`, said("needsCommand", name, subs)];
}

/** The words that are not options, up to `--` (values of the global options skipped). */
function operands(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (arg.startsWith("-")) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}
