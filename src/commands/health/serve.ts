// `rxportal health serve`: /metrics for Prometheus, each scrape runs the probe.
import { setMaxListeners } from "node:events";
import type { AppContext } from "../../context.js";
import { note, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { prepare, type ServeFlags } from "./shared.js";

export async function healthServeCommand(ctx: AppContext, flags: ServeFlags): Promise<CommandResult> {
  const prepared = await prepare(ctx, flags);
  const [{ startExporter }, { DEFAULT_CONCURRENCY }, { VERSION }] = await Promise.all([
    import("../../health/serve.js"),
    import("../../health/limit.js"),
    import("../../version.js"),
  ]);
  // Each running probe listens for Ctrl-C on the run's signal; that many is expected, not a leak.
  setMaxListeners((flags.concurrency ?? DEFAULT_CONCURRENCY) + 10, ctx.signal);
  const exporter = await startExporter(ctx, prepared, {
    host: flags.host,
    port: flags.port,
    minLoginIntervalMs: flags.minLoginInterval * 1000,
    concurrency: flags.concurrency ?? DEFAULT_CONCURRENCY,
    username: flags.username,
    passwordFile: flags.passwordFile,
    version: VERSION,
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
