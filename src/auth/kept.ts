// What a session's code shares, with no sign-in flow in it: the run's credential store, why
// nothing lasts without a keychain, and the small state files of who has something kept and who
// signed out. Apart from session.ts so that the OIDC flows (./oidc/session.ts, loaded lazily by
// session.ts) use it without an import cycle; session.ts re-exports all of it.
import { join } from "node:path";
import type { Profile } from "../config/load.js";
import type { CredentialAccess } from "../credentials/access.js";
import type { PortalClient } from "../portal/client.js";
import { jsonStore } from "../state/json-store.js";
import { check, recordOf } from "../state/shapes.js";
import type { SignInDeps } from "./sign-in.js";

/** What getting a session needs from the run: signing in's, and the profile, client and keychain. */
export interface SessionDeps extends SignInDeps {
  /** OIDC profiles: the provider's transport is closed with the run; --verbose traces its requests. */
  cleanups?: (() => Promise<void> | void)[];
  trace?: (line: string) => void;
  /** --password-file is read relative to it. */
  cwd: string;
  profile(): Promise<Profile>;
  /** The profile's anonymous client; a session makes it act for someone (PortalClient.as). */
  portal(): Promise<PortalClient>;
  /** The OS keychain when a lasting one answers; otherwise a store for this run only. */
  credentials(): Promise<CredentialAccess>;
}

type StateDeps = Pick<SessionDeps, "paths">;

// -- where sessions live for this run.

const runStores = new WeakMap<object, CredentialAccess>();

/**
 * The credential store for this run. With --sandbox the portal is a fresh one started in this
 * process, which knows no earlier session and forgets this one when the run ends: keeping its
 * tokens in the keychain would only hand the next run a session its fresh portal rejects (77).
 * So --sandbox runs keep sessions in memory, for the run, and never touch the keychain.
 */
export async function credentialsOf(
  ctx: Pick<SessionDeps, "globals" | "credentials">,
): Promise<CredentialAccess> {
  if (!ctx.globals.sandbox) return ctx.credentials();
  let access = runStores.get(ctx);
  if (!access) {
    const { MemoryCredentialStore } = await import("../credentials/memory.js");
    access = {
      store: new MemoryCredentialStore(),
      persistent: false,
      backend: {
        backend: "none",
        persistent: false,
        detail: "--sandbox: the embedded sandbox portal lives for this command only, and so do its sessions",
      },
    };
    runStores.set(ctx, access);
  }
  return access;
}

/** Words for "why nothing lasts past this command", by situation (login's note, whoami's hint). */
export function notKeptBecause(
  ctx: Pick<SessionDeps, "globals">,
  oidc = false,
): { why: string; howToLast: string } {
  if (ctx.globals.sandbox) {
    return {
      why: "--sandbox starts a fresh sandbox portal for each command, so a session ends with its command",
      howToLast:
        "For a sandbox that lasts between commands, run `rxportal sandbox` in another terminal and use `--profile sandbox` instead of --sandbox.",
    };
  }
  if (oidc) {
    // An OIDC profile has no password to sign in with again: only a kept refresh token lasts.
    return {
      why: "there is no lasting keychain here, so a session ends with its command",
      howToLast:
        "To stay signed in, use a keychain (`rxportal keychain status` says how); monitors give `health --login` a refresh token with RXPORTAL_REFRESH_TOKEN or --refresh-token-file.",
    };
  }
  return {
    why: "there is no lasting keychain here, so a session ends with its command",
    howToLast:
      "To stay signed in, use a keychain (`rxportal keychain status` says how). Scripts: set RXPORTAL_PASSWORD, or give `--password-file <file>` (login, health) or `--password-stdin`, and each command signs in by itself.",
  };
}

// -- profiles that have something in the keychain, and users who signed out: names only, no secrets.

// A damaged file of either kind reads as empty, as it always did: the next change writes a good one.
// Checked by hand (src/state/shapes.ts), without zod: every command that looks for a session reads
// signed-out.json.
/** kept-profiles.json: a list; what is not a name is dropped on read. */
export const keptProfilesCheck = check((names) =>
  Array.isArray(names) ? names.filter((p): p is string => typeof p === "string") : undefined,
);
/** signed-out.json: an object of anything (a time is all rxportal writes). */
export const signedOutCheck = check(recordOf);

const keptStore = (ctx: StateDeps) =>
  jsonStore(join(ctx.paths.dataDir, "kept-profiles.json"), keptProfilesCheck, {
    empty: (): string[] => [],
  });

/** Profiles rxportal has kept something for on this machine (for `logout --all`, `keychain status`). */
export async function keptProfiles(ctx: StateDeps): Promise<string[]> {
  return keptStore(ctx).read();
}

export async function noteKeptProfile(ctx: StateDeps, profile: string): Promise<void> {
  await keptStore(ctx).update((known) => (known.includes(profile) ? undefined : [...known, profile].sort()));
}

/** signed-out.json: "<profile>\0<username in lower case>" → when that member signed out. */
const signedOutStore = (ctx: StateDeps) =>
  jsonStore(join(ctx.paths.dataDir, "signed-out.json"), signedOutCheck, {
    empty: (): Record<string, unknown> => ({}),
  });

const userKey = (profile: string, username: string) => `${profile}\u0000${username.toLowerCase()}`;

/**
 * `logout` ends access: after it, a password remembered in the keychain no longer signs commands
 * in by themselves; only `rxportal login` (which says so) uses it again.
 */
export async function markSignedOut(
  ctx: Pick<SessionDeps, "paths" | "clock">,
  profile: string,
  username: string,
  out: boolean,
) {
  const key = userKey(profile, username);
  await signedOutStore(ctx).update((data) => {
    if (out === key in data) return undefined;
    if (out) data[key] = new Date(ctx.clock.now()).toISOString();
    else delete data[key];
    return data;
  });
}

export async function isSignedOut(ctx: StateDeps, profile: string, username: string): Promise<boolean> {
  return userKey(profile, username) in (await signedOutStore(ctx).read());
}

export interface SignedIn {
  /** The profile's client acting for this session (PortalClient.as). */
  client: PortalClient;
  profile: Profile;
  username: string;
  /** False when the session lives only for this run (no persistent keychain). */
  kept: boolean;
  /**
   * The signed-in member's id when the sign-in told it (the login's `member`, kept with the
   * session): a command may ask for the member's own data before GET /me answers.
   */
  memberId?: string;
}
