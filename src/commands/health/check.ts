// `rxportal health`: one timed probe run, in the format a monitor reads.
import { setMaxListeners } from "node:events";
import type { AppContext } from "../../context.js";
import { UsageError } from "../../errors.js";
import { runHealth } from "../../health/run.js";
import { printJson } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { type HealthFlags, type HealthFormat, prepare, writeUnknown } from "./shared.js";

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
    const { createLimiter, DEFAULT_CONCURRENCY } = await import("../../health/limit.js");
    const limit = flags.concurrency ?? DEFAULT_CONCURRENCY;
    // Each running probe listens for Ctrl-C on the run's signal; that many is expected, not a leak.
    setMaxListeners(limit + 10, ctx.signal);
    report = await runHealth(ctx, prepared, undefined, createLimiter(limit));
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
      // Loaded only here, and chalk only for colour: json, prometheus and nagios never need it.
      const [{ formatHuman }, { loadStyle }] = await Promise.all([
        import("../../health/format-human.js"),
        import("../../ui/style-level.js"),
      ]);
      ctx.io.stdout.write(formatHuman(report, await loadStyle(ctx, "stdout")));
    }
  }
  return report.exitCode;
}
