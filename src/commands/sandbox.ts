// `rxportal sandbox`: the bundled portal as a standalone server, until Ctrl-C.
import type { AppContext } from "../context.js";
import { note, printLine } from "../ui/output.js";
import type { CommandResult } from "./kit.js";

export interface SandboxCommandOptions {
  host: string;
  port: number;
  fault?: string[];
  /** A JSON or YAML file of extra members, prescriptions and orders (src/sandbox/seed-file.ts). */
  seed?: string;
}

export async function sandboxCommand(ctx: AppContext, opts: SandboxCommandOptions): Promise<CommandResult> {
  const [{ startSandbox }, { parseFaultSpec }] = await Promise.all([
    import("../sandbox/server.js"),
    import("../sandbox/faults.js"),
  ]);
  const { checkHost, listenError } = await import("../net/listen-error.js");
  const host = checkHost(opts.host);
  const faults = (opts.fault ?? []).map(parseFaultSpec);
  const seed = opts.seed
    ? await (await import("../sandbox/seed-file.js")).loadSeedFile(opts.seed)
    : undefined;
  const sandbox = await startSandbox({ host, port: opts.port, faults, seed }).catch((error: unknown) => {
    throw listenError(error, host, opts.port) ?? error;
  });
  ctx.cleanups.push(() => sandbox.close());
  // The URL is the data (scripts read it); the rest is for the person watching.
  printLine(ctx, sandbox.baseUrl);
  note(ctx, `Sandbox portal listening at ${sandbox.baseUrl}`);
  note(ctx, `Sent codes: ${sandbox.origin}/_sandbox/outbox   Members: ${sandbox.origin}/_sandbox/members`);
  if (faults.length) note(ctx, `Faults: ${(opts.fault ?? []).join(", ")}`);
  note(ctx, "Press Ctrl-C to stop.");
  // Runs until Ctrl-C or SIGTERM: main.ts then answers 130 and the cleanup above closes the server.
  await new Promise<never>(() => {});
  return undefined;
}
