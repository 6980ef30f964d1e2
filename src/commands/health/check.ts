// `rxportal health` and `rxportal health serve`: thin adapters over src/health.
import type { AppContext } from "../../context.js";
import { CliError, UsageError } from "../../errors.js";
import { prepareHealth, runHealth } from "../../health/run.js";
import { buildThresholds } from "../../health/thresholds.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";

export const HEALTH_FORMATS = ["human", "json", "prometheus", "nagios"] as const;
export type HealthFormat = (typeof HEALTH_FORMATS)[number];

export interface HealthProbeFlags {
  /** Every --profile given, before or after `health` (the global option keeps only the last). */
  profiles: string[];
  all?: boolean;
  login?: boolean;
  username?: string;
  passwordFile?: string;
  warnMs?: string[];
  critMs?: string[];
  certWarnDays?: number;
  certCritDays?: number;
}

export interface HealthFlags extends HealthProbeFlags {
  format?: HealthFormat;
}

export interface ServeFlags extends HealthProbeFlags {
  host: string;
  port: number;
  minLoginInterval: number;
}

function prepare(ctx: AppContext, flags: HealthProbeFlags) {
  const thresholds = buildThresholds(flags);
  return prepareHealth(
    ctx,
    {
      profile: flags.profiles.length > 0 ? flags.profiles : undefined,
      all: flags.all,
      login: flags.login,
      username: flags.username,
      passwordFile: flags.passwordFile,
    },
    thresholds,
  );
}

export async function healthCommand(ctx: AppContext, flags: HealthFlags): Promise<CommandResult> {
  if (ctx.globals.json && flags.format && flags.format !== "json") {
    throw new UsageError(`--json and --format ${flags.format} ask for two outputs; give one.`);
  }
  const format: HealthFormat = flags.format ?? (ctx.globals.json ? "json" : "human");
  // --format json is --json: an error then prints main.ts's error document on stdout too.
  if (format === "json") ctx.globals.json = true;
  let prepared: Awaited<ReturnType<typeof prepare>>;
  let report: Awaited<ReturnType<typeof runHealth>>;
  try {
    prepared = await prepare(ctx, flags);
    report = await runHealth(ctx, prepared);
  } catch (error) {
    // UNKNOWN: the probe could not run. main.ts still says why on stderr and exits 3; a monitor
    // reading stdout must get its status line or exposition too, not nothing.
    await writeUnknown(ctx, format, error);
    throw error;
  }
  switch (format) {
    case "json":
      printJson(ctx, report);
      break;
    case "prometheus": {
      const { formatPrometheus } = await import("../../health/format-prometheus.js");
      ctx.io.stdout.write(formatPrometheus(report));
      break;
    }
    case "nagios": {
      const { formatNagios } = await import("../../health/format-nagios.js");
      ctx.io.stdout.write(formatNagios(report, prepared.thresholds));
      break;
    }
    default: {
      // Loaded only here: the styles bring chalk, which json, prometheus and nagios never need.
      const [{ formatHuman }, { styleFor }] = await Promise.all([
        import("../../health/format-human.js"),
        import("../../ui/style.js"),
      ]);
      ctx.io.stdout.write(formatHuman(report, styleFor(ctx, "stdout")));
    }
  }
  return report.exitCode;
}

/** Why the probe could not run, in one line for a monitor (never a stack: that goes to stderr). */
function unknownReason(error: unknown): string {
  if (error instanceof CliError) return error.message;
  return `internal error in rxportal (a bug; see stderr): ${error instanceof Error ? error.message : String(error)}`;
}

async function writeUnknown(ctx: AppContext, format: HealthFormat, error: unknown): Promise<void> {
  if (format === "nagios") {
    const { formatNagiosUnknown } = await import("../../health/format-nagios.js");
    ctx.io.stdout.write(formatNagiosUnknown(unknownReason(error)));
  } else if (format === "prometheus") {
    const { formatPrometheusUnknown } = await import("../../health/format-prometheus.js");
    ctx.io.stdout.write(formatPrometheusUnknown(unknownReason(error)));
  }
}

/**
 * For main.ts, when commander rejected `health`'s arguments before the command ran (an unknown
 * option, `--cert-warn-days -1`, a missing value): a monitor that asked for nagios or prometheus
 * output still gets its UNKNOWN on stdout. Help and version are not errors; `health serve` has
 * no output format.
 */
export async function writeRejectedArgsUnknown(
  ctx: AppContext,
  argv: readonly string[],
  error: unknown,
): Promise<void> {
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") return;
  if (!error.code.startsWith("commander.") || /^commander\.(help|helpDisplayed|version)$/.test(error.code))
    return;
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (arg === "serve") return;
    if (arg === "--format") format = argv[++i];
    else if (arg.startsWith("--format=")) format = arg.slice("--format=".length);
  }
  if (format === "nagios" || format === "prometheus") {
    await writeUnknown(ctx, format, new UsageError(error.message.replace(/^error: /, "")));
  }
}

export async function healthServeCommand(ctx: AppContext, flags: ServeFlags): Promise<CommandResult> {
  const prepared = await prepare(ctx, flags);
  const { startExporter } = await import("../../health/serve.js");
  const exporter = await startExporter(ctx, prepared, {
    host: flags.host,
    port: flags.port,
    minLoginIntervalMs: flags.minLoginInterval * 1000,
  });
  ctx.cleanups.push(() => exporter.close());
  // The first line on stdout is the address, so scripts (and tests) can use --port 0.
  printLine(ctx, exporter.url);
  note(
    ctx,
    `rxportal: serving metrics for ${prepared.targets.map((t) => t.profile.name).join(", ")}${
      prepared.targets.some((t) => t.login)
        ? `; a real sign-in at most every ${flags.minLoginInterval} s per profile`
        : ""
    }. Ctrl-C stops.`,
  );
  // Runs until Ctrl-C or SIGTERM; main.ts then runs the cleanups, which close the server.
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  return 0;
}
