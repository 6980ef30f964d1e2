// The composition root: builds the AppContext (src/context.ts) that commands receive, with the
// lazy config, profile, portal client factory, credentials, embedded sandbox and signals. Only
// main.ts (and the test helper) import it; with bin/, it is the one place that touches `process`.
import { join, resolve } from "node:path";
import envPaths from "env-paths";
import { type Budget, createBudget, unlimitedBudget } from "./budget.js";
import { type Clock, type Monotonic, performanceNow, systemClock } from "./clock.js";
// Config is loaded when a command first asks for it (it is a chunk of its own either way, shared
// with the commands that read it), so `--help` and `--version` never read or load it.
import type { LoadedConfig, Profile } from "./config/load.js";
import type { AppContext, AppPaths, CredentialAccess } from "./context.js";
import type { PortalClient } from "./portal/client.js";
import { outStream } from "./process-streams.js";
import { isAccessible } from "./ui/accessible.js";
import type { IO } from "./ui/io.js";
import { createPrompter, type Prompter } from "./ui/prompts.js";

export interface ContextInit {
  io: IO;
  env: Record<string, string | undefined>;
  cwd: string;
  paths: AppPaths;
  clock?: Clock;
  /** Default performance.now(). */
  monotonic?: Monotonic;
  signal?: AbortSignal;
  fetchOverride?: typeof globalThis.fetch;
  prompter?: Prompter;
  credentials?: CredentialAccess;
  /** When --timeout's budget began on the monotonic clock; default: when globals are set. */
  budgetStartedAt?: number;
}

export function createContext(init: ContextInit): AppContext {
  let configPromise: Promise<LoadedConfig> | undefined;
  let profilePromise: Promise<Profile> | undefined;
  let portalPromise: Promise<PortalClient> | undefined;
  let prompter: Prompter | undefined;
  let credentialsPromise: Promise<CredentialAccess> | undefined;

  const ctx: AppContext = {
    io: init.io,
    env: init.env,
    cwd: init.cwd,
    clock: init.clock ?? systemClock,
    monotonic: init.monotonic ?? performanceNow,
    paths: init.paths,
    globals: {},
    signal: init.signal ?? new AbortController().signal,
    budget: unlimitedBudget,
    fetchOverride: init.fetchOverride,
    cleanups: [],
    get prompter() {
      prompter ??= pausingBudget(init.prompter ?? createPrompter(ctx), () => ctx.budget);
      return prompter;
    },
    setGlobals(globals) {
      ctx.globals = globals;
      ctx.budget = createBudget(globals.timeout, { now: ctx.monotonic, startedAt: init.budgetStartedAt });
      if (globals.verbose || init.env.RXPORTAL_DEBUG === "1") {
        // In accessible mode the trace's own symbols (the client's arrows and ellipsis) are spelt
        // in ASCII too; by hand, so a trace loads nothing more (ui/plain-text.js is for all text).
        const ascii: Record<string, string> = { "→": "->", "←": "<-", "…": "..." };
        const spell = isAccessible(ctx)
          ? (line: string) => line.replace(/[→←…]/g, (ch) => ascii[ch] ?? ch)
          : (line: string) => line;
        ctx.trace = (line) => ctx.io.stderr.write(`rxportal: ${spell(line)}\n`);
      }
    },
    async locateConfig() {
      const { locateConfig } = await import("./config/load.js");
      return locateConfig({
        flag: ctx.globals.config,
        env: ctx.env,
        configDir: ctx.paths.configDir,
        cwd: ctx.cwd,
      });
    },
    config() {
      configPromise ??= (async () => {
        const [{ loadConfig }, located] = await Promise.all([import("./config/load.js"), ctx.locateConfig()]);
        return loadConfig(located, {
          cacheFile: join(init.paths.dataDir, "config-cache.json"),
        });
      })();
      return configPromise;
    },
    profile() {
      profilePromise ??= (async () => {
        const [{ resolveProfile }, config] = await Promise.all([import("./config/load.js"), ctx.config()]);
        const profile = resolveProfile(config, {
          flag: ctx.globals.profile,
          env: ctx.env,
          sandbox: ctx.globals.sandbox,
          timeoutMs: ctx.globals.timeout,
        });
        if (ctx.globals.oidc && !ctx.globals.sandbox) {
          const { UsageError } = await import("./errors.js");
          throw new UsageError(
            "--oidc goes with --sandbox (the embedded sandbox with its OpenID Provider).",
            {
              hint: "Run `rxportal <command> --sandbox --oidc`, or `rxportal sandbox --oidc` for one that lasts.",
            },
          );
        }
        if (ctx.globals.sandbox && ctx.globals.oidc)
          Object.assign(profile, await startEmbeddedOidcSandbox(ctx, profile.name));
        else if (ctx.globals.sandbox) profile.baseUrl = await startEmbeddedSandbox(ctx);
        return profile;
      })();
      return profilePromise;
    },
    portal() {
      portalPromise ??= (async () => ctx.portalFor(await ctx.profile()))();
      return portalPromise;
    },
    async portalFor(profile) {
      const { requireApiProfile } = await import("./config/load.js");
      requireApiProfile(profile);
      const [{ PortalClient }, fetch] = await Promise.all([
        import("./portal/client.js"),
        ctx.fetchOverride ??
          import("./portal/transport.js").then((m) => m.portalTransport(ctx, profile.timeoutMs)),
      ]);
      return new PortalClient({
        baseUrl: profile.baseUrl,
        fetch,
        timeoutMs: profile.timeoutMs,
        paths: profile.paths,
        trace: ctx.trace,
        clock: ctx.clock,
        monotonic: ctx.monotonic,
        signal: ctx.signal,
        budget: ctx.budget,
        userAgent: "rxportal",
      });
    },
    credentials() {
      credentialsPromise ??= init.credentials ? Promise.resolve(init.credentials) : openCredentials(ctx);
      return credentialsPromise;
    },
  };
  return ctx;
}

