// Password reset: ask the portal for a code, then set a new password with it. Secrets (the code,
// the new password) come from masked prompts or stdin lines, go to the portal and, only when a
// password was already remembered, to the keychain; never to stdout, stderr or a file.
import { stdinOf } from "../auth/secret-input.js";
import { credentialsOf } from "../auth/session.js";
import { bundledSandboxOutbox, lockoutGuard, type SignInDeps } from "../auth/sign-in.js";
import type { Profile } from "../config/load.js";
import type { CredentialAccess } from "../credentials/access.js";
import { CliError, PortalError, PortalRefusedError, UsageError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import type { AuthPolicy } from "../portal/schemas.js";
import { note } from "../ui/output.js";
import type { MemberIdentity } from "./identity.js";
import {
  NewPasswordRefusedError,
  newPasswordProblems,
  type PasswordProblem,
  STRONG_PASSWORD_TIP,
} from "./password-check.js";

/**
 * What recovery needs from the run: the profile and its (anonymous) client, the keychain, and what
 * signing in needs (the lockout guard, stdin, prompts, notes, the sandbox's outbox).
 */
export interface RecoveryDeps extends SignInDeps {
  profile(): Promise<Profile>;
  portal(): Promise<PortalClient>;
  credentials(): Promise<CredentialAccess>;
}

/** How often a person at the keyboard may retype a refused or mistyped new password. */
const PASSWORD_ROUNDS = 3;

export interface ResetRequested {
  profile: string;
  channel?: string;
  destinationHint?: string;
  /** From the portal's policy, when it could be read. */
  codeTtlMinutes?: number;
  requestId?: string;
  /** The sandbox's outbox page, when the portal is the bundled sandbox on this machine. */
  sandboxOutbox?: string;
}

/** Asks for a reset code. The answer is the same whether or not an account matched. */
export async function requestReset(
  deps: RecoveryDeps,
  who: { username: string } | MemberIdentity,
): Promise<ResetRequested> {
  const [profile, client] = await Promise.all([deps.profile(), deps.portal()]);
  const sent = await client.requestPasswordReset(who);
  const requestId = client.lastRequestId;
  // Only to tell the member how long the code lasts: a policy the portal will not give now
  // must not turn a code that was sent into a failure.
  const policy = await client.getAuthPolicy().catch((error: unknown) => {
    if (error instanceof PortalError) return undefined;
    throw error;
  });
  return {
    profile: profile.name,
    channel: sent.channel,
    destinationHint: sent.destinationHint,
    codeTtlMinutes: policy?.resetCode.ttlMinutes,
    requestId,
    // Only the bundled sandbox has an outbox; a real portal on this machine does not.
    sandboxOutbox: await bundledSandboxOutbox(deps, profile),
  };
}

export interface ConfirmOptions {
  username: string;
  /** --code-stdin: the code is the next stdin line (line 1). */
  codeStdin?: boolean;
  /** --new-password-stdin: the new password is the next stdin line (line 2 after a code). */
  newPasswordStdin?: boolean;
}

export interface ResetDone {
  username: string;
  profile: string;
  /** A password kept by `login --remember` was replaced by the new one. */
  rememberedPasswordUpdated: boolean;
  /** A kept session was removed: the portal ends sessions on a reset. */
  sessionCleared: boolean;
  requestId?: string;
}

/** Sets the new password with the code. The new password is checked here before it is sent. */
export async function confirmReset(deps: RecoveryDeps, opts: ConfirmOptions): Promise<ResetDone> {
  const { username } = opts;
  const [profile, client] = await Promise.all([deps.profile(), deps.portal()]);
  const policy = await client.getAuthPolicy();
  let code = await readCode(deps, opts);
  let newPassword = await readNewPassword(deps, opts, policy);
  for (;;) {
    try {
      await client.confirmPasswordReset({ username, code, newPassword });
      break;
    } catch (error) {
      if (!(error instanceof PortalRefusedError)) throw error;
      if (error.code === "invalid_or_expired_code") {
        const left = error.problem?.attemptsRemaining;
        if (!opts.codeStdin && deps.prompter.interactive && typeof left === "number" && left > 0) {
          note(deps, `That code was not accepted (${attempts(left)} left). Check it and type it again.`);
          code = await readCode(deps, opts);
          continue;
        }
        throw codeRefused(error, policy);
      }
      if (error.code === "password_policy") {
        if (!opts.newPasswordStdin && deps.prompter.interactive) {
          note(deps, error.message);
          newPassword = await readNewPassword(deps, opts, policy);
          continue;
        }
        throw new PortalRefusedError(error.message, {
          code: error.code,
          status: error.status,
          problem: error.problem,
          requestId: error.requestId,
          hint: "Choose another password and run `rxportal reset confirm` again; the code works until it expires.",
        });
      }
      throw error;
    }
  }
  const requestId = client.lastRequestId;
  // The portal has unlocked the account; the guard must stop counting the old failures too.
  await lockoutGuard(deps).clear(profile.name, username);
  const { rememberedPasswordUpdated, sessionCleared } = await updateKeychain(
    deps,
    profile.name,
    username,
    newPassword,
  );
  return { username, profile: profile.name, rememberedPasswordUpdated, sessionCleared, requestId };
}

function attempts(n: number): string {
  return `${n} ${n === 1 ? "attempt" : "attempts"}`;
}

function codeRefused(error: PortalRefusedError, policy: AuthPolicy): PortalRefusedError {
  const left = error.problem?.attemptsRemaining;
  const leftPhrase = typeof left === "number" ? ` (${attempts(left)} left on it)` : "";
  return new PortalRefusedError(`That reset code is wrong, already used or expired${leftPhrase}.`, {
    code: error.code,
    status: error.status,
    problem: error.problem,
    requestId: error.requestId,
    hint: `Run \`rxportal reset request\` for a new code: a code works once, for ${policy.resetCode.ttlMinutes} minutes, and only the newest one works.`,
  });
}

async function readCode(deps: RecoveryDeps, opts: ConfirmOptions): Promise<string> {
  if (opts.codeStdin) return (await stdinOf(deps).require("reset code", "--code-stdin")).trim();
  // Masked: a reset code on screen is as good as the password it is about to set.
  const code = await deps.prompter.password({
    message: "Reset code from the message:",
    noTty: "--code-stdin (the code on the first line of stdin)",
    validate: (v) => (v.trim() ? true : "Type the code from the message."),
  });
  return code.trim();
}

async function readNewPassword(
  deps: RecoveryDeps,
  opts: ConfirmOptions,
  policy: AuthPolicy,
): Promise<string> {
  const rules = policy.password;
  if (opts.newPasswordStdin) {
    // Not trimmed: spaces may be part of a password.
    const password = await stdinOf(deps).require("new password", "--new-password-stdin");
    const problems = await newPasswordProblems(password, opts.username, rules);
    if (problems.length > 0) throw new NewPasswordRefusedError(problems);
    return password;
  }
  let problems: PasswordProblem[] = [];
  for (let round = 1; round <= PASSWORD_ROUNDS; round++) {
    const first = await deps.prompter.password({
      message: `New password (at least ${rules.minLength} characters):`,
      noTty: "--new-password-stdin (the new password on the next line of stdin)",
      validate: (v) => (v ? true : "Type a new password."),
    });
    problems = await newPasswordProblems(first, opts.username, rules);
    if (problems.length > 0) {
      note(deps, "That password will not do:");
      for (const p of problems) note(deps, `  - ${p.message}`);
      note(deps, STRONG_PASSWORD_TIP);
      continue;
    }
    const second = await deps.prompter.password({
      message: "The new password again:",
      noTty: "--new-password-stdin",
    });
    if (second === first) return first;
    note(deps, "The two entries differ; type the new password twice again.");
  }
  if (problems.length > 0) throw new NewPasswordRefusedError(problems);
  throw new UsageError("The two entries of the new password did not match; nothing was sent.");
}

/** Puts the new password where the old one was remembered, and drops the session the reset ended. */
async function updateKeychain(
  deps: RecoveryDeps,
  profile: string,
  username: string,
  newPassword: string,
): Promise<{ rememberedPasswordUpdated: boolean; sessionCleared: boolean }> {
  const { store } = await credentialsOf(deps);
  let rememberedPasswordUpdated = false;
  try {
    // Only a password the member asked to remember is replaced; none is stored otherwise.
    if ((await store.getPassword(profile, username)) !== undefined) {
      await store.setPassword(profile, username, newPassword);
      rememberedPasswordUpdated = true;
    }
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    // The reset itself worked; a stale remembered password would only fail the next sign-in.
    note(
      deps,
      `rxportal: warning: the keychain could not be updated (${error.message}); if a password was remembered, run \`rxportal logout --forget\`.`,
    );
  }
  const sessionCleared = await store.deleteSession(profile, username).catch(() => false);
  return { rememberedPasswordUpdated, sessionCleared };
}

/**
 * The full flow asks for the code between its two calls, so it needs a terminal. Checked before
 * a code is requested, so a script does not trigger a code it has no way to type.
 */
export function requireTerminalForFullReset(deps: Pick<RecoveryDeps, "prompter">): void {
  if (deps.prompter.interactive) return;
  throw new UsageError(
    "`rxportal reset` asks for the code and the new password, and there is no terminal here.",
    {
      hint: "Run `rxportal reset request --username <u>`, then `rxportal reset confirm --username <u> --code-stdin --new-password-stdin` with the code on the first line of stdin and the new password on the second.",
    },
  );
}
