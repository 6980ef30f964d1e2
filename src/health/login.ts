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
import { signIn } from "../auth/sign-in.js";
import type { Profile } from "../config/load.js";
import type { AppContext, OutStream } from "../context.js";
import { UsageError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import type { Prompter } from "../ui/prompts.js";
import { type LoginOutcome, type LoginStep, type PhaseResult, timePhase } from "./probe.js";

export interface HealthCredentials {
  username: string;
  /** Kept in memory only; never printed, logged or written. */
  password: string;
  source: "file" | "env" | "keychain";
}

export async function resolveHealthCredentials(
  ctx: AppContext,
  profile: Profile,
  opts: { username?: string; passwordFile?: string },
): Promise<HealthCredentials> {
  const username = opts.username ?? profile.username;
  if (!username) {
    throw new UsageError(
      `health --login needs a username for profile "${profile.name}": pass --username <u> or set \`username\` in the profile.`,
    );
  }
  if (opts.passwordFile) {
    return { username, password: await readPasswordFile(ctx, opts.passwordFile), source: "file" };
  }
  if (ctx.env.RXPORTAL_PASSWORD) return { username, password: ctx.env.RXPORTAL_PASSWORD, source: "env" };
  const creds = await credentialsOf(ctx);
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
 * The context sign-in sees: no prompts, and no notes on stderr ("Enter the code from your
 * authenticator app." means nothing in a monitor's log). Everything else, the lockout guard's
 * state folder and RXPORTAL_TOTP_SECRET included, is the real context's.
 */
function monitorContext(ctx: AppContext): AppContext {
  const io = Object.create(ctx.io, { stderr: { value: sink } });
  return Object.create(ctx, { io: { value: io }, prompter: { value: monitorPrompter } });
}

export function loginStep(ctx: AppContext, profile: Profile, credentials: HealthCredentials): LoginStep {
  const quiet = monitorContext(ctx);
  return async (client: PortalClient): Promise<LoginOutcome> => {
    const at = new Date(ctx.clock.now()).toISOString();
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
      const session = signedIn;
      phases.push(
        await timePhase("me", async () => {
          const me = await session.getMe();
          return me.memberId;
        }),
      );
      // Sign out even when /me failed: a monitor must not pile up sessions on the portal.
      phases.push(
        await timePhase("logout", async () => {
          await session.logout();
          return undefined;
        }),
      );
    }
    return { phases, login: { username: credentials.username, ok: login.ok, at, reused: false } };
  };
}
