// Builds the command line and runs it. The ONE place where errors become messages and exit codes.
// Command modules are imported only when their command runs, so `--help` and light commands do
// not pay for inquirer, undici, zod or the sandbox (shared/STYLE.md, "Fast").
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { requestedCommand, selectiveProgram, VALUE_OPTIONS } from "./commands/argv.js";
import { registerAuthCommands } from "./commands/auth/spec.js";
import { registerDoctorCommands } from "./commands/doctor/spec.js";
import { registerHealthCommands } from "./commands/health/spec.js";
import { type Act, type CommandResult, collect, examples, type Register } from "./commands/kit.js";
import { registerMemberCommands } from "./commands/member/spec.js";
import { registerRecoveryCommands } from "./commands/recovery/spec.js";
import { registerRefillCommands } from "./commands/refill/spec.js";
import { registerTreeCommands } from "./commands/tree/spec.js";
import { type AppContext, createProcessContext, type GlobalOptions } from "./context.js";
import { CliError, ConfigError, ExitCode, UsageError } from "./errors.js";
import { VERSION } from "./version.js";

/** The longest --timeout: a day (timers past 2^31 ms fire at once in Node, with a warning). */
export const MAX_TIMEOUT_MS = 86_400_000;

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number of milliseconds from 1 to ${max}.`);
    }
    return n;
  };
}

export function buildProgram(
  ctx: AppContext,
  setResult: (code: CommandResult) => void,
  argv?: readonly string[],
): Command {
  const program = new Command("rxportal");
  const globals = () => program.opts<GlobalOptions>();
  // Every action goes through here: globals are applied once, and the exit code is kept.
  const act: Act =
    <A extends unknown[]>(fn: (...args: A) => Promise<CommandResult>) =>
    async (...args: A) => {
      setResult(await fn(...args));
    };

  program
    .version(VERSION, "-V, --version", "print the version")
    .description(
      "Get a pharmacy-benefit member back into their portal account: guided diagnosis with live checks, sign-in, recovery, refills, the ID card, portal status and whom to call.",
    )
    .option("--profile <name>", "portal profile to use (or RXPORTAL_PROFILE)")
    .option("--config <file>", "config file (default: the platform config dir, or RXPORTAL_CONFIG)")
    .option("--sandbox", "start the bundled sandbox portal in-process on 127.0.0.1 and use it")
    .addOption(
      new Option(
        "--sandbox-fault <spec>",
        "with --sandbox: inject a fault, e.g. maintenance:120 (repeatable)",
      )
        .argParser(collect)
        .hideHelp(),
    )
    .option("--json", "print one JSON document on stdout and nothing else there")
    .option("--plain", "no spinners, colours or box drawing (screen readers, logs)")
    .option("--no-color", "no colour (also NO_COLOR=1)")
    .option("--verbose", "HTTP trace on stderr with every secret redacted (also RXPORTAL_DEBUG=1)")
    .option(
      "--timeout <ms>",
      "the whole command's time budget in milliseconds, retries and follow-up requests included",
      positiveInt("--timeout", MAX_TIMEOUT_MS),
    )
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
        throw new CliError("--sandbox-fault needs --sandbox.", ExitCode.usage);
      }
    })
    .addHelpText(
      "after",
      examples(
        "rxportal doctor",
        "rxportal doctor --sandbox",
        "rxportal status --sandbox",
        "rxportal contacts --enrollee medicare --tty",
        "rxportal --profile acme status --json",
      ),
    );

  // Commands are defined in full only when this run needs them (src/commands/selective.ts).
  const commands = argv ? selectiveProgram(program, requestedCommand(argv)) : program;

  // The main job comes first in the command list.
  registerDoctorCommands(commands, ctx, act);

  commands
    .command("status")
    .description("the portal's service status: components, maintenance window, minimum app versions")
    .addHelpText(
      "after",
      `${examples("rxportal status", "rxportal status --sandbox --json")}
