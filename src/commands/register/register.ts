// `rxportal register`: create an online account. The details come from options or questions, the
// secrets (SSN, password, the emailed code) from masked prompts or stdin lines, in that order. The
// password is checked here first (the portal's rules, the member's own details, how guessable it
// is); then POST /auth/register sends a code to the email address and POST /auth/register/verify
// confirms it. Every answer the contract names becomes one plain line and its exit code.
import { stdinOf } from "../../auth/secret-input.js";
import { bundledSandboxOutbox } from "../../auth/sign-in.js";
import type { AppContext } from "../../context.js";
import { PortalError, PortalRefusedError, PortalUnavailableError, UsageError } from "../../errors.js";
import type { PortalClient } from "../../portal/client.js";
import type { Registered, RegisterRequest, RegisterStarted } from "../../portal/registration-schemas.js";
import type { AuthPolicy } from "../../portal/schemas.js";
import { parseDateOfBirth } from "../../recovery/identity.js";
import {
  NewPasswordRefusedError,
  newPasswordProblems,
  type PasswordProblem,
  type PersonalDetails,
  STRONG_PASSWORD_TIP,
} from "../../recovery/password-check.js";
import { note, printJson, printLine } from "../../ui/output.js";
import type { CommandResult } from "../kit.js";
import { parseSsn, ssnEnding, ssnProblem } from "./ssn.js";

export interface RegisterFlags {
  firstName?: string;
  lastName?: string;
  dob?: string;
  memberId?: string;
  ssnStdin?: boolean;
  username?: string;
  email?: string;
  phone?: string;
  passwordStdin?: boolean;
  codeStdin?: boolean;
  /** Refused: a secret on the command line. */
  ssn?: string;
  password?: string;
}

/** How often a person at the keyboard may retype a refused password, or pick another username. */
const ROUNDS = 3;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Details extends PersonalDetails {
  identity: { memberId: string } | { ssn: string };
  username: string;
  email: string;
  phone?: string;
}

export async function registerCommand(ctx: AppContext, flags: RegisterFlags): Promise<CommandResult> {
  refuseSecretsInArgv(flags);
  if (flags.memberId !== undefined && flags.ssnStdin) {
    throw new UsageError("Give either --member-id or --ssn-stdin, not both.");
  }
  // Before anything is sent: a script must not start a registration whose code it cannot type.
  if (!flags.codeStdin && !ctx.prompter.interactive) {
    throw new UsageError("`rxportal register` asks for the emailed code, and there is no terminal here.", {
      hint: "Pass every detail as an option, and --code-stdin with the code on the line after the other secrets (see `rxportal register --help`).",
    });
  }
  const profile = await ctx.profile();
  // Before any question: a profile or portal that cannot take a registration says so now, not
  // after the member has typed everything; the policy also gives the password's length.
  const client = await ctx.portal();
  const policy = await client.getAuthPolicy();
  const details = await gatherDetails(ctx, flags);
  let password = await readPassword(ctx, flags, details, policy);
  const how =
    "memberId" in details.identity
      ? `member ID ${details.identity.memberId}`
      : `SSN ${ssnEnding(details.identity.ssn)}`;
  note(
    ctx,
    `Registering ${details.firstName} ${details.lastName}, born ${details.dateOfBirth}, by ${how}, as ${details.username}.`,
  );

  let started: RegisterStarted | undefined;
  for (let round = 1; started === undefined; round++) {
    try {
      started = await client.register(requestBody(details, password));
    } catch (error) {
      const again = round < ROUNDS && ctx.prompter.interactive;
      if (error instanceof PortalRefusedError && error.code === "username_taken") {
        const offered = suggestionsOf(error);
        if (!again || flags.username !== undefined) throw usernameTaken(error, details.username, offered);
        note(
          ctx,
          `The username ${details.username} is taken.${offered.length ? ` Free ones: ${offered.join(", ")}.` : ""}`,
        );
        details.username = await askUsername(ctx, offered[0]);
        // The username is part of what the password must not contain: check it again.
        if (!flags.passwordStdin) password = await readPassword(ctx, flags, details, policy);
        else {
          const problems = await newPasswordProblems(password, details.username, policy.password, details);
          if (problems.length > 0) throw new NewPasswordRefusedError(problems, REFUSED_WORDING);
        }
        continue;
      }
      if (error instanceof PortalRefusedError && error.code === "password_policy") {
        if (!again || flags.passwordStdin) throw passwordPolicy(error);
        note(ctx, error.message);
        password = await readPassword(ctx, flags, details, policy);
        continue;
      }
      throw registrationError(error, profile.baseUrl, profile.officialHosts, details);
    }
  }

  const outbox = await bundledSandboxOutbox(ctx, profile);
  tellCodeSent(ctx, started);
  if (outbox) note(ctx, `Sandbox portal: the code is shown at ${outbox}`);
  const registered = await verify(ctx, client, flags, started, details);

  const next = `rxportal login --username ${shellWord(registered.username)}`;
  if (ctx.globals.json) {
    printJson(ctx, {
      registered: true,
      profile: profile.name,
      username: registered.username,
      member: registered.member,
      requestId: client.lastRequestId,
      next,
    });
    return;
  }
  printLine(
    ctx,
    `The account ${registered.username} is ready for ${registered.member.name} (member ID ${registered.member.memberId}).`,
  );
  note(ctx, `Next, sign in: \`${next}\`.`);
}

