// Reads the command line (straight from the command table when it is well formed, with commander
// otherwise: src/commands/direct.ts, program.ts) and runs it. The ONE place where errors become
// messages and exit codes. Command modules (and zod, which checks option values) are imported
// only when their command runs, so `--help` and light commands do not pay for inquirer, undici,
// zod or the sandbox (shared/STYLE.md, "Fast").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { requestedCommand } from "./commands/argv.js";
import { type DirectRun, readDirect, takeGlobals } from "./commands/direct.js";
import { loadSchemas } from "./commands/flag-schemas.js";
import type { CommandResult, CommandSpec } from "./commands/kit.js";
import { commands, program as programSpec } from "./commands/table.js";
import { createProcessContext } from "./compose.js";
import type { AppContext, GlobalOptions } from "./context.js";
import { CliError, ConfigError, ExitCode, oneLine } from "./errors.js";
import type { Lang } from "./i18n/lang.js";
import type { SaidError } from "./i18n/say-error.js";
import { helpWidth } from "./ui/io.js";

/** The top-level help the build writes beside main.js, and the width it is written for. */
export const PREBUILT_HELP_FILE = "help.txt";
const PREBUILT_HELP_WIDTH = 80;

/** Runs the CLI and returns the exit code. bin/rxportal.js sets it on the process. */
export async function run(
  argv: string[],
  context?: AppContext,
  /** The built bundle's folder (dist/), when running from it: its prebuilt top-level help. */
  bundle?: { dir: string },
): Promise<number> {
  const ctx = context ?? (await createProcessContext());
  let result: CommandResult;
  const setResult = (code: CommandResult) => {
    result = code;
  };
  let parser: { module: typeof import("./commands/program.js"); program: Command } | undefined;
  try {
    const help = bundle && isTopLevelHelp(argv) ? prebuiltHelp(bundle.dir, ctx) : undefined;
    if (help !== undefined) {
      ctx.io.stdout.write(help);
      return ExitCode.ok;
    }
    const schemas = await loadSchemas(argv, programSpec, commands);
    // A well-formed command line runs straight from the table; commander reads every other one.
    const direct = readDirect(argv, programSpec, commands, schemas);
    if (direct) await untilInterrupted(runDirect(ctx, direct, argv, setResult), ctx);
    else {
      const module = await import("./commands/program.js");
      parser = { module, program: module.buildProgram(ctx, setResult, argv, schemas) };
      await untilInterrupted(parser.program.parseAsync(argv, { from: "user" }), ctx);
    }
    return result ?? ExitCode.ok;
  } catch (error) {
    const helpOrVersion = (e: unknown) => parser?.module.isHelpOrVersion(e) ?? false;
    if (requestedCommand(argv) === "health" && !helpOrVersion(error)) {
      // A monitor reading stdout gets its UNKNOWN line even for arguments commander rejected.
      const { writeRejectedArgsUnknown } = await import("./commands/health/shared.js");
      await writeRejectedArgsUnknown(ctx, argv, error);
    }
    // A usage error can happen before --json was parsed: the raw arguments say whether it was asked for.
    if (!ctx.globals.json && wantsJson(argv)) ctx.globals = { ...ctx.globals, json: true };
    const reported = parser ? parser.module.usageErrorOf(error, parser.program, argv) : error;
    // The same for the language: --lang may not have been parsed when the error came.
    // Help and version load nothing more; the Spanish words load only to say an error in Spanish.
    const speaker = helpOrVersion(reported) ? undefined : await speakerFor(ctx, argv);
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

/** `rxportal --help` or `rxportal -h`, and nothing else. */
const isTopLevelHelp = (argv: readonly string[]) =>
  argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h");

/**
 * `rxportal --help` as the build wrote it (dist/help.txt, scripts/build.mjs: commander's own
 * output for this bundle, at its 80 columns), when this run's help would be written at that width;
 * undefined otherwise (a terminal of another width, no such file), and commander writes it.
 */
function prebuiltHelp(dir: string, ctx: AppContext): string | undefined {
  if (helpWidth(ctx.io.stdout) !== PREBUILT_HELP_WIDTH) return undefined;
  try {
    return readFileSync(join(dir, PREBUILT_HELP_FILE), "utf8");
  } catch {
    return undefined;
  }
}

/** A command line read by src/commands/direct.ts: what commander's hook and action would do. */
async function runDirect(
  ctx: AppContext,
  direct: DirectRun,
  argv: readonly string[],
  setResult: (code: CommandResult) => void,
): Promise<void> {
  takeGlobals(ctx, direct.globals as GlobalOptions);
  const handler = await (direct.path.at(-1) as CommandSpec).handler?.();
  if (handler) setResult(await handler(ctx, { args: direct.args, opts: direct.opts, rawArgs: argv }));
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
 * One of commander's errors (help, --version, or a complaint about the command line), known by
 * its code: commander is loaded only for the runs it reads (src/commands/program.ts).
 */
function isCommanderError(error: unknown): error is Error & { code: string; exitCode: number } {
  const { code, exitCode } = (error ?? {}) as { code?: unknown; exitCode?: unknown };
  return (
    error instanceof Error &&
    typeof code === "string" &&
    code.startsWith("commander.") &&
    typeof exitCode === "number"
  );
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
  if (isCommanderError(error)) {
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
