// health --login: sign in as a monitoring account, read /me, sign out; unattended and lockout-safe.
//
// - Credentials never come from argv: the username from --username or the profile; the password
//   from --password-file, RXPORTAL_PASSWORD, or the keychain (in that order: a source the operator
//   set explicitly wins, and a monitoring host without a keychain is not made to probe for one).
// - The sign-in is auth/sign-in.ts's, so the lockout guard counts every failure, under a lock
//   shared by every process using the same state folder (RXPORTAL_STATE_DIR for monitors in fresh
//   containers). health stops at the first refusal: once the portal refused this user's password,
//   later runs do not send it again until a successful `rxportal login` clears the record.
// - A second step is answered only from RXPORTAL_TOTP_SECRET; a code sent by text or email
//   cannot be read by a monitor, and that is reported instead of waiting for a person.
import { readPasswordFile } from "../auth/secret-input.js";
import { credentialsOf } from "../auth/session.js";
import { type SignInDeps, signIn } from "../auth/sign-in.js";
import type { Profile } from "../config/load.js";
import type { CredentialAccess } from "../credentials/access.js";
import { UsageError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import type { OutStream } from "../ui/io.js";
import type { Prompter } from "../ui/prompts.js";
import {
  type MonitorCredential,
  type OidcHealthDeps,
  oidcLoginStep,
  resolveMonitorCredential,
} from "./oidc-login.js";
import { type LoginOutcome, type LoginStep, type PhaseResult, timePhase } from "./probe.js";

/** What health --login needs from the run: signing in's, and where a password may be found. */
export interface HealthLoginDeps extends SignInDeps {
  /** --password-file is read relative to it. */
  cwd: string;
  credentials(): Promise<CredentialAccess>;
}

export interface PortalCredentials {
  kind?: "portal";
  username: string;
  /** Kept in memory only; never printed, logged or written. */
  password: string;
  source: "file" | "env" | "keychain";
}

/** An OIDC profile's monitoring credential: a refresh token, or a monitoring client's secret. */
export interface OidcCredentials {
  kind: "oidc";
  credential: MonitorCredential;
}

export type HealthCredentials = PortalCredentials | OidcCredentials;

export interface HealthCredentialOptions {
  username?: string;
  passwordFile?: string;
  /** OIDC profiles (src/health/oidc-login.ts). */
  refreshTokenFile?: string;
  clientSecretFile?: string;
}

/**
 * The credentials of health --login for one profile, by how its members sign in: a password
 * for a portal profile, a refresh token or a monitoring client's secret for an OIDC one.
 */
export async function resolveHealthCredentials(
  deps: OidcHealthDeps,
  profile: Profile,
  opts: HealthCredentialOptions,
): Promise<HealthCredentials> {
  if (profile.auth?.type === "oidc") {
    return { kind: "oidc", credential: await resolveMonitorCredential(deps, profile, opts) };
  }
  const username = opts.username ?? profile.username;
  if (!username) {
    throw new UsageError(
      `health --login needs a username for profile "${profile.name}": pass --username <u> or set \`username\` in the profile.`,
    );
  }
  if (opts.passwordFile) {
    return { username, password: await readPasswordFile(deps, opts.passwordFile), source: "file" };
  }
  if (deps.env.RXPORTAL_PASSWORD) return { username, password: deps.env.RXPORTAL_PASSWORD, source: "env" };
  const creds = await credentialsOf(deps);
  const remembered = creds.persistent
    ? await creds.store.getPassword(profile.name, username).catch(() => undefined)
    : undefined;
  if (remembered) return { username, password: remembered, source: "keychain" };
  throw new UsageError(
    `health --login has no password for ${username} (profile "${profile.name}"): set RXPORTAL_PASSWORD, pass --password-file <file> (mode 0600), or remember it with \`rxportal login --remember\`.`,
  );
}

class UnanswerableCodeError extends UsageError {
  readonly code = "mfa_unanswerable";
}

/** Never asks a person: a monitor has nobody to ask. */
const monitorPrompter: Prompter = {
  interactive: false,
  input: async (opts) => {
    throw new UnanswerableCodeError(
      /app/i.test(opts.message)
        ? "The portal asked for an authenticator-app code and RXPORTAL_TOTP_SECRET is not set."
        : "The portal sent a sign-in code by text or email, which a monitor cannot read; use a monitoring account with an authenticator app (TOTP) and set RXPORTAL_TOTP_SECRET.",
    );
  },
  password: async () => {
    throw new UsageError("health never asks for a password.");
  },
  confirm: async () => false,
  select: async () => {
    throw new UsageError("health never asks questions.");
  },
};

const sink: OutStream = { write: () => true };

/**
 * What sign-in sees: no prompts, and no notes on stderr ("Enter the code from your
 * authenticator app." means nothing in a monitor's log). Everything else, the lockout guard's
 * state folder and RXPORTAL_TOTP_SECRET included, is the run's own.
 */
function monitorDeps(deps: SignInDeps): SignInDeps {
  // Views, not copies: the run's io reads stdin only when asked, and its prompter is built lazily.
  const io = Object.create(deps.io, { stderr: { value: sink } });
  return Object.create(deps, { io: { value: io }, prompter: { value: monitorPrompter } });
}

export function loginStep(deps: OidcHealthDeps, profile: Profile, credentials: HealthCredentials): LoginStep {
  if (credentials.kind === "oidc") return oidcLoginStep(deps, profile, credentials.credential);
  const quiet = monitorDeps(deps);
  return async (client: PortalClient): Promise<LoginOutcome> => {
    const at = new Date(deps.clock.now()).toISOString();
    const phases: PhaseResult[] = [];
    let signedIn: PortalClient | undefined;
    const login = await timePhase("login", async () => {
      const session = await signIn(quiet, client, profile, {
        username: credentials.username,
        password: credentials.password,
        // One attempt, and none at all once a refusal is on record: a monitor that retried a
        // wrong password every minute would spend the member's attempts for them.
        stopAfterRefusal: true,
      });
      signedIn = client.as(session);
      return credentials.username;
    });
    phases.push(login);
    if (signedIn) {
      const signed = signedIn;
      phases.push(
        await timePhase("me", async () => {
          const me = await signed.getMe();
          return me.memberId;
        }),
      );
      // Sign out even when /me failed: a monitor must not pile up sessions on the portal.
      phases.push(
        await timePhase("logout", async () => {
          await signed.logout();
          return undefined;
        }),
      );
    }
    return { phases, login: { username: credentials.username, ok: login.ok, at, reused: false } };
  };
}