function refuseSecretsInArgv(flags: RegisterFlags): void {
  // Never echoed: the value is a secret that is already where it should not be.
  if (flags.ssn !== undefined) {
    throw new UsageError(
      "A Social Security number is never taken on the command line, where other users and the shell history could see it.",
      {
        hint: "Leave it out to be asked (typed masked), or pass --ssn-stdin and give it on the first line of stdin.",
      },
    );
  }
  if (flags.password !== undefined) {
    throw new UsageError(
      "A password is never taken on the command line, where other users and the shell history could see it.",
      { hint: "Leave it out to be asked (typed masked), or pass --password-stdin." },
    );
  }
}

const trimmed = (value: string) => value.trim().replace(/\s+/g, " ");

function nameFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const name = trimmed(value);
  if (name === "") throw new UsageError(`${flag} is empty.`);
  return name;
}

function usernameProblem(value: string): string | undefined {
  const u = value.trim();
  if (u === "") return "Type a username.";
  if (/\s/.test(u)) return "A username has no spaces.";
  if (u.length > 64) return "That username is too long (64 characters at most).";
  return undefined;
}

/** Options first, questions for the rest; every value checked before anything is sent. */
async function gatherDetails(ctx: AppContext, flags: RegisterFlags): Promise<Details> {
  const now = ctx.clock.now();
  const { prompter } = ctx;
  const firstName =
    nameFlag(flags.firstName, "--first-name") ??
    trimmed(
      await prompter.input({
        message: "First name (as on the member ID card):",
        noTty: "--first-name",
        validate: (v) => (v.trim() ? true : "Type the first name."),
      }),
    );
  const lastName =
    nameFlag(flags.lastName, "--last-name") ??
    trimmed(
      await prompter.input({
        message: "Last name:",
        noTty: "--last-name",
        validate: (v) => (v.trim() ? true : "Type the last name."),
      }),
    );
  const dateOfBirth =
    flags.dob !== undefined
      ? parseDateOfBirth(flags.dob, now)
      : parseDateOfBirth(
          await prompter.input({
            message: "Date of birth (yyyy-mm-dd):",
            noTty: "--dob <yyyy-mm-dd>",
            validate: (v) => {
              try {
                parseDateOfBirth(v, now);
                return true;
              } catch (error) {
                return error instanceof UsageError ? error.message.replace(/^--dob /, "") : "Not a date.";
              }
            },
          }),
          now,
        );
  const identity = await readIdentity(ctx, flags);
  const username = flags.username !== undefined ? checkedUsername(flags.username) : await askUsername(ctx);
  let email: string;
  if (flags.email !== undefined) {
    email = flags.email.trim();
    if (!EMAIL_SHAPE.test(email)) throw new UsageError(`--email "${flags.email}" is not an email address.`);
  } else {
    email = (
      await prompter.input({
        message: "Email address (the code that confirms the account goes there):",
        noTty: "--email <address>",
        validate: (v) =>
          EMAIL_SHAPE.test(v.trim()) ? true : "Type an email address, such as pat@example.com.",
      })
    ).trim();
  }
  let phone: string | undefined;
  if (flags.phone !== undefined) {
    phone = flags.phone.trim();
    if (!/^\+?[\d\s().-]{7,20}$/.test(phone))
      throw new UsageError(`--phone "${flags.phone}" is not a phone number.`);
  }
  return { firstName, lastName, dateOfBirth, identity, username, email, ...(phone ? { phone } : {}) };
}

function checkedUsername(value: string): string {
  const problem = usernameProblem(value);
  if (problem) throw new UsageError(`--username: ${problem}`);
  return value.trim();
}

async function askUsername(ctx: AppContext, suggested?: string): Promise<string> {
  const answer = await ctx.prompter.input({
    message: "Username to create:",
    noTty: "--username <u>",
    ...(suggested ? { default: suggested } : {}),
    validate: (v) => usernameProblem(v) ?? true,
  });
  return answer.trim();
}

