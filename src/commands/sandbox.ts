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
  /** With an OpenID Provider beside it (src/sandbox/oidc.ts). */
  oidc?: boolean;
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
  // `--oidc` is also a global option (`--sandbox --oidc`), which commander gives the program.
  if (opts.oidc || ctx.globals.oidc)
    return sandboxWithOidc(ctx, { host, port: opts.port, faults, seed }, listenError);
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

/**
 * `sandbox --oidc`: the portal and a real OpenID Provider (oidc-provider, loaded only here). The
 * first stdout line is still the API address; the second the issuer; then a profile to paste.
 */
async function sandboxWithOidc(
  ctx: AppContext,
  options: import("../sandbox/server.js").SandboxOptions & { port: number; host: string },
  listenError: (error: unknown, host: string, port: number) => unknown,
): Promise<CommandResult> {
  const { startSandboxWithOidc } = await import("../sandbox/oidc.js");
  const both = await startSandboxWithOidc(options).catch((error: unknown) => {
    throw listenError(error, options.host, options.port) ?? error;
  });
  ctx.cleanups.push(() => both.close());
  const { sandbox, provider } = both;
  printLine(ctx, sandbox.baseUrl);
  printLine(ctx, provider.issuer);
  note(ctx, `Sandbox portal listening at ${sandbox.baseUrl}`);
  note(ctx, `OpenID Provider at ${provider.issuer} (any sandbox username signs in there, with any password)`);
  note(ctx, "A profile for it (in the config file, `rxportal config path` says where):");
  for (const line of [
    "profiles:",
    "  sandbox-oidc:",
    `    baseUrl: ${sandbox.baseUrl}`,
    "    auth:",
    "      type: oidc",
    `      issuer: ${provider.issuer}`,
    `      clientId: ${provider.clientId}`,
    `      audience: ${provider.audience}`,
  ])
    note(ctx, `  ${line}`);
  note(
    ctx,
    `Then: rxportal login --profile sandbox-oidc. For health --login by client credentials, add \`monitor: { clientId: ${provider.monitorClientId} }\` under auth and set RXPORTAL_CLIENT_SECRET to the sandbox's demo secret (docs/cli.md, "OIDC").`,
  );
  note(ctx, "Press Ctrl-C to stop.");
  await new Promise<never>(() => {});
  return undefined;
}
