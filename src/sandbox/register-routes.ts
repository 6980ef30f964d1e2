// Registration (contract 1.1): a person with benefits and no account gives their name, date of
// birth and member ID or SSN, picks a username and a password, and confirms with a code sent to
// their email. The SSN is compared and forgotten: it is never stored in a pending registration,
// never echoed, never in the outbox.
import {
  type RegisterRequest,
  RegisterRequestSchema,
  RegisterVerifyRequestSchema,
} from "../portal/registration-schemas.js";
import { json, problem, type Reply, rateLimited } from "./http.js";
import { checkPassword } from "./password-policy.js";
import { ageOn, type Registrant } from "./registrants.js";
import { defineRoute, type RouteContext } from "./router.js";
import { maskEmail, randomDigits, randomToken } from "./secrets.js";
import { MFA_TTL_SECONDS, toDate } from "./state.js";

/** Adults register themselves; under TRICARE everyone with benefits does, children included. */
const ADULT_AGE = 18;

const fold = (text: string) =>
  text.normalize("NFKD").replace(/\p{M}/gu, "").trim().toLowerCase().replace(/\s+/g, " ");

function samePerson(
  body: RegisterRequest,
  firstName: string,
  lastName: string,
  dateOfBirth: string,
): boolean {
  return (
    fold(body.firstName) === fold(firstName) &&
    fold(body.lastName) === fold(lastName) &&
    body.dateOfBirth === dateOfBirth
  );
}

const alreadyRegistered = () =>
  problem(
    409,
    "already_registered",
    "An online account already exists for this member. Sign in, or recover the username.",
  );

const notEligible = (detail: string) => problem(422, "not_eligible", detail);

/** Free usernames close to the one asked for. */
function suggestions(ctx: RouteContext<unknown>, username: string, dateOfBirth: string): string[] {
  const base = username.toLowerCase().replace(/[^a-z0-9._-]/g, "") || "member";
  const year = dateOfBirth.slice(0, 4);
  const taken = (u: string) => ctx.state.findAccount(u) !== undefined || pendingHolds(ctx, u);
  const candidates = [`${base}${year.slice(2)}`, `${base}.${year}`, `${base}2`, `${base}3`, `${base}.rx`];
  return candidates.filter((u) => !taken(u)).slice(0, 3);
}

/** Another person's live registration already holds this username. */
function pendingHolds(ctx: RouteContext<unknown>, username: string, except?: string): boolean {
  const key = username.toLowerCase();
  for (const p of ctx.state.registrations.values()) {
    if (p.registrant.memberId === except || p.dead || ctx.now >= p.expiresAt) continue;
    if (p.username.toLowerCase() === key) return true;
  }
  return false;
}

/** The registrant these details name, or the answer that says why there is none. */
function identify(ctx: RouteContext<RegisterRequest>): Registrant | Reply {
  const { state } = ctx;
  const body = ctx.body;
  if ("memberId" in body) {
    const id = body.memberId.trim().toUpperCase();
    const account = state.accountByMemberId(id);
    if (account && samePerson(body, ...splitName(account.name), account.dateOfBirth))
      return alreadyRegistered();
  } else {
    for (const account of state.accounts.values()) {
      if (
        state.ssnOf(account.memberId) === body.ssn &&
        samePerson(body, ...splitName(account.name), account.dateOfBirth)
      )
        return alreadyRegistered();
    }
  }
  const registrant = state.registrants.find(
    (r) =>
      ("memberId" in body
        ? r.memberId.toUpperCase() === body.memberId.trim().toUpperCase()
        : r.ssn === body.ssn) && samePerson(body, r.firstName, r.lastName, r.dateOfBirth),
  );
  if (!registrant) {
    return notEligible(
      "No active prescription benefit matches these details. Check them against the member ID card.",
    );
  }
  if (!registrant.active) return notEligible("The prescription benefit for this member has ended.");
  if (
    registrant.relationship === "child" &&
    registrant.enrolleeType !== "tricare" &&
    ageOn(registrant.dateOfBirth, toDate(ctx.now)) < ADULT_AGE
  ) {
    return notEligible("A dependent under 18 is covered by the benefit holder's account.");
  }
  return registrant;
}

