// AppContext: everything a command needs from the outside world, injected. Types only: the
// command layer (src/commands/**) and main.ts use it; src/compose.ts builds it (the one place,
// with bin/, that touches `process`). Modules below the commands never import this file: each
// declares the narrow dependencies it uses (SignInDeps, SessionDeps, RecoveryDeps, HealthDeps,
// UiContext: an AppContext satisfies each; doctor's ProbeEnv and refill's RefillDeps the commands
// build), and tests pass just those fields.
import type { Budget } from "./budget.js";
import type { Clock, Monotonic } from "./clock.js";
import type { ConfigLocation, LoadedConfig, Profile } from "./config/load.js";
import type { CredentialAccess } from "./credentials/access.js";
import type { PortalClient } from "./portal/client.js";
import type { IO } from "./ui/io.js";
import type { Prompter } from "./ui/prompts.js";

export type { CredentialAccess } from "./credentials/access.js";
export type { IO, OutStream } from "./ui/io.js";

/** The global options of shared/cli.md, after parsing. */
export interface GlobalOptions {
  profile?: string;
  config?: string;
  sandbox?: boolean;
  sandboxFault?: string[];
  /** With --sandbox: an OpenID Provider beside the embedded sandbox, the profile an OIDC one. */
  oidc?: boolean;
  json?: boolean;
  plain?: boolean;
  /** false for --no-color. */
  color?: boolean;
  /** --lang: en or es (src/i18n/lang.ts resolves it with RXPORTAL_LANG and the locale). */
  lang?: string;
  verbose?: boolean;
  timeout?: number;
}

export interface AppPaths {
  configDir: string;
  dataDir: string;
}

export interface AppContext {
  io: IO;
  env: Record<string, string | undefined>;
  cwd: string;
  clock: Clock;
  /** Deadlines and --timeout's budget: milliseconds on a monotonic clock. */
  monotonic: Monotonic;
  paths: AppPaths;
  globals: GlobalOptions;
  /** Aborted on Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  /**
   * Set by a command that stops by itself when `signal` aborts (health serve drains its scrapes):
   * main.ts then waits for the command's own exit code instead of ending the run with 130.
   */
  stopsItself?: boolean;
  /** The command's whole time budget from --timeout (unlimited without it); prompts pause it. */
  budget: Budget;
  /** Tests inject a fetch that msw intercepts; production builds undici's. */
  fetchOverride?: typeof globalThis.fetch;
  /** Functions to run before the process ends (closing the in-process sandbox, ...). */
  cleanups: (() => Promise<void> | void)[];
  /**
   * True in the CLI process (src/compose.ts), which ends with its command: what the cleanups need
   * not close by hand (idle keep-alive sockets) closes with it. Unset in tests and embeddings.
   */
  endsWithProcess?: boolean;
  /** Set once by main.ts after parsing. */
  setGlobals(globals: GlobalOptions): void;
  locateConfig(): Promise<ConfigLocation>;
  config(): Promise<LoadedConfig>;
  profile(): Promise<Profile>;
  portal(): Promise<PortalClient>;
  /** A client for another profile's portal, built the same way (one transport, the budget). */
  portalFor(profile: Profile): Promise<PortalClient>;
  /** The OS keychain when a lasting one answers; otherwise an in-memory store for this run only. */
  credentials(): Promise<CredentialAccess>;
  /** Questions to the person; tests inject scripted answers. */
  prompter: Prompter;
  /** Writes a trace line to stderr when --verbose or RXPORTAL_DEBUG=1. */
  trace?: (line: string) => void;
}
