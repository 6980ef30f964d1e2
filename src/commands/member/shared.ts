// Small pieces the member commands (orders, auto-refill, id-card) share.
import type { SessionOptions } from "../../auth/session.js";
import type { AppContext } from "../../context.js";
import { PortalRefusedError, UsageError } from "../../errors.js";
import { formatLocalTime } from "../../ui/output.js";

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
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
}

/** An id given on the command line (member, order, prescription): one printable word. */
export function checkId(value: string, what: string, example: string): string {
  const id = value.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (id === "" || id.length > 64 || /[\s\u0000-\u001f\u007f-\u009f]/.test(id)) {
    throw new UsageError(`The ${what} must be one word as the portal shows it, e.g. ${example}.`);
  }
  return id;
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
  const date = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return clean(ymd);
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
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
