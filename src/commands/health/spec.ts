// health and health serve. Implementations load in the action (start-up time).
//
// health follows the monitoring-plugin convention for its exit status (0 OK, 1 WARNING,
// 2 CRITICAL, 3 UNKNOWN); main.ts maps its usage and configuration errors to 3.
import { type Command, InvalidArgumentError, Option } from "commander";
import type { AppContext } from "../../context.js";
import { type Act, collect, examples } from "../kit.js";
import type { HealthFlags, ServeFlags } from "./shared.js";

// Kept here rather than imported from health.ts so --help does not load that module.
const formats = ["human", "json", "prometheus", "nagios"] as const;

function wholeNumber(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/**
 * Every --profile value on the command line. The global option keeps only the last one, and
 * commander hands a program option given after the command name to the program too, so health
 * reads the repeats from the raw arguments (already validated by commander).
 */
export function profilesFromArgs(args: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") break;
    if (arg === "--profile" && i + 1 < args.length) names.push(args[++i] as string);
    else if (arg.startsWith("--profile=")) names.push(arg.slice("--profile=".length));
  }
  return names;
}

function probeOptions(cmd: Command): Command {
  return cmd
    .option("--login", "also sign in (TOTP from RXPORTAL_TOTP_SECRET), read /me and sign out")
    .option("--username <u>", "with --login: the monitoring account (default: the profile's username)")
    .option("--password-file <file>", "with --login: a file (mode 0600) whose first line is the password")
    .option("--all", "probe every profile in the config file, in parallel")
    .option(
      "--warn-ms <ms>",
      "WARNING above this: total ms, or per phase as tls=500 (repeatable; phases dns, connect, tls, status, login, me, logout)",
      collect,
    )
    .option(
      "--crit-ms <ms>",
      "CRITICAL above this: total ms, or per phase as login=3000 (repeatable)",
      collect,
    )
    .option(
      "--cert-warn-days <n>",
      "WARNING when the certificate expires in fewer days (default 14)",
      wholeNumber("--cert-warn-days", 0),
    )
    .option(
      "--cert-crit-days <n>",
      "CRITICAL when the certificate expires in fewer days (default 3)",
      wholeNumber("--cert-crit-days", 0),
    );
}

export function registerHealthCommands(program: Command, ctx: AppContext, act: Act): void {
  const rawArgs = () => (program as Command & { rawArgs?: string[] }).rawArgs ?? [];
  const health = probeOptions(
    program
      .command("health")
      .description("timed login health probe for scripts and monitors (Nagios exit codes)"),
  )
    .addOption(
      new Option("--format <format>", "output format (default human; --json is --format json)").choices(
        formats,
      ),
    )
    .addHelpText(
      "after",
      `${examples(
        "rxportal health --sandbox",
        "rxportal health --login --username monitor.totp --format nagios --warn-ms 2000 --crit-ms 5000",
        "rxportal health --all --format prometheus",
        "rxportal health --profile acme --profile beta --crit-ms tls=500 --json",
        "rxportal health serve --port 9687 --login --min-login-interval 300",
      )}
Phases: dns, connect, tls (with the certificate's days left), status (GET /status); with --login also
login, me and logout. The password comes from --password-file, RXPORTAL_PASSWORD or the keychain,
never from the command line; a failed sign-in is reported, never retried, and the lockout guard
stops before a monitor could lock the account.
Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments or configuration).
`,
    )
    .action(
      act(async (opts: Omit<HealthFlags, "profiles">) => {
        if (opts.login) await checkTotpSecret(ctx);
        const { healthCommand } = await import("./check.js");
        return healthCommand(ctx, { ...opts, profiles: profilesFromArgs(rawArgs()) });
      }),
    );

  probeOptions(
    health
      .command("serve")
      .description("serve /metrics for Prometheus; each scrape runs the probe")
      .option("--host <host>", "address to listen on", "127.0.0.1")
      .option("--port <n>", "port to listen on (0 picks a free one)", wholeNumber("--port", 0, 65535), 9687)
      .option(
        "--min-login-interval <s>",
        "with --login: seconds between real sign-ins; scrapes in between reuse the last result",
        wholeNumber("--min-login-interval", 1),
        300,
      ),
  )
    .addHelpText(
      "after",
      `${examples(
        "rxportal health serve --port 9687",
        "RXPORTAL_PASSWORD=... rxportal health serve --all --login --min-login-interval 600",
      )}
Prints the metrics URL on stdout, then serves until Ctrl-C.
`,
    )
    .action(
      act(async (opts: Omit<ServeFlags, "profiles">) => {
        if (opts.login || health.opts().login) await checkTotpSecret(ctx);
        const { healthServeCommand } = await import("./serve.js");
        // commander gives an option that `health` knows to `health`, even after "serve" (the
        // program does not use positional options), so the probe options are read from both.
        return healthServeCommand(ctx, { ...health.opts(), ...opts, profiles: profilesFromArgs(rawArgs()) });
      }),
    );
}

/**
 * A malformed RXPORTAL_TOTP_SECRET is the monitor's configuration, not the portal's state: UNKNOWN
 * (exit 3) with one line before any probe, rather than a CRITICAL sign-in failure on every run.
 */
async function checkTotpSecret(ctx: AppContext): Promise<void> {
  const secret = ctx.env.RXPORTAL_TOTP_SECRET;
  if (!secret) return;
  const { decodeBase32 } = await import("../../portal/totp.js");
  decodeBase32(secret);
}
