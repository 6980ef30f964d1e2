// Small pieces the member commands (orders, auto-refill, id-card) share.
import type { SessionOptions } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { PortalRefusedError, UsageError } from "../../errors.js";
import type { ReadProblem } from "../../portal/lenient.js";
import { formatDateWords, formatLocalTime, note, printable } from "../../ui/output.js";

/** --username, --password-stdin, --password-file: how to sign in if there is no kept session. */
export type SessionFlags = Pick<SessionOptions, "username" | "passwordStdin" | "passwordFile">;

export function sessionOptions(flags: SessionFlags): SessionOptions {
  return { username: flags.username, passwordStdin: flags.passwordStdin, passwordFile: flags.passwordFile };
}

/**
 * Text from the portal or the command line, made safe to print on a terminal: control characters
 * (escape sequences could rewrite the screen or the title bar) become spaces.
 */
export function clean(text: string): string {
  return printable(text);
}

/**
 * An id given on the command line (member, order, prescription). Ids are opaque to rxportal: any
 * text the portal shows (unicode, slashes, spaces inside) is sent back as typed; only blank text,
 * control characters and absurd lengths are refused.
 */
export function checkId(value: string, what: string, example: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (value.trim() === "" || value.length > 1024 || /[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new UsageError(`The ${what} must be given as the portal shows it, e.g. ${example}.`);
  }
  return value;
}

/** A portal timestamp in the reader's local time (TZ when set and valid, else the system's). */
export function localTime(ctx: AppContext, iso: string): string {
  const date = new Date(iso);
  try {
    return formatLocalTime(date, ctx.env.TZ || undefined);
  } catch {
    // An unknown TZ name makes Intl throw; the system zone is still better than no time at all.
    return formatLocalTime(date);
  }
}

/** A calendar date (YYYY-MM-DD) in words, without any time zone shifting it: "1 January 2025". */
export function dateWords(ymd: string): string {
  return formatDateWords(ymd);
}

/** The portal's refusal again, in words for this command; status, code and request id are kept. */
export function refusedAs(error: PortalRefusedError, message: string, hint?: string): PortalRefusedError {
  return new PortalRefusedError(message, {
    status: error.status,
    code: error.code,
    problem: error.problem,
    requestId: error.requestId,
    hint,
    cause: error,
  });
}

/** 403 forbidden for a --member that is neither the member nor a dependent. */
export function forbiddenMember(error: unknown, memberId: string | undefined): unknown {
  if (error instanceof PortalRefusedError && error.code === "forbidden" && memberId !== undefined) {
    return refusedAs(
      error,
      `This account may not act for member ${clean(memberId)}: only for yourself and your dependents.`,
      "`rxportal whoami` lists the members you can act for.",
    );
  }
  return error;
}

/** How many unreadable items are named one by one before the rest are counted. */
const MAX_PROBLEM_LINES = 10;

/** One unreadable item in words: "prescription 3 (RX-9) of member M1: status: ...; request id r-1". */
export function problemWords(problem: ReadProblem, what: string): string {
  const whose = problem.orderId
    ? ` of order ${clean(problem.orderId)}`
    : problem.memberId
      ? ` of member ${clean(problem.memberId)}`
      : "";
  const kind = problem.field && problem.field !== "items" ? problem.field.replace(/s$/, "") : what;
  const id = problem.id ? ` (${clean(problem.id)})` : "";
  const request = problem.requestId ? `; request id ${clean(problem.requestId)}` : "";
  return `${kind} ${problem.index + 1}${id}${whose}: ${clean(problem.reason)}${request}`;
}

/**
 * Says on stderr which items of the portal's answer could not be read, after the readable ones
 * were shown: one line each (the first ten), with the request id support needs.
 */
export function noteProblems(ctx: AppContext, problems: readonly ReadProblem[], what: string): void {
  if (problems.length === 0) return;
  note(
    ctx,
    `rxportal: ${problems.length === 1 ? `1 ${what}` : `${problems.length} ${what}s`} in the portal's answer could not be read; the rest are shown.`,
  );
  for (const problem of problems.slice(0, MAX_PROBLEM_LINES)) note(ctx, `  ${problemWords(problem, what)}`);
  if (problems.length > MAX_PROBLEM_LINES) note(ctx, `  and ${problems.length - MAX_PROBLEM_LINES} more`);
}