Exit status: 0 when the portal is operational or degraded, 69 when it is in maintenance or down,
or cannot be reached.
`,
    )
    .action(
      act(async () => {
        const { statusCommand } = await import("./commands/status.js");
        return statusCommand(ctx);
      }),
    );

  commands
    .command("contacts")
    .description("whom to call, by enrollee type and topic, with TTY lines and hours")
    .option("--enrollee <type>", "commercial, medicare or tricare")
    .option("--topic <topic>", "prescriptions, benefits, registration, website (sign-in), security")
    .option("--tty", "only lines with a TTY number, for Deaf, hard-of-hearing or speech-disabled callers")
    .addHelpText(
      "after",
      examples(
        "rxportal contacts",
        "rxportal contacts --enrollee tricare --topic sign-in",
        "rxportal contacts --tty --json",
      ),
    )
    .action(
      act(async (opts: { enrollee?: string; topic?: string; tty?: boolean }) => {
        const { contactsCommand } = await import("./commands/contacts.js");
        return contactsCommand(ctx, opts);
      }),
    );

  const config = commands
    .command("config")
    .description("where the config file is, what is in force, and whether it is valid")
    .addHelpText(
      "after",
      examples("rxportal config path", "rxportal config show --json", "rxportal config validate"),
    );
  for (const [name, description] of [
    ["path", "print the config file in use and whether it exists"],
    ["show", "print the profile in force after flags, environment, file and built-ins"],
    ["validate", "check the config file; exit 78 naming the file and key path if it is wrong"],
  ] as const) {
    config
      .command(name)
      .description(description)
      .action(
        act(async () => {
          if (name === "path") return (await import("./commands/config/path.js")).configPathCommand(ctx);
          if (name === "show") return (await import("./commands/config/show.js")).configShowCommand(ctx);
          return (await import("./commands/config/validate.js")).configValidateCommand(ctx);
        }),
      );
  }

  commands
    .command("profiles")
    .description("list the portal profiles, marking the one in force")
    .addHelpText("after", examples("rxportal profiles", "rxportal profiles --json"))
    .action(
      act(async () => {
        const { profilesCommand } = await import("./commands/config/profiles.js");
        return profilesCommand(ctx);
      }),
    );

  commands
    .command("sandbox")
    .description("run the bundled sandbox portal as a server (for demos, tests and training)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0 picks a free one)", portNumber, 8787)
    .option(
      "--fault <spec>",
      "inject a fault: latency:300, status:500@/auth/login, maintenance:120, ... (repeatable)",
      collect,
    )
    .option("--seed <file>", "add members, prescriptions and orders from a JSON or YAML file")
    .addHelpText(
      "after",
      `${examples("rxportal sandbox", "rxportal sandbox --port 0 --fault maintenance:120", "rxportal sandbox --fault latency:300@/status")}
Fault specs: kind[:value][@path][#count]; kinds: latency, status, maintenance, malformed, truncated, reset, hang.
Seed file: {"members": [...], "prescriptions": [...], "orders": [...]}, each entry shaped as in
fixtures/sandbox/seed.json; a prescription or order goes to the family its memberId names.
The control surface (outbox of sent codes, faults, state reset) is under /_sandbox, loopback only.
`,
    )
    .action(
      act(async (opts: { host: string; port: number; fault?: string[]; seed?: string }) => {
        const { sandboxCommand } = await import("./commands/sandbox.js");
        return sandboxCommand(ctx, opts);
      }),
    );

  for (const register of registers) register(commands, ctx, act);
  return program;
}

/** Command groups kept in their own register modules (src/commands/<noun>/register.ts). */
const registers: Register[] = [
  registerAuthCommands,
  registerMemberCommands,
  registerRecoveryCommands,
  registerRefillCommands,
  registerTreeCommands,
  registerHealthCommands,
];

function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new InvalidArgumentError("--port must be a number from 0 to 65535.");
  return n;
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
  );
  try {
    await untilInterrupted(program.parseAsync(argv, { from: "user" }), ctx.signal);
    return result ?? ExitCode.ok;
  } catch (error) {
    if (requestedCommand(argv) === "health") {
      // A monitor reading stdout gets its UNKNOWN line even for arguments commander rejected.
      const { writeRejectedArgsUnknown } = await import("./commands/health/shared.js");
      await writeRejectedArgsUnknown(ctx, argv, error);
    }
    // A usage error can happen before --json was parsed: the raw arguments say whether it was asked for.
    if (!ctx.globals.json && wantsJson(argv)) ctx.globals = { ...ctx.globals, json: true };
    return reportError(ctx, usageErrorOf(error, program, argv), (code) =>
      remapExitCode(requestedCommand(argv), code),
    );
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

function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new InterruptSignal());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptSignal());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

class InterruptSignal extends Error {}

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
    return new UsageError(missingCommandMessage(program, argv));
  }
  if (
    error.code === "commander.helpDisplayed" ||
    error.code === "commander.version" ||
    error.code === "commander.help" ||
    error.code === "commander.executeSubCommandAsync"
  ) {
    return error;
  }
  return new UsageError(oneLine(error.message.replace(/^error: /, "")));
}

/** "`rxportal refill` needs a command: list, order or pending." for a group given alone. */
function missingCommandMessage(program: Command, argv: readonly string[]): string {
  let command = program;
  const names: string[] = [];
  for (const arg of operands(argv)) {
    if (arg === "help" && command === program) continue;
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) return `unknown command '${arg}'; run \`rxportal --help\` to see the commands.`;
    command = sub;
    names.push(arg);
  }
  if (command === program) return "`rxportal` needs a command, e.g. `rxportal doctor` (see the list above).";
  const subs = command.commands.filter((c) => c.name() !== "help").map((c) => c.name());
  const listed = subs.length > 1 ? `${subs.slice(0, -1).join(", ")} or ${subs.at(-1)}` : (subs[0] ?? "");
  return `\`${["rxportal", ...names].join(" ")}\` needs a command: ${listed} (see the help above).`;
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
    ctx.io.stderr.write("rxportal: interrupted.\n");
    return convention(ExitCode.interrupted);
  }
  if (error instanceof CliError) {
    const exitCode = convention(error.exitCode);
    const parts = [error.message];
    if (error.hint) parts.push(error.hint);
    if (error.requestId) parts.push(`(Request id: ${error.requestId})`);
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
      ctx.io.stdout.write(`${JSON.stringify({ error: body }, null, 2)}\n`);
    }
    return exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  ctx.io.stderr.write(
    `rxportal: internal error. This is a bug in rxportal; please report it with the text below.\n${stack}\n`,
  );
  return convention(70);
}