/** --member-id, or the SSN from stdin or a masked prompt; asked which when neither is given. */
async function readIdentity(ctx: AppContext, flags: RegisterFlags): Promise<Details["identity"]> {
  if (flags.memberId !== undefined) {
    const memberId = flags.memberId.trim();
    if (memberId === "") throw new UsageError("--member-id is empty.");
    return { memberId };
  }
  if (flags.ssnStdin) {
    return { ssn: parseSsn(await stdinOf(ctx).require("Social Security number", "--ssn-stdin")) };
  }
  const by = await ctx.prompter.select<"memberId" | "ssn">({
    message: "Identify the member by:",
    noTty: "--member-id <id> or --ssn-stdin",
    choices: [
      { name: "the member ID on the ID card", value: "memberId" },
      { name: "the Social Security number", value: "ssn" },
    ],
  });
  if (by === "memberId") {
    const memberId = await ctx.prompter.input({
      message: "Member ID (on the ID card):",
      noTty: "--member-id <id>",
      validate: (v) => (v.trim() ? true : "Type the member ID."),
    });
    return { memberId: memberId.trim() };
  }
  // Masked, like a password: it must not be left on the screen.
  const ssn = await ctx.prompter.password({
    message: "Social Security number (9 digits, typed hidden):",
    noTty: "--ssn-stdin",
    validate: (v) => ssnProblem(v) ?? true,
  });
  return { ssn: parseSsn(ssn) };
}

const REFUSED_WORDING = {
  lead: "The password was not sent, and nothing is registered.",
  hint: "Choose another password and run `rxportal register` again.",
};

async function readPassword(
  ctx: AppContext,
  flags: RegisterFlags,
  details: Details,
  policy: AuthPolicy,
): Promise<string> {
  const rules = policy.password;
  const check = (pw: string) => newPasswordProblems(pw, details.username, rules, details);
  if (flags.passwordStdin) {
    // Not trimmed: spaces may be part of a password.
    const password = await stdinOf(ctx).require("password", "--password-stdin");
    const problems = await check(password);
    if (problems.length > 0) throw new NewPasswordRefusedError(problems, REFUSED_WORDING);
    return password;
  }
  let problems: PasswordProblem[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const first = await ctx.prompter.password({
      message: `Password (at least ${rules.minLength} characters):`,
      noTty: "--password-stdin",
      validate: (v) => (v ? true : "Type a password."),
    });
    problems = await check(first);
    if (problems.length > 0) {
      note(ctx, "That password will not do:");
      for (const p of problems) note(ctx, `  - ${p.message}`);
      note(ctx, STRONG_PASSWORD_TIP);
      continue;
    }
    const second = await ctx.prompter.password({ message: "The password again:", noTty: "--password-stdin" });
    if (second === first) return first;
    note(ctx, "The two entries differ; type the password twice again.");
  }
  if (problems.length > 0) throw new NewPasswordRefusedError(problems, REFUSED_WORDING);
  throw new UsageError("The two entries of the password did not match; nothing was sent.");
}

function requestBody(details: Details, password: string): RegisterRequest {
  return {
    firstName: details.firstName,
    lastName: details.lastName,
    dateOfBirth: details.dateOfBirth,
    ...details.identity,
    username: details.username,
    password,
    email: details.email,
    ...(details.phone ? { phone: details.phone } : {}),
  } as RegisterRequest;
}

function tellCodeSent(ctx: AppContext, started: RegisterStarted): void {
  const to = started.destinationHint ? ` to ${started.destinationHint}` : "";
  const minutes = started.expiresIn
    ? ` It works for ${Math.round(started.expiresIn / 60)} minutes, once;`
    : "";
  note(ctx, `A code to confirm the account is on its way${to}.${minutes} only the newest code works.`);
  note(ctx, "Nothing there after a few minutes? Look in spam or junk, then run `rxportal register` again.");
}

async function verify(
  ctx: AppContext,
  client: PortalClient,
  flags: RegisterFlags,
  started: RegisterStarted,
  details: Details,
): Promise<Registered> {
  for (;;) {
    const code = flags.codeStdin
      ? (await stdinOf(ctx).require("code", "--code-stdin")).trim()
      : (
          await ctx.prompter.password({
            message: "Code from the email:",
            noTty: "--code-stdin",
            validate: (v) => (v.trim() ? true : "Type the code from the email."),
          })
        ).trim();
    try {
      return await client.verifyRegistration({ challengeId: started.challengeId, code });
    } catch (error) {
      if (error instanceof PortalRefusedError && error.code === "invalid_code") {
        const left = error.problem?.attemptsRemaining;
        if (!flags.codeStdin && typeof left === "number" && left > 0) {
          note(ctx, `That code was not accepted (${attempts(left)} left). Check it and type it again.`);
          continue;
        }
        throw new PortalRefusedError(
          `The portal did not accept that code${typeof left === "number" ? ` (${attempts(left)} left)` : ""}; nothing is registered yet.`,
          {
            code: error.code,
            status: error.status,
            problem: error.problem,
            requestId: error.requestId,
            hint: "Run `rxportal register` again for a new code; only the newest code works.",
          },
        );
      }
      if (error instanceof PortalRefusedError && error.code === "challenge_expired") {
        throw new PortalRefusedError(
          "The code expired, a newer one was sent, or there were too many wrong tries; nothing is registered yet.",
          {
            code: error.code,
            status: error.status,
            requestId: error.requestId,
            hint: "Run `rxportal register` again: a new code is sent, and it works for 15 minutes.",
          },
        );
      }
      throw registrationError(error, "", [], details);
    }
  }
}

