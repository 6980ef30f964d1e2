// Signing in: password, then the second step (MFA) if the portal asks, all behind the lockout guard.
import type { Profile } from "../config/load.js";
import type { AppContext } from "../context.js";
import { PortalRefusedError, TryLaterError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import type { AuthPolicy, LoginOk, LoginResponse, MfaRequired } from "../portal/schemas.js";
import { sandboxOutbox } from "../portal/url.js";
import { formatLocalTime, note } from "../ui/output.js";
import { clearCodeRefusal, recordCodeRefusal } from "./code-record.js";
import { LockoutGuard } from "./lockout-guard.js";
import { stdinOf } from "./secret-input.js";

export interface SignInOptions {
  username: string;
  password: string;
  /** --force: sign in even when the lockout guard would stop it. */
  force?: boolean;
  /** --password-stdin: a code asked for later is read from the next stdin line. */
  codeFromStdin?: boolean;
}

const channelWords = { sms: "a text message", email: "an email", totp: "your authenticator app" } as const;

export function lockoutGuard(ctx: AppContext): LockoutGuard {
  return new LockoutGuard(ctx.paths.dataDir, ctx.clock);
}

/** Signs in and returns the tokens. Every refusal updates the guard before it is rethrown. */
export async function signIn(
  ctx: AppContext,
  client: PortalClient,
  profile: Profile,
  opts: SignInOptions,
): Promise<LoginOk> {
  let answer = await submitPassword(ctx, client, profile, opts);
  if (answer.result === "mfa_required") {
    answer = await completeMfa(ctx, client, profile, answer, opts);
  }
  await lockoutGuard(ctx).clear(profile.name, opts.username);
  return answer;
}

/**
 * The password step alone, behind the lockout guard: refuses an attempt that could lock the
 * account (exit 75), sends the password, and records a refusal or a lock before rethrowing it in
 * words. Returns the portal's answer: signed in, or a second step still to complete.
 */
export async function submitPassword(
  ctx: AppContext,
  client: PortalClient,
  profile: Profile,
  opts: Pick<SignInOptions, "username" | "password" | "force">,
): Promise<LoginResponse> {
  const policy = await client.getAuthPolicy();
  const guard = lockoutGuard(ctx);
  const before = await guard.check(profile.name, opts.username, policy.lockout.maxAttempts, opts.force);
  if (opts.force && before.attemptsLeft <= 1) {
    note(ctx, "rxportal: warning: --force given; if this password is wrong the account will be locked.");
  }
  try {
    return await client.login({ username: opts.username, password: opts.password });
  } catch (error) {
    throw await explainLoginFailure(guard, profile, opts.username, policy, error);
  }
}

async function explainLoginFailure(
  guard: LockoutGuard,
  profile: Profile,
  username: string,
  policy: AuthPolicy,
  error: unknown,
): Promise<unknown> {
  const max = policy.lockout.maxAttempts;
  if (error instanceof PortalRefusedError && error.code === "invalid_credentials") {
    const remaining = error.problem?.attemptsRemaining;
    const { attemptsLeft } = await guard.recordFailure(
      profile.name,
      username,
      max,
      typeof remaining === "number" ? remaining : undefined,
    );
    const safe = Math.max(0, attemptsLeft - 1);
    return new PortalRefusedError(
      `The portal did not accept that username and password. ${
        safe > 0
          ? `rxportal will allow ${safe} more ${safe === 1 ? "try" : "tries"} before it stops to protect the account from locking.`
          : "rxportal will not try again: one more failure would lock the account."
      }`,
      {
        code: error.code,
        status: error.status,
        problem: error.problem,
        requestId: error.requestId,
        hint: "Check Caps Lock and whether the portal wants your username or your email. Forgot it? `rxportal reset` or `rxportal username recover`.",
      },
    );
  }
  if (error instanceof TryLaterError && error.code === "account_locked") {
    await guard.recordLocked(profile.name, username, max, error.lockedUntil);
    const until = error.lockedUntil ? ` until ${formatLocalTime(error.lockedUntil)}` : "";
    return new TryLaterError(`The account is locked after too many failed sign-ins${until}.`, {
      code: error.code,
      status: error.status,
      lockedUntil: error.lockedUntil,
      requestId: error.requestId,
      hint: "Wait until then, or run `rxportal reset`: a password reset also unlocks the account. If you did not make those attempts, call the number in `rxportal contacts --topic security`.",
    });
  }
  if (error instanceof PortalRefusedError && error.code === "password_expired") {
    return new PortalRefusedError("Your password has expired and must be changed before you can sign in.", {
      code: error.code,
      status: error.status,
      requestId: error.requestId,
      hint: "Run `rxportal reset` to set a new one.",
    });
  }
  if (error instanceof PortalRefusedError && error.code === "account_disabled") {
    return new PortalRefusedError("This account is disabled; it cannot be unlocked online.", {
      code: error.code,
      status: error.status,
      requestId: error.requestId,
      hint: "Call the number on the back of your member ID card, or see `rxportal contacts`.",
    });
  }
  return error;
}

async function completeMfa(
  ctx: AppContext,
  client: PortalClient,
  profile: Profile,
  challenge: MfaRequired,
  opts: SignInOptions,
): Promise<LoginOk> {
  let current = challenge;
  const describe = (c: { channel: MfaRequired["channel"]; destinationHint: string }) =>
    c.channel === "totp"
      ? "Enter the code from your authenticator app."
      : `A sign-in code was sent by ${channelWords[c.channel as keyof typeof channelWords] ?? c.channel} to ${c.destinationHint}. It works for 15 minutes; only the newest code works.`;
  note(ctx, describe(current));
  const outbox = current.channel === "totp" ? undefined : sandboxOutbox(profile.baseUrl);
  if (outbox) note(ctx, `Sandbox portal: the code is shown at ${outbox}`);
  const firstSentAt = new Date(ctx.clock.now()).toISOString();
  let resentAt: string | undefined;
  for (;;) {
    const code = await readCode(ctx, current, opts);
    if (code === "resend") {
      const sent = await client.resendMfa({ challengeId: current.challengeId });
      resentAt = new Date(ctx.clock.now()).toISOString();
      current = { ...current, channel: sent.channel, destinationHint: sent.destinationHint };
      note(ctx, `A new code was sent to ${sent.destinationHint}. Earlier codes no longer work.`);
      continue;
    }
    try {
      const ok = await client.verifyMfa({ challengeId: current.challengeId, code });
      await clearCodeRefusal(ctx, profile.name, opts.username).catch(() => undefined);
      return ok;
    } catch (error) {
      if (
        error instanceof PortalRefusedError &&
        (error.code === "invalid_code" || error.code === "challenge_expired")
      ) {
        // For `rxportal doctor`; losing this note must not change the sign-in's own outcome.
        await recordCodeRefusal(ctx, profile.name, opts.username, {
          at: new Date(ctx.clock.now()).toISOString(),
          problem: error.code,
          resentAt,
          firstSentAt,
          requestId: error.requestId,
        }).catch(() => undefined);
      }
      if (error instanceof PortalRefusedError && error.code === "invalid_code" && ctx.prompter.interactive) {
        const left = error.problem?.attemptsRemaining;
        note(
          ctx,
          `That code was not accepted${typeof left === "number" ? ` (${left} ${left === 1 ? "try" : "tries"} left)` : ""}. Use the newest code, or type r for a new one.`,
        );
        continue;
      }
      if (error instanceof PortalRefusedError && error.code === "challenge_expired") {
        throw new PortalRefusedError("The sign-in code expired, or too many wrong codes were entered.", {
          code: error.code,
          status: error.status,
          requestId: error.requestId,
          hint: "Run `rxportal login` again for a new code, and use it within 15 minutes.",
        });
      }
      throw error;
    }
  }
}

async function readCode(ctx: AppContext, challenge: MfaRequired, opts: SignInOptions): Promise<string> {
  if (challenge.channel === "totp" && ctx.env.RXPORTAL_TOTP_SECRET) {
    const { generateTotp } = await import("../portal/totp.js");
    return generateTotp(ctx.env.RXPORTAL_TOTP_SECRET, ctx.clock.now());
  }
  if (opts.codeFromStdin) {
    // A line "r" asks for a new code, as at the prompt.
    const line = (await stdinOf(ctx).require("sign-in code", "--password-stdin")).trim();
    return /^r$/i.test(line) ? "resend" : line;
  }
  const answer = await ctx.prompter.input({
    message: challenge.channel === "totp" ? "Code from your app:" : "Sign-in code (r for a new one):",
    noTty: "--password-stdin with the code on the line after the password",
    validate: (v) =>
      /^\s*(r|\d{4,10})\s*$/i.test(v) ? true : "Type the digits of the code, or r for a new one.",
  });
  const trimmed = answer.trim();
  return /^r$/i.test(trimmed) ? "resend" : trimmed;
}