/** Time at a prompt is the person's, not the portal's: the command's budget stops meanwhile. */
function pausingBudget(prompter: Prompter, budget: () => Budget): Prompter {
  return {
    get interactive() {
      return prompter.interactive;
    },
    input: (opts) => budget().paused(() => prompter.input(opts)),
    password: (opts) => budget().paused(() => prompter.password(opts)),
    confirm: (opts) => budget().paused(() => prompter.confirm(opts)),
    select: (opts) => budget().paused(() => prompter.select(opts)),
  };
}

async function openCredentials(ctx: AppContext): Promise<CredentialAccess> {
  const { describeBackend } = await import("./credentials/backend.js");
  const backend = await describeBackend(ctx.env);
  if (backend.persistent) {
    const { KeychainCredentialStore } = await import("./credentials/keychain.js");
    const store = new KeychainCredentialStore({ env: ctx.env });
    ctx.cleanups.push(() => store.close());
    return { store, persistent: true, backend };
  }
  const { MemoryCredentialStore } = await import("./credentials/memory.js");
  return { store: new MemoryCredentialStore(), persistent: false, backend };
}

/** --sandbox: the bundled portal, in this process, on a free loopback port. */
async function startEmbeddedSandbox(ctx: AppContext): Promise<string> {
  const [{ startSandbox }, { parseFaultSpec }] = await Promise.all([
    import("./sandbox/server.js"),
    import("./sandbox/faults.js"),
  ]);
  const faults = (ctx.globals.sandboxFault ?? []).map(parseFaultSpec);
  const sandbox = await startSandbox({ host: "127.0.0.1", port: 0, faults });
  ctx.cleanups.push(() => sandbox.close());
  ctx.trace?.(`embedded sandbox portal listening at ${sandbox.baseUrl}`);
  return sandbox.baseUrl;
}

/**
 * --sandbox --oidc: the bundled portal and a real OpenID Provider (oidc-provider and jose, loaded
 * only here), in this process, on free loopback ports. The profile becomes an OIDC one. The
 * provider's demo member approves device codes by itself (nobody could open a page of a provider
 * that ends with the command in time), and the run's credential store (memory only, as for every
 * --sandbox run) holds the sandbox monitoring client's demo secret for health --login.
 */
async function startEmbeddedOidcSandbox(
  ctx: AppContext,
  profileName: string,
): Promise<Pick<Profile, "baseUrl" | "auth">> {
  const [oidc, { parseFaultSpec }, { DEFAULT_OIDC_SCOPES }, { credentialsOf }] = await Promise.all([
    import("./sandbox/oidc.js"),
    import("./sandbox/faults.js"),
    import("./config/load.js"),
    import("./auth/kept.js"),
  ]);
  const faults = (ctx.globals.sandboxFault ?? []).map(parseFaultSpec);
  const both = await oidc.startSandboxWithOidc({
    host: "127.0.0.1",
    port: 0,
    faults,
    autoApprove: oidc.SANDBOX_DEMO_MEMBER,
    deviceInterval: 1,
    quiet: true,
    onApproveError: (error) => ctx.trace?.(`the sandbox's demo approval failed: ${String(error)}`),
  });
  ctx.cleanups.push(() => both.close());
  const { sandbox, provider } = both;
  ctx.trace?.(
    `embedded sandbox portal listening at ${sandbox.baseUrl}, its OpenID Provider at ${provider.issuer}`,
  );
  await (await credentialsOf(ctx)).store.setPassword(
    profileName,
    provider.monitorClientId,
    oidc.SANDBOX_MONITOR_SECRET,
  );
  return {
    baseUrl: sandbox.baseUrl,
    auth: {
      type: "oidc",
      issuer: provider.issuer,
      clientId: provider.clientId,
      scopes: DEFAULT_OIDC_SCOPES,
      audience: provider.audience,
      redirectPort: 0,
      monitor: { clientId: provider.monitorClientId },
    },
  };
}

/** The real process's context. The only place (with bin/) that reads `process`. */
export async function createProcessContext(): Promise<AppContext> {
  const paths = envPaths("rxportal", { suffix: "" });
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (signal?: NodeJS.Signals) => {
    interrupts += 1;
    // A second Ctrl-C means "stop now", even if something is still closing.
    if (interrupts > 1) process.exit(130);
    // The reason names the signal, for a command that logs why it stops (health serve).
    controller.abort(Object.assign(new Error("interrupted"), { signal }));
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const ctx = createContext({
    io: {
      stdout: outStream(1, () => process.stdout),
      stderr: outStream(2, () => process.stderr),
      // Lazy: creating process.stdin sets up a stream for fd 0, which most commands never read.
      get stdin() {
        return process.stdin;
      },
    },
    env: process.env,
    cwd: process.cwd(),
    paths: {
      configDir: paths.config,
      dataDir: process.env.RXPORTAL_STATE_DIR ? resolve(process.env.RXPORTAL_STATE_DIR) : paths.data,
    },
    signal: controller.signal,
    // The process's uptime: performance.now()'s clock (both count from the process's start), read
    // without loading perf_hooks. Starting at 0, the budget includes Node's own start-up.
    monotonic: () => process.uptime() * 1000,
    budgetStartedAt: 0,
  });
  ctx.endsWithProcess = true;
  ctx.cleanups.push(() => {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  });
  return ctx;
}
