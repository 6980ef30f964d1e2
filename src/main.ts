// Builds the command line from the command table and runs it. The ONE place where errors become
// messages and exit codes. Command modules (and zod, which checks option values) are imported
// only when their command runs, so `--help` and light commands do not pay for inquirer, undici,
// zod or the sandbox (shared/STYLE.md, "Fast").
import { Command, CommanderError } from "commander";
import { readArgv, requestedCommand, VALUE_OPTIONS } from "./commands/argv.js";
import { ALL, addCommands, helpAfter, loadSchemas, optionOf, type Schemas } from "./commands/build.js";
import type { CommandResult } from "./commands/kit.js";
import { commands, program as programSpec } from "./commands/table.js";
import { createProcessContext } from "./compose.js";
import type { AppContext, GlobalOptions } from "./context.js";
import { CliError, ConfigError, ExitCode, type Said, said, UsageError } from "./errors.js";
import type { Lang } from "./i18n/lang.js";
import type { SaidError } from "./i18n/say-error.js";
import { VERSION } from "./version.js";

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
      getOutHelpWidth: () => (ctx.io.stdout.isTTY ? ctx.io.stdout.columns : undefined) ?? 80,
      getErrHelpWidth: () => (ctx.io.stderr.isTTY ? ctx.io.stderr.columns : undefined) ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .hook("preAction", () => {
      ctx.setGlobals(globals());
      if (ctx.globals.sandboxFault?.length && !ctx.globals.sandbox) {
        throw new CliError("--sandbox-fault needs --sandbox.", ExitCode.usage, {
          said: said("sandboxFaultNeedsSandbox"),
        });
      }
    })
    .addHelpText(
      "after",
      helpAfter({ name: programSpec.name, summary: programSpec.summary, examples: programSpec.examples }),
    );
  const asked: { command: string | undefined | typeof ALL; helpFirst: boolean } = argv
    ? readArgv(argv)
    : { command: ALL, helpFirst: false };
  // One known command, and no top-level help asked before it (`rxportal --help contacts`).
  const alone = !asked.helpFirst && commands.some((c) => c.name === asked.command);
  addCommands(program, commands, asked.command, { ctx, setResult, schemas }, alone);
  return program;
}

/** Runs the CLI and returns the exit code. bin/rxportal.js sets it on the process. */
export async function run(argv: string[], context?: AppContext): Promise<number> {
  const ctx = context ?? (await createProcessContext());
  let result: CommandResult;
  const program = buildProgram(
    ctx,
    (code) => {
      result = code;
    },
    argv,
    await loadSchemas(argv, programSpec, commands),
  );
  try {
    await untilInterrupted(program.parseAsync(argv, { from: "user" }), ctx);
    return result ?? ExitCode.ok;
  } catch (error) {
    if (requestedCommand(argv) === "health" && !isHelpOrVersion(error)) {
      // A monitor reading stdout gets its UNKNOWN line even for arguments commander rejected.
      const { writeRejectedArgsUnknown } = await import("./commands/health/shared.js");
      await writeRejectedArgsUnknown(ctx, argv, error);
    }
    // A usage error can happen before --json was parsed: the raw arguments say whether it was asked for.
    if (!ctx.globals.json && wantsJson(argv)) ctx.globals = { ...ctx.globals, json: true };
    const reported = usageErrorOf(error, program, argv);
    // The same for the language: --lang may not have been parsed when the error came.
    // Help and version load nothing more; the Spanish words load only to say an error in Spanish.
    const speaker = isHelpOrVersion(reported) ? undefined : await speakerFor(ctx, argv);
    return reportError(ctx, reported, (code) => remapExitCode(requestedCommand(argv), code), speaker);
  } finally {
    for (const cleanup of ctx.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // Closing is best effort: the command's own outcome is what the user needs to see.
      }
    }
  }
}

/**
 * Commands whose exit status follows another convention than sysexits, by command name.
 * `health` is a monitoring plugin (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN): anything that reaches
 * reportError there (bad arguments, config errors, bugs) is UNKNOWN; help and Ctrl-C keep theirs.
 */
const exitCodeConventions: Record<string, (code: number) => number> = {
  health: (code) => (code === ExitCode.ok || code === ExitCode.interrupted ? code : 3),
};

function remapExitCode(command: string | undefined, code: number): number {
  const remap =
    command === undefined || !Object.hasOwn(exitCodeConventions, command)
      ? undefined
      : exitCodeConventions[command];
  return remap ? remap(code) : code;
}

