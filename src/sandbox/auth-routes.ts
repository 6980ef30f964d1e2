// Sign-in, two-step verification, tokens and account recovery. The rules mirror what members meet
// on the real portal: lockout after repeated failures, codes that expire after 15 minutes and die
// when a newer one is sent, and recovery answers that never reveal whether an account exists.

import {
  LoginRequestSchema,
  MfaResendRequestSchema,
  MfaVerifyRequestSchema,
  PasswordResetConfirmRequestSchema,
  PasswordResetRequestSchema,
  RefreshRequestSchema,
  UsernameRecoverRequestSchema,
} from "../portal/schemas.js";
import { verifyTotp } from "../portal/totp.js";
import { json, noContent, problem, type Reply, rateLimited } from "./http.js";
import { checkPassword } from "./password-policy.js";
import { defineRoute, type RouteContext } from "./router.js";
import { randomDigits, randomToken } from "./secrets.js";
import { ACCESS_TTL_SECONDS, type Account, type Challenge, MFA_TTL_SECONDS, toTimestamp } from "./state.js";

// One text for every recovery answer, so the body cannot tell a known account from an unknown one.
export const USERNAME_RECOVERY_MESSAGE =
  "If an account matches, we sent its username to the email address on file. Check spam if it does not arrive.";
export const PASSWORD_RESET_MESSAGE =
  "If an account matches, we sent a reset code to the email address on file. The code expires in 15 minutes.";

function signedIn(ctx: RouteContext<unknown>, account: Account): Reply {
  const tokens = ctx.state.createSession(account);
  return json(200, {
    result: "ok",
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresIn: ACCESS_TTL_SECONDS,
    member: { memberId: account.memberId, name: account.name },
  });
}

/** Sends a fresh code for the challenge (nothing to send for TOTP: the app makes its own). */
function issueCode(ctx: RouteContext<unknown>, challenge: Challenge, account: Account): void {
  challenge.lastSentAt = ctx.now;
  challenge.expiresAt = ctx.now + MFA_TTL_SECONDS * 1000;
  if (challenge.channel === "totp") {
    delete challenge.codeHash;
    return;
  }
  const code = randomDigits(6);
  // Only the newest hash is kept: that alone is what makes every earlier code stop working.
  challenge.codeHash = ctx.state.hasher.hash(code);
  ctx.state.send({
    to: account.username,
    kind: "mfa",
    channel: challenge.channel,
    destinationHint: ctx.state.destinationHint(account, challenge.channel),
    code,
    text: `Your sandbox pharmacy sign-in code is ${code}. It expires in ${MFA_TTL_SECONDS / 60} minutes. We will never call you to ask for it.`,
  });
}

function startChallenge(ctx: RouteContext<unknown>, account: Account): Reply {
  const usernameKey = account.username.toLowerCase();
  // Restarting sign-in replaces any earlier challenge (and its codes); expired ones are dropped too.
  for (const [id, c] of ctx.state.challenges) {
    if (c.usernameKey === usernameKey || ctx.now >= c.expiresAt) ctx.state.challenges.delete(id);
  }
  const channel = account.mfa[0] ?? "email";
  const challenge: Challenge = {
    id: randomToken(18),
    usernameKey,
    channel,
    expiresAt: 0,
    attemptsLeft: ctx.limits.mfaMaxAttempts,
    lastSentAt: 0,
    dead: false,
  };
  ctx.state.challenges.set(challenge.id, challenge);
  issueCode(ctx, challenge, account);
  return json(200, {
    result: "mfa_required",
    challengeId: challenge.id,
    channel,
    destinationHint: ctx.state.destinationHint(account, channel),
    expiresIn: MFA_TTL_SECONDS,
  });
}

/** The challenge if it can still be answered, else the 410 to send. */
function liveChallenge(
  ctx: RouteContext<unknown>,
  id: string,
): { challenge: Challenge; account: Account } | Reply {
  const challenge = ctx.state.challenges.get(id);
  const account = challenge ? ctx.state.accounts.get(challenge.usernameKey) : undefined;
  if (!challenge || !account || challenge.dead || ctx.now >= challenge.expiresAt) {
    return problem(
      410,
      "challenge_expired",
      "This verification expired, was replaced by a newer sign-in, or had too many wrong codes. Sign in again.",
    );
  }
  return { challenge, account };
}

