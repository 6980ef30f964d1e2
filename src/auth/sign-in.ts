// Signing in: password, then the second step (MFA) if the portal asks, all behind the lockout guard.
import type { Clock } from "../clock.js";
import type { Profile } from "../config/load.js";
import { PortalRefusedError, said, TryLaterError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import type { AuthPolicy, LoginOk, LoginResponse, MfaRequired } from "../portal/schemas.js";
import { sandboxOutbox } from "../portal/url.js";
import type { IO } from "../ui/io.js";
import { formatDuration, formatLocalTime, note } from "../ui/output.js";
import type { Prompter } from "../ui/prompts.js";
import { clearCodeRefusal, recordCodeRefusal } from "./code-record.js";
import { type FailureKind, LockoutGuard, MemoryGuardStore, RESERVE_ATTEMPTS } from "./lockout-guard.js";
import { stdinOf } from "./secret-input.js";

/**
 * What signing in needs from the run; the command's context has all of it. Pass one object for
 * the whole run: what lasts the run (the stdin line reader, --sandbox's guard and sessions) is
 * kept per object.
 */
export interface SignInDeps {
  /** Notes on stderr; a code from stdin (--password-stdin). */
  io: IO;
  /** RXPORTAL_TOTP_SECRET. */
  env: Record<string, string | undefined>;
  clock: Clock;
  /** The lockout guard's state and the note of refused codes live in dataDir. */
  paths: { dataDir: string };
  /** --sandbox: a fresh portal for this run, so the guard's memory lasts this run only. */
  globals: { sandbox?: boolean };
  prompter: Prompter;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** The injected transport (tests), for the sandbox's /_sandbox/about. */
  fetchOverride?: typeof globalThis.fetch;
}

export interface SignInOptions {
  username: string;
  password: string;
  /** --force: sign in even when the lockout guard would stop it. */
  force?: boolean;
  /** --password-stdin: a code asked for later is read from the next stdin line. */
  codeFromStdin?: boolean;
  /** health --login: no attempt once a refusal is on record; a monitor never retries one. */
  stopAfterRefusal?: boolean;
  /**
   * GET /auth/policy already asked for (the caller sent it while this module loaded); asked for
   * here when absent. Its rejection must already be handled by the caller.
   */
  policy?: Promise<AuthPolicy>;
}

const channelWords: Record<string, string> = {
  sms: "a text message",
  email: "an email",
  totp: "your authenticator app",
};

/** A channel as people read it; one we do not know is shown as the portal sent it. */
export function channelPhrase(channel: string): string {
  return channelWords[channel] ?? channel;
}

/**
 * --sandbox starts a fresh portal in this process for this one run, so what the guard learns of
 * it must not outlive the run (a fresh sandbox has no failures on record) nor reach another run.
 */
const runGuards = new WeakMap<object, LockoutGuard>();

export function lockoutGuard(deps: Pick<SignInDeps, "globals" | "clock" | "paths">): LockoutGuard {
  if (deps.globals.sandbox) {
    let guard = runGuards.get(deps);
    if (!guard) {
      guard = new LockoutGuard(new MemoryGuardStore(), deps.clock);
      runGuards.set(deps, guard);
    }
    return guard;
  }
  return new LockoutGuard(deps.paths.dataDir, deps.clock);
}

/**
 * Where the bundled sandbox shows the codes it "sent", when the portal is the bundled sandbox:
 * started here (--sandbox), or `rxportal sandbox` answering its loopback-only /_sandbox/about.
 * A real portal on this machine (a proxy, a developer's server) has no outbox, so no such hint.
 */
export async function bundledSandboxOutbox(
  deps: Pick<SignInDeps, "globals" | "fetchOverride" | "signal">,
  profile: Profile,
): Promise<string | undefined> {
  const outbox = sandboxOutbox(profile.baseUrl);
  if (!outbox || deps.globals.sandbox) return outbox;
  try {
    const about = new URL("/_sandbox/about", profile.baseUrl);
    const res = await (deps.fetchOverride ?? globalThis.fetch)(about, {
      headers: { accept: "application/json" },
      signal: AbortSignal.any([AbortSignal.timeout(1_000), deps.signal]),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { sandbox?: unknown };
    return body?.sandbox === "rxportal" ? outbox : undefined;
  } catch {
    return undefined;
  }
}

/** Signs in and returns the tokens. Every refusal updates the guard before it is rethrown. */
export async function signIn(
  deps: SignInDeps,
  client: PortalClient,
  profile: Profile,
  opts: SignInOptions,
): Promise<LoginOk> {
  let answer = await submitPassword(deps, client, profile, opts);
  if (answer.result === "mfa_required") {
    answer = await completeMfa(deps, client, profile, answer, opts);
  }
  await lockoutGuard(deps).clear(profile.name, opts.username);
  return answer;
}

function classifyLoginFailure(error: unknown): FailureKind {
  if (error instanceof PortalRefusedError && error.code === "invalid_credentials") {
    const remaining = error.problem?.attemptsRemaining;
    return { kind: "refused", attemptsRemaining: typeof remaining === "number" ? remaining : undefined };
  }
  if (error instanceof TryLaterError && error.code === "account_locked") {
    return { kind: "locked", lockedUntil: error.lockedUntil };
  }
  return { kind: "other" };
}

/**
 * The password step alone, behind the lockout guard: refuses an attempt that could lock the
 * account (exit 75), sends the password, and records a refusal or a lock before rethrowing it in
 * words. The check, the request and the record are one step under a lock shared by every rxportal
 * process using the same state folder. Returns the portal's answer: signed in, or a second step
 * still to complete.
 */
export async function submitPassword(
  deps: SignInDeps,
  client: PortalClient,
  profile: Profile,
  opts: Pick<SignInOptions, "username" | "password" | "force" | "stopAfterRefusal" | "policy">,
): Promise<LoginResponse> {
  // The policy's request goes out while the guard takes its lock and reads its record; the
  // password is sent only once both are in. (Handled here so that a guard that stops first, say
  // on a busy lock, leaves no unhandled rejection behind; the step awaits the same promise.)
  const policyRequest = opts.policy ?? client.getAuthPolicy();
  const maxAttempts = policyRequest.then((policy) => policy.lockout.maxAttempts);
  maxAttempts.catch(() => undefined);
  const guard = lockoutGuard(deps);
  const result = await guard.attempt(
    profile.name,
    opts.username,
    maxAttempts,
    {
      force: opts.force,
      stopAfterRefusal: opts.stopAfterRefusal,
      // Waiting for another attempt spends this command's own time budget, never more.
      budget: { waitMs: Math.max(profile.timeoutMs, 1_000), signal: deps.signal },
    },
    (before) => {
      if (opts.force && before.attemptsLeft <= 1) {
        note(deps, "rxportal: warning: --force given; if this password is wrong the account will be locked.");
      }
      return client.login({ username: opts.username, password: opts.password });
    },
    classifyLoginFailure,
  );
  if (result.ok) return result.value;
  throw explainLoginFailure(
    await policyRequest,
    result.error,
    result.after.attemptsLeft,
    opts.stopAfterRefusal,
  );
}

function explainLoginFailure(
  policy: AuthPolicy,
  error: unknown,
  attemptsLeft: number,
  once = false,
): unknown {
  const max = policy.lockout.maxAttempts;
  if (error instanceof PortalRefusedError && error.code === "invalid_credentials") {
    const safe = Math.max(0, attemptsLeft - RESERVE_ATTEMPTS);
    return new PortalRefusedError(
      `The portal did not accept that username and password. ${
        once
          ? `health will not send it again (${attemptsLeft} ${attemptsLeft === 1 ? "attempt is" : "attempts are"} left before the account locks).`
          : safe > 0
            ? `rxportal will allow ${safe} more ${safe === 1 ? "try" : "tries"} before it stops to protect the account from locking.`
            : `rxportal will not try again: the portal allows ${max} and one more failure would lock the account.`
      }`,
      {
        code: error.code,
        status: error.status,
        problem: error.problem,
        requestId: error.requestId,
        hint: "Check Caps Lock and whether the portal wants your username or your email. Forgot it? `rxportal reset` or `rxportal username recover`.",
        said: once
          ? said("signInRefusedOnce", attemptsLeft)
          : safe > 0
            ? said("signInRefusedTries", safe)
            : said("signInRefusedStop", max),
        saidHint: said("signInRefusedHint"),
      },
    );
  }
  if (error instanceof TryLaterError && error.code === "account_locked") {
    const until = error.lockedUntil ? ` until ${formatLocalTime(error.lockedUntil)}` : "";
    return new TryLaterError(`The account is locked after too many failed sign-ins${until}.`, {
      code: error.code,
      status: error.status,
      lockedUntil: error.lockedUntil,
      requestId: error.requestId,
      hint: "Wait until then, or run `rxportal reset`: a password reset also unlocks the account. If you did not make those attempts, call the number in `rxportal contacts --topic security`.",
      said: said("accountLocked", error.lockedUntil),
      saidHint: said("accountLockedHint"),
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

/** "15 minutes", from the portal's own expiresIn; nothing when it sent none that makes sense. */
function lifetimeOf(expiresIn: number | undefined): string | undefined {
  return typeof expiresIn === "number" && expiresIn > 0 ? formatDuration(expiresIn) : undefined;
}

async function completeMfa(
  deps: SignInDeps,
  client: PortalClient,
  profile: Profile,
  challenge: MfaRequired,
  opts: SignInOptions,
): Promise<LoginOk> {
  let current: { challengeId: string; channel: string; destinationHint: string } = challenge;
  const lifetime = lifetimeOf(challenge.expiresIn);
  const describe = (c: { channel: string; destinationHint: string }) => {
    if (c.channel === "totp") return "Enter the code from your authenticator app.";
    const sent =
      c.channel in channelWords
        ? `A sign-in code was sent by ${channelPhrase(c.channel)} to ${c.destinationHint}.`
        : `A code was sent by ${c.channel} to ${c.destinationHint}.`;
    return `${sent}${lifetime ? ` It works for ${lifetime};` : ""} only the newest code works.`;
  };
  note(deps, describe(current));
  // The outbox is the bundled sandbox's; a real portal on this machine (a proxy, a dev server) has none.
  const outbox = current.channel === "totp" ? undefined : await bundledSandboxOutbox(deps, profile);
  if (outbox) note(deps, `Sandbox portal: the code is shown at ${outbox}`);
  const firstSentAt = new Date(deps.clock.now()).toISOString();
  let resentAt: string | undefined;
  for (;;) {
    const code = await readCode(deps, current, opts);
    if (code === "resend") {
      try {
        const sent = await client.resendMfa({ challengeId: current.challengeId });
        resentAt = new Date(deps.clock.now()).toISOString();
        current = { ...current, channel: sent.channel, destinationHint: sent.destinationHint };
        note(deps, `A new code was sent to ${sent.destinationHint}. Earlier codes no longer work.`);
      } catch (error) {
        // Too soon for a new code is no reason to end the sign-in: the code already sent still works.
        if (!(error instanceof TryLaterError && error.code === "rate_limited")) throw error;
        const wait = error.retryAfterSeconds;
        const when =
          wait !== undefined && wait > 0
            ? `A new code can be sent in ${formatDuration(wait)} (at ${formatClock(deps.clock.now() + wait * 1000)}).`
            : "The portal will not send a new code yet.";
        note(deps, `${when} Type the code you have${wait !== undefined ? ", or r again after that" : ""}.`);
      }
      continue;
    }
    try {
      const ok = await client.verifyMfa({ challengeId: current.challengeId, code });
      await clearCodeRefusal(deps, profile.name, opts.username).catch(() => undefined);
      return ok;
    } catch (error) {
      if (
        error instanceof PortalRefusedError &&
        (error.code === "invalid_code" || error.code === "challenge_expired")
      ) {
        // For `rxportal doctor`; losing this note must not change the sign-in's own outcome.
        await recordCodeRefusal(deps, profile.name, opts.username, {
          at: new Date(deps.clock.now()).toISOString(),
          problem: error.code,
          resentAt,
          firstSentAt,
          requestId: error.requestId,
        }).catch(() => undefined);
      }
      if (error instanceof PortalRefusedError && error.code === "invalid_code" && deps.prompter.interactive) {
        const left = error.problem?.attemptsRemaining;
        note(
          deps,
          `That code was not accepted${typeof left === "number" ? ` (${left} ${left === 1 ? "try" : "tries"} left)` : ""}. Use the newest code, or type r for a new one.`,
        );
        continue;
      }
      if (error instanceof PortalRefusedError && error.code === "challenge_expired") {
        throw new PortalRefusedError("The sign-in code expired, or too many wrong codes were entered.", {
          code: error.code,
          status: error.status,
          requestId: error.requestId,
          hint: `Run \`rxportal login\` again for a new code${lifetime ? `, and use it within ${lifetime}` : ""}.`,
        });
      }
      throw error;
    }
  }
}

/** "14:05:09 UTC": the time of day a wait ends. */
function formatClock(ms: number): string {
  return new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
  }).format(new Date(ms));
}

async function readCode(
  deps: SignInDeps,
  challenge: { channel: string },
  opts: SignInOptions,
): Promise<string> {
  if (challenge.channel === "totp" && deps.env.RXPORTAL_TOTP_SECRET) {
    const { generateTotp } = await import("../portal/totp.js");
    return generateTotp(deps.env.RXPORTAL_TOTP_SECRET, deps.clock.now());
  }
  if (opts.codeFromStdin) {
    // A line "r" asks for a new code, as at the prompt.
    const line = (await stdinOf(deps).require("sign-in code", "--password-stdin")).trim();
    return /^r$/i.test(line) ? "resend" : line;
  }
  const answer = await deps.prompter.input({
    message: challenge.channel === "totp" ? "Code from your app:" : "Sign-in code (r for a new one):",
    noTty: "--password-stdin with the code on the line after the password",
    validate: (v) =>
      /^\s*(r|\d{4,10})\s*$/i.test(v) ? true : "Type the digits of the code, or r for a new one.",
  });
  const trimmed = answer.trim();
  return /^r$/i.test(trimmed) ? "resend" : trimmed;
}