function untilInterrupted<T>(work: Promise<T>, ctx: Pick<AppContext, "signal" | "stopsItself">): Promise<T> {
  const { signal } = ctx;
  if (signal.aborted) return Promise.reject(new InterruptSignal());
  return new Promise<T>((resolve, reject) => {
    // A command that stops by itself (health serve) is waited for; a second Ctrl-C still ends the
    // process at once (compose.ts).
    const onAbort = () => {
      if (!ctx.stopsItself) reject(new InterruptSignal());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

class InterruptSignal extends Error {}

/** Help and version end a run through commander's errors, but are not errors. */
function isHelpOrVersion(error: unknown): boolean {
  return (
    error instanceof CommanderError &&
    /^commander\.(help|helpDisplayed|version)$/.test(error.code) &&
    error.exitCode === 0
  );
}

/** `--lang es` or `--lang=es` among the options (before any `--`), read before commander has. */
export function langOfArgv(argv: readonly string[]): string | undefined {
  const end = argv.indexOf("--");
  const args = end === -1 ? argv : argv.slice(0, end);
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = arg === "--lang" ? args[i + 1] : arg.startsWith("--lang=") ? arg.slice(7) : undefined;
    // A value that is not a language is commander's usage error to report, not ours to guess.
    if (value === "en" || value === "es") found = value;
  }
  return found;
}

/** How reportError says things in a language other than English. */
export interface Speaker {
  lang: Lang;
  error(error: CliError): SaidError | undefined;
  words: { interrupted: string; requestId(id: string): string; internalError: string };
}

async function speakerFor(ctx: AppContext, argv: readonly string[]): Promise<Speaker | undefined> {
  const { resolveLang } = await import("./i18n/lang.js");
  const lang = resolveLang({ flag: ctx.globals.lang ?? langOfArgv(argv), env: ctx.env });
  if (lang === "en") return undefined;
  const { errorWords, sayError } = await import("./i18n/say-error.js");
  return { lang, error: (e) => sayError(e, lang), words: errorWords(lang) };
}

/** True when `--json` is among the options (before any `--`). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/**
 * commander's complaints as UsageErrors (one line, exit 64), so they print like every other error.
 * Help and version pass through untouched.
 */
function usageErrorOf(error: unknown, program: Command, argv: readonly string[]): unknown {
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

/** Folds a message onto one line: output on stderr is one line per error. */
function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
}

/** Turns any thrown value into output on stderr (and a JSON document with --json) and an exit code. */
export function reportError(
  ctx: AppContext,
  error: unknown,
  /** The command's own exit-code convention (health), applied before anything is printed. */
  convention: (code: number) => number = (code) => code,
  /** The run's language when it is not English (`speakerFor`); without it, English. */
  speaker?: Speaker,
): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; everything else commander rejects is a usage error.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
    ) {
      return convention(ExitCode.ok);
    }
    if (error.code === "commander.executeSubCommandAsync") return convention(error.exitCode);
    return convention(ExitCode.usage);
  }
  if (error instanceof InterruptSignal || (error instanceof Error && error.name === "ExitPromptError")) {
    ctx.io.stderr.write(`rxportal: ${speaker?.words.interrupted ?? "interrupted."}\n`);
    return convention(ExitCode.interrupted);
  }
  if (error instanceof CliError) {
    const exitCode = convention(error.exitCode);
    const spoken = speaker?.error(error);
    const parts = [spoken?.message ?? error.message];
    const hint = spoken ? spoken.hint : error.hint;
    if (hint) parts.push(hint);
    if (error.requestId) {
      parts.push(speaker ? speaker.words.requestId(error.requestId) : `(Request id: ${error.requestId})`);
    }
    ctx.io.stderr.write(`rxportal: ${oneLine(parts.join(" "))}\n`);
    if (ctx.globals.json) {
      const body: Record<string, unknown> = { message: error.message, exitCode };
      if ("code" in error && typeof error.code === "string") body.code = error.code;
      else if (error.exitCode === ExitCode.usage) body.code = "usage";
      else if (error.exitCode === ExitCode.config) body.code = "config";
      if (error instanceof ConfigError) {
        if (error.file) body.file = error.file;
        if (error.keyPath) body.keyPath = error.keyPath;
      }
      if (error.hint) body.hint = error.hint;
      if (error.requestId) body.requestId = error.requestId;
      if ("retryAfterSeconds" in error && error.retryAfterSeconds !== undefined) {
        body.retryAfterSeconds = error.retryAfterSeconds;
      }
      Object.assign(body, error.details);
      // `message` and `code` stay English for scripts; what a person reads comes beside them.
      if (spoken)
        body.localized = { lang: speaker?.lang, message: spoken.message, ...(hint ? { hint } : {}) };
      ctx.io.stdout.write(`${JSON.stringify({ error: body }, null, 2)}\n`);
    }
    return exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  ctx.io.stderr.write(
    `rxportal: ${speaker?.words.internalError ?? "internal error. This is a bug in rxportal; please report it with the text below."}\n${stack}\n`,
  );
  return convention(70);
}
