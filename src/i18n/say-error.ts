// An error in the run's language. An error that says how it is said (`said`) is rendered from the
// errors catalog; the common ones that do not are read from their class and code (the portal's
// problem code, the reason it is unavailable), so that src/auth and src/portal need not know the
// language. Anything else keeps its English words: a sentence that is right in English beats a
// guessed translation. Loaded only for a run in Spanish that ends in an error (src/main.ts).
import {
  AuthRequiredError,
  type CliError,
  InterruptedError,
  PortalRefusedError,
  PortalUnavailableError,
  type Said,
  TryLaterError,
  UsageError,
} from "../errors.js";
import type { Lang } from "./lang.js";
import { type ErrorKey, errorText } from "./messages/errors.js";

export interface SaidError {
  message: string;
  hint?: string;
}

/** One catalog message by key and arguments. */
export function render(lang: Lang, said: Said): string {
  const message = errorText.in(lang)[said.key] as string | ((...args: unknown[]) => string);
  return typeof message === "string" ? message : message(...said.args);
}

const ref = (key: ErrorKey, ...args: unknown[]): Said => ({ key, args });

/** What the error's class and code say, for errors thrown without `said`. */
function inferred(error: CliError): { said: Said; hint?: Said } | undefined {
  if (error instanceof InterruptedError) return { said: ref("interrupted") };
  if (error instanceof UsageError) {
    // The prompter's (src/ui/prompts.ts): "Username: no terminal to ask on; pass --username <u>."
    const m = /^(.*): no terminal to ask on; pass (.*)\.$/.exec(error.message);
    return m ? { said: ref("noTerminal", m[1], m[2]) } : undefined;
  }
  const attempts = (error as { problem?: Record<string, unknown> }).problem?.attemptsRemaining;
  const left = typeof attempts === "number" ? attempts : undefined;
  if (error instanceof PortalRefusedError) {
    switch (error.code) {
      case "invalid_credentials":
        return { said: ref("invalidCredentials", left) };
      case "invalid_code":
        return { said: ref("invalidCode", left) };
      case "challenge_expired":
        return { said: ref("codeExpired"), hint: ref("loginHint") };
      case "password_expired":
        return { said: ref("passwordExpired"), hint: ref("passwordExpiredHint") };
      case "account_disabled":
        return { said: ref("accountDisabled"), hint: ref("accountDisabledHint") };
    }
    return undefined;
  }
  if (error instanceof TryLaterError) {
    if (error.code === "account_locked")
      return { said: ref("accountLocked", error.lockedUntil), hint: ref("lockedHint") };
    if (error.code === "rate_limited") {
      return {
        said: ref("rateLimited", error.retryAfterSeconds),
        hint: error.retryAfterSeconds === undefined ? ref("rateLimitedHint") : undefined,
      };
    }
    return undefined;
  }
  if (error instanceof AuthRequiredError) {
    const key: ErrorKey =
      error.code === "session_expired"
        ? "sessionEnded"
        : error.code === "token_expired"
          ? "sessionExpired"
          : error.code === "not_signed_in"
            ? "notSignedIn"
            : "unauthorized";
    return { said: ref(key), hint: ref(key === "notSignedIn" ? "notSignedInHint" : "loginHint") };
  }
  if (error instanceof PortalUnavailableError) {
    switch (error.reason) {
      case "maintenance":
        return { said: ref("maintenance", error.retryAfterSeconds), hint: ref("unavailableHint") };
      case "server_error":
        return {
          said: ref("serverError", error.status ?? 500, error.retryAfterSeconds),
          hint: ref("unavailableHint"),
        };
      case "timeout":
        return { said: ref("timedOut"), hint: ref("timeoutHint") };
      case "bad_response":
        return { said: ref("badResponse", error.code) };
      default:
        return { said: ref("unreachable", error.code), hint: ref("unavailableHint") };
    }
  }
  return undefined;
}

/**
 * The message and hint of `error` in `lang`, or undefined to print the error's own English words.
 * A hint the catalog has no words for stays in English: it names what to do.
 */
export function sayError(error: CliError, lang: Lang): SaidError | undefined {
  if (lang === "en") return undefined;
  const guess = error.said ? undefined : inferred(error);
  const said = error.said ?? guess?.said;
  if (!said) return undefined;
  const hintSaid = error.saidHint ?? (error.said ? undefined : guess?.hint);
  const hint = hintSaid ? render(lang, hintSaid) : error.hint;
  return { message: render(lang, said), ...(hint ? { hint } : {}) };
}

/** The words around an error, printed by src/main.ts. */
export function errorWords(lang: Lang) {
  const t = errorText.in(lang);
  return { interrupted: t.interrupted, requestId: t.requestId, internalError: t.internalError };
}