function attempts(n: number): string {
  return `${n} ${n === 1 ? "attempt" : "attempts"}`;
}

function suggestionsOf(error: PortalError): string[] {
  const raw = error.problem?.suggestions;
  if (!Array.isArray(raw)) return [];
  // From the portal, bound for a terminal: plain short words only.
  return raw.filter((s): s is string => typeof s === "string" && /^[\w.@+-]{1,64}$/.test(s)).slice(0, 5);
}

function usernameTaken(error: PortalRefusedError, username: string, offered: string[]): PortalRefusedError {
  return new PortalRefusedError(
    `The username ${username} is taken${offered.length ? `; free ones: ${offered.join(", ")}` : ""}.`,
    {
      code: error.code,
      status: error.status,
      requestId: error.requestId,
      hint: "Run `rxportal register` again with another --username.",
      details: { suggestions: offered },
    },
  );
}

function passwordPolicy(error: PortalRefusedError): PortalRefusedError {
  const violations = Array.isArray(error.problem?.violations) ? error.problem.violations : [];
  const reasons = violations
    .map((v) => (v && typeof v === "object" ? (v as { message?: unknown }).message : undefined))
    .filter((m): m is string => typeof m === "string")
    .map((m) => m.replace(/\s+/g, " ").trim().replace(/\.$/, ""));
  return new PortalRefusedError(
    `The portal refused the password${reasons.length ? `: ${reasons.join("; ")}` : ""}. Nothing is registered.`,
    {
      code: error.code,
      status: error.status,
      requestId: error.requestId,
      hint: "Choose another password and run `rxportal register` again.",
    },
  );
}

/** Where members register on the portal's website: its first official web host. */
export function websiteOf(baseUrl: string, officialHosts: readonly string[]): string {
  const host = officialHosts.find((h) => !/^(localhost|127\.|\[?::1)/.test(h));
  if (host) return `https://${host}/`;
  try {
    return `${new URL(baseUrl).origin}/`;
  } catch {
    return "the portal's website";
  }
}

/** The contract's other answers, each as one line with its exit code; anything else unchanged. */
function registrationError(
  error: unknown,
  baseUrl: string,
  officialHosts: readonly string[],
  details: Details,
): unknown {
  if (!(error instanceof PortalError)) return error;
  const keep = { status: error.status, requestId: error.requestId };
  if (error instanceof PortalUnavailableError && error.status === 501) {
    return new PortalUnavailableError(
      `This portal registers members only on its website: ${websiteOf(baseUrl, officialHosts)}`,
      {
        ...keep,
        reason: "server_error",
        code: "not_implemented",
        hint: "Register there in a browser, then sign in here with `rxportal login`; `rxportal contacts --topic registration` lists whom to call.",
      },
    );
  }
  if (!(error instanceof PortalRefusedError)) return error;
  if (error.code === "already_registered") {
    const recover =
      "memberId" in details.identity
        ? `rxportal username recover --member-id ${shellWord(details.identity.memberId)} --dob ${details.dateOfBirth}`
        : `rxportal username recover --email ${shellWord(details.email)}`;
    return new PortalRefusedError(`${details.firstName} ${details.lastName} already has an online account.`, {
      ...keep,
      code: error.code,
      hint: `Sign in with \`rxportal login\`; forgotten the username? \`${recover}\`; the password? \`rxportal reset\`.`,
    });
  }
  if (error.code === "username_taken") return usernameTaken(error, details.username, suggestionsOf(error));
  if (error.code === "password_policy") return passwordPolicy(error);
  if (error.code === "not_eligible") {
    return new PortalRefusedError("The portal found no active prescription benefit for these details.", {
      ...keep,
      code: error.code,
      hint: "Check the name, date of birth and member ID against the member ID card (a child on a plan other than TRICARE is covered by the benefit holder's account); `rxportal contacts --topic registration` lists whom to call.",
    });
  }
  return error;
}

/** A value as it can be pasted into a shell command. */
function shellWord(value: string): string {
  return /^[\w.@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