function splitName(name: string): [string, string] {
  const at = name.lastIndexOf(" ");
  return at < 0 ? [name, ""] : [name.slice(0, at), name.slice(at + 1)];
}

export const registerRoutes = [
  defineRoute({
    method: "POST",
    path: "/auth/register",
    request: RegisterRequestSchema,
    component: "login",
    handle(ctx) {
      const { state } = ctx;
      const body = ctx.body;
      // Keyed by the person (a hash for the SSN, which is never kept as it is).
      const who =
        "memberId" in body
          ? `member:${body.memberId.trim().toUpperCase()}`
          : `ssn:${state.hasher.hash(body.ssn)}`;
      const limit = ctx.limiter.take(`register:${who}`, ctx.limits.registerPerIdentifier);
      if (!limit.allowed) return rateLimited(limit.retryAfterSeconds, "Too many registration attempts.");

      const found = identify(ctx);
      if ("status" in found) return found;
      const registrant = found;
      const username = body.username.trim();
      if (state.findAccount(username) || pendingHolds(ctx, username, registrant.memberId)) {
        return problem(409, "username_taken", "That username is taken.", {
          suggestions: suggestions(ctx, username, registrant.dateOfBirth),
        });
      }
      const violations = checkPassword(body.password, username, state.policy);
      if (violations.length > 0) {
        return problem(422, "password_policy", "The password does not meet the policy.", { violations });
      }
      // A new request replaces the person's earlier one: only the newest code works.
      for (const [id, p] of state.registrations) {
        if (p.registrant.memberId === registrant.memberId || ctx.now >= p.expiresAt)
          state.registrations.delete(id);
      }
      const code = randomDigits(6);
      const id = randomToken(18);
      state.registrations.set(id, {
        id,
        registrant,
        username,
        passwordHash: state.hasher.hash(body.password),
        email: body.email,
        ...(body.phone ? { phone: body.phone } : {}),
        codeHash: state.hasher.hash(code),
        expiresAt: ctx.now + MFA_TTL_SECONDS * 1000,
        attemptsLeft: ctx.limits.mfaMaxAttempts,
        dead: false,
      });
      const destinationHint = maskEmail(body.email);
      state.send({
        to: username,
        kind: "register",
        channel: "email",
        destinationHint,
        code,
        text: `Your sandbox pharmacy registration code is ${code}. It expires in ${MFA_TTL_SECONDS / 60} minutes. If you did not ask to register, ignore this message.`,
      });
      return json(202, {
        result: "verify",
        challengeId: id,
        channel: "email",
        destinationHint,
        expiresIn: MFA_TTL_SECONDS,
      });
    },
  }),

  defineRoute({
    method: "POST",
    path: "/auth/register/verify",
    request: RegisterVerifyRequestSchema,
    component: "login",
    handle(ctx) {
      const { state } = ctx;
      const pending = state.registrations.get(ctx.body.challengeId);
      if (!pending || pending.dead || ctx.now >= pending.expiresAt) {
        return problem(
          410,
          "challenge_expired",
          "This registration code expired, was replaced by a newer one, or had too many wrong tries. Register again.",
        );
      }
      if (!state.hasher.matches(ctx.body.code.trim(), pending.codeHash)) {
        pending.attemptsLeft = Math.max(0, pending.attemptsLeft - 1);
        if (pending.attemptsLeft === 0) pending.dead = true;
        return problem(401, "invalid_code", "That code is not right. Use the newest code we sent.", {
          attemptsRemaining: pending.attemptsLeft,
        });
      }
      state.registrations.delete(pending.id);
      // Someone may have taken the username, or registered this member, in the meantime.
      if (state.accountByMemberId(pending.registrant.memberId)) return alreadyRegistered();
      if (state.findAccount(pending.username)) {
        return problem(409, "username_taken", "That username was taken in the meantime. Register again.", {
          suggestions: suggestions(ctx, pending.username, pending.registrant.dateOfBirth),
        });
      }
      const account = state.createAccount(pending);
      return json(201, {
        result: "ok",
        username: account.username,
        member: { memberId: account.memberId, name: account.name },
      });
    },
  }),
];
