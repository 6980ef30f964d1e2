// `rxportal health serve`: /metrics and /probe for Prometheus, each scrape runs the probe.
import { setMaxListeners } from "node:events";
import type { AppContext } from "../../context.js";
import { ExitCode, UsageError } from "../../errors.js";
import { printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { prepare, type ServeFlags } from "./shared.js";

/** A web config is a few lines; anything near this is not one. */
const MAX_WEB_CONFIG_BYTES = 1024 * 1024;

/** `--log-format` or the toolkit's `--log.format`: one of them, or both saying the same. */
function either<T>(dashed: T | undefined, dotted: T | undefined, names: [string, string]): T | undefined {
  if (dashed !== undefined && dotted !== undefined && dashed !== dotted)
    throw new UsageError(`${names[0]} and ${names[1]} are one option; give it once.`);
  return dashed ?? dotted;
}

export async function healthServeCommand(ctx: AppContext, flags: ServeFlags): Promise<CommandResult> {
  const webConfigFile = either(flags.webConfigFile, flags["web.config.file"], [
    "--web-config-file",
    "--web.config.file",
  ]);
  const logFormat = either(flags.logFormat, flags["log.format"], ["--log-format", "--log.format"]);
  const logLevel = either(flags.logLevel, flags["log.level"], ["--log-level", "--log.level"]);
  const { eventLog } = await import("../../health/log.js");
  const log = eventLog(
    logFormat ?? "logfmt",
    (line) => ctx.io.stderr.write(line),
    () => ctx.clock.now(),
    logLevel ?? "info",
  );
  // The web config first: a broken one stops before any profile is prepared.
  let web: import("../../health/web-config.js").WebConfig | undefined;
  let verify: import("../../health/basic-auth.js").Verify | undefined;
  if (webConfigFile) {
    const [{ loadWebConfig }, { readUserFile }, { resolve }] = await Promise.all([
      import("../../health/web-config.js"),
      import("../../state/files.js"),
      import("node:path"),
    ]);
    // A regular UTF-8 file of bounded size, as every file a user names (a FIFO or /dev/zero is
    // refused at once rather than read forever).
    const loaded = await loadWebConfig(resolve(ctx.cwd, webConfigFile), async (f) =>
      readUserFile(f, { maxBytes: MAX_WEB_CONFIG_BYTES, label: `${f} (--web-config-file)` }),
    );
    web = loaded;
    if (loaded.tls) {
      // Read now, so a missing or mismatched certificate is a one-line error before listening.
      const { readTlsFiles } = await import("../../health/web-tls.js");
      readTlsFiles(loaded.tls);
    }
    if (loaded.users.size > 0) {
      const { basicAuthVerifier, loadCompare } = await import("../../health/basic-auth.js");
      const users = loaded.users;
      verify = basicAuthVerifier(() => users, await loadCompare());
    }
  }
  const prepared = await prepare(ctx, flags);
  const [{ startExporter }, { DEFAULT_CONCURRENCY }, { VERSION }] = await Promise.all([
    import("../../health/serve.js"),
    import("../../health/limit.js"),
    import("../../version.js"),
  ]);
  const concurrency = flags.concurrency ?? DEFAULT_CONCURRENCY;
  // Each running probe listens for its stop signal; that many is expected, not a leak.
  setMaxListeners(concurrency + 10, ctx.signal);
  const exporter = await startExporter(ctx, prepared, {
    host: flags.host,
    port: flags.port,
    minLoginIntervalMs: flags.minLoginInterval * 1000,
    concurrency,
    username: flags.username,
    passwordFile: flags.passwordFile,
    refreshTokenFile: flags.refreshTokenFile,
    clientSecretFile: flags.clientSecretFile,
    version: VERSION,
    log,
    shutdownGraceMs: flags.shutdownGrace * 1000,
    web,
    verify,
  });
  ctx.cleanups.push(() => exporter.close());
  if (verify && !web?.tls)
    log("warn", "basic auth without TLS: passwords cross the network readable; add tls_server_config");
  // The first line on stdout is the address, so scripts (and tests) can use --port 0.
  printLine(ctx, exporter.url);
  log("info", "Serving", {
    targets: prepared.targets.map((t) => t.profile.name).join(","),
    min_login_interval_seconds: prepared.targets.some((t) => t.login) ? flags.minLoginInterval : undefined,
  });
  // Runs until Ctrl-C or SIGTERM, then stops gracefully (main.ts waits: ctx.stopsItself).
  ctx.stopsItself = true;
  const signal = await new Promise<string | undefined>((resolve) => {
    const name = () => (ctx.signal.reason as { signal?: string } | undefined)?.signal;
    if (ctx.signal.aborted) resolve(name());
    ctx.signal.addEventListener("abort", () => resolve(name()), { once: true });
  });
  log("info", "Received signal, exiting gracefully", { signal: signal ?? "interrupt" });
  await exporter.shutdown();
  // SIGTERM is a service manager's normal stop: 0. Ctrl-C (SIGINT) keeps the CLI's 130.
  return signal === "SIGTERM" ? ExitCode.ok : ExitCode.interrupted;
}