export const authRoutes = [
  defineRoute({
    method: "POST",
    path: "/auth/login",
    request: LoginRequestSchema,
    component: "login",
    handle(ctx) {
      const { state, now } = ctx;
      const limit = ctx.limiter.take(`login-ip:${ctx.ip}`, ctx.limits.loginPerIp);
      if (!limit.allowed)
        return rateLimited(limit.retryAfterSeconds, "Too many sign-in attempts from this address.");

      const { maxAttempts, lockMinutes } = state.policy.lockout;
      // Keyed by the typed username whether or not it exists, so unknown names count, lock and
      // answer exactly like real ones: the answers cannot be used to list accounts.
      const key = ctx.body.username.toLowerCase();
      const lockout = state.lockouts.get(key) ?? { failures: 0 };
      if (lockout.lockedUntil !== undefined) {
        if (now < lockout.lockedUntil) return locked(lockout.lockedUntil);
        lockout.failures = 0;
        delete lockout.lockedUntil;
      }
      const account = state.findAccount(key);
      if (!account || !state.hasher.matches(ctx.body.password, account.passwordHash)) {
        lockout.failures += 1;
        state.lockouts.set(key, lockout);
        if (lockout.failures >= maxAttempts) {
          lockout.lockedUntil = now + lockMinutes * 60_000;
          return locked(lockout.lockedUntil);
        }
        return problem(401, "invalid_credentials", "The username or password is not right.", {
          attemptsRemaining: maxAttempts - lockout.failures,
        });
      }
      state.lockouts.delete(key);
      if (account.disabled) {
        return problem(
          403,
          "account_disabled",
          "This account is disabled. Call the number on your member ID card.",
        );
      }
      if (account.passwordExpired) {
        return problem(403, "password_expired", "Your password expired. Reset it to sign in.");
      }
      if (account.mfa.length > 0) return startChallenge(ctx, account);
      return signedIn(ctx, account);

      function locked(until: number): Reply {
        return problem(
          423,
          "account_locked",
          `Too many failed sign-ins. Try again after ${lockMinutes} minutes or reset your password.`,
          { lockedUntil: toTimestamp(until) },
        );
      }
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/mfa/verify",
    request: MfaVerifyRequestSchema,
    component: "login",
    handle(ctx) {
      const live = liveChallenge(ctx, ctx.body.challengeId);
      if ("status" in live) return live;
      const { challenge, account } = live;
      const code = ctx.body.code.trim();
      const ok =
        challenge.channel === "totp"
          ? account.totpSecret !== undefined && verifyTotp(account.totpSecret, code, ctx.now)
          : challenge.codeHash !== undefined && ctx.state.hasher.matches(code, challenge.codeHash);
      if (!ok) {
        challenge.attemptsLeft = Math.max(0, challenge.attemptsLeft - 1);
        if (challenge.attemptsLeft === 0) challenge.dead = true;
        return problem(401, "invalid_code", "That code is not right. Use the newest code we sent.", {
          attemptsRemaining: challenge.attemptsLeft,
        });
      }
      ctx.state.challenges.delete(challenge.id);
      return signedIn(ctx, account);
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/mfa/resend",
    request: MfaResendRequestSchema,
    component: "login",
    handle(ctx) {
      const live = liveChallenge(ctx, ctx.body.challengeId);
      if ("status" in live) return live;
      const { challenge, account } = live;
      const channel = ctx.body.channel ?? challenge.channel;
      if (!account.mfa.includes(channel)) {
        return problem(400, "bad_request", `This account has no ${channel} channel set up.`);
      }
      const waitMs = challenge.lastSentAt + ctx.limits.mfaResendIntervalSeconds * 1000 - ctx.now;
      if (waitMs > 0) {
        return rateLimited(
          Math.ceil(waitMs / 1000),
          "A code was sent moments ago; wait before asking again.",
        );
      }
      challenge.channel = channel;
      issueCode(ctx, challenge, account);
      return json(202, { channel, destinationHint: ctx.state.destinationHint(account, channel) });
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/token/refresh",
    request: RefreshRequestSchema,
    component: "login",
    handle(ctx) {
      const session = ctx.state.sessionByRefresh(ctx.body.refreshToken);
      const account = session ? ctx.state.accounts.get(session.usernameKey) : undefined;
      if (!session || !account || ctx.now >= session.refreshExpiresAt || account.disabled) {
        if (session) ctx.state.endSession(session);
        return problem(401, "unauthorized", "The refresh token is not valid. Sign in again.");
      }
      // Rotation: the refresh token just used is spent, so a stolen copy is worth one use at most.
      const tokens = ctx.state.rotateTokens(session);
      return json(200, {
        result: "ok",
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresIn: ACCESS_TTL_SECONDS,
      });
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/logout",
    // Optional: signing out with a stale or unknown token must still succeed, or a client could
    // never clear a broken session.
    auth: "optional",
    handle(ctx) {
      if (ctx.session) ctx.state.endSession(ctx.session);
      return noContent;
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/username/recover",
    request: UsernameRecoverRequestSchema,
    component: "password_reset",
    handle(ctx) {
      const body = ctx.body;
      const identifier =
        "email" in body
          ? `email:${body.email.trim().toLowerCase()}`
          : `member:${body.memberId.toUpperCase()}`;
      const limit = ctx.limiter.take(`recover:${identifier}`, ctx.limits.recoveryPerIdentifier);
      if (!limit.allowed) return rateLimited(limit.retryAfterSeconds);
      const account = [...ctx.state.accounts.values()].find((a) =>
        "email" in body
          ? a.email.toLowerCase() === body.email.trim().toLowerCase()
          : a.memberId.toUpperCase() === body.memberId.toUpperCase() && a.dateOfBirth === body.dateOfBirth,
      );
      if (account) {
        ctx.state.send({
          to: account.username,
          kind: "username",
          channel: "email",
          destinationHint: ctx.state.destinationHint(account, "email"),
          text: `Your sandbox pharmacy username is ${account.username}. If you did not ask, you can ignore this message.`,
        });
      }
      return json(202, { message: USERNAME_RECOVERY_MESSAGE });
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/password-reset",
    request: PasswordResetRequestSchema,
    component: "password_reset",
    handle(ctx) {
      const { state } = ctx;
      const body = ctx.body;
      const identifier =
        "username" in body ? `user:${body.username.toLowerCase()}` : `member:${body.memberId.toUpperCase()}`;
      const limit = ctx.limiter.take(`reset:${identifier}`, ctx.limits.recoveryPerIdentifier);
      if (!limit.allowed) return rateLimited(limit.retryAfterSeconds);
      const account =
        "username" in body
          ? state.findAccount(body.username)
          : [...state.accounts.values()].find(
              (a) =>
                a.memberId.toUpperCase() === body.memberId.toUpperCase() &&
                a.dateOfBirth === body.dateOfBirth,
            );
      // A fresh request restores the attempts for that username, known or not, so the counter
      // behaves the same either way.
      if ("username" in body)
        state.resetAttempts.set(body.username.toLowerCase(), ctx.limits.resetCodeMaxAttempts);
      // A disabled account gets no code: a reset must not become a way around the block.
      if (account && !account.disabled) {
        const key = account.username.toLowerCase();
        const { length, ttlMinutes } = state.policy.resetCode;
        const code = randomDigits(length);
        state.resetCodes.set(key, {
          codeHash: state.hasher.hash(code),
          expiresAt: ctx.now + ttlMinutes * 60_000,
        });
        state.resetAttempts.set(key, ctx.limits.resetCodeMaxAttempts);
        state.send({
          to: account.username,
          kind: "reset",
          channel: "email",
          destinationHint: state.destinationHint(account, "email"),
          code,
          text: `Your sandbox pharmacy password reset code is ${code}. It expires in ${ttlMinutes} minutes and works once.`,
        });
      }
      return json(202, { message: PASSWORD_RESET_MESSAGE, channel: "email" });
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/password-reset/confirm",
    request: PasswordResetConfirmRequestSchema,
    component: "password_reset",
    handle(ctx) {
      const { state } = ctx;
      const key = ctx.body.username.toLowerCase();
      const limit = ctx.limiter.take(`confirm:${key}`, ctx.limits.resetConfirmPerUsername);
      if (!limit.allowed) return rateLimited(limit.retryAfterSeconds);

      const attemptsLeft = state.resetAttempts.get(key) ?? ctx.limits.resetCodeMaxAttempts;
      const stored = state.resetCodes.get(key);
      const valid =
        stored !== undefined &&
        attemptsLeft > 0 &&
        ctx.now < stored.expiresAt &&
        state.hasher.matches(ctx.body.code.trim(), stored.codeHash);
      if (!valid) {
        const left = Math.max(0, attemptsLeft - 1);
        state.resetAttempts.set(key, left);
        if (left === 0) state.resetCodes.delete(key);
        return problem(
          400,
          "invalid_or_expired_code",
          "The code is wrong, used or expired. Ask for a new one.",
          {
            attemptsRemaining: left,
          },
        );
      }
      const account = state.findAccount(key);
      if (!account) return problem(400, "invalid_or_expired_code", "The code is wrong, used or expired.");
      const violations = checkPassword(ctx.body.newPassword, account.username, state.policy);
      // The code is kept on a policy failure: the member only has to pick a better password.
      if (violations.length > 0) {
        return problem(422, "password_policy", "The new password does not meet the policy.", { violations });
      }
      account.passwordHash = state.hasher.hash(ctx.body.newPassword);
      account.passwordExpired = false;
      state.resetCodes.delete(key);
      state.resetAttempts.delete(key);
      state.lockouts.delete(key);
      state.endSessionsOf(key);
      for (const [id, c] of state.challenges) if (c.usernameKey === key) state.challenges.delete(id);
      return noContent;
    },
  }),
];
