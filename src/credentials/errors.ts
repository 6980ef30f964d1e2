// Keychain failures become one CliError (exit 77, shared/cli.md) with a one-line message. Native
// errors from @napi-rs/keyring can span lines and carry a Rust backtrace (RUST_BACKTRACE is set on
// some machines) or a chain of causes; only their first line ever reaches the user.
import { CliError, ExitCode } from "../errors.js";

export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 3000;

export type KeychainFailure =
  /** The keychain did not answer in time: usually locked, waiting on an unlock prompt. */
  | "timeout"
  /** The keychain is locked and the unlock prompt was dismissed or could not be shown. */
  | "locked"
  /** No keychain reachable: no Secret Service on D-Bus, no platform store, access denied. */
  | "unavailable"
  /** More than one keychain item matches (written by another program). */
  | "ambiguous"
  /** Anything else the keychain said. */
  | "failure";

const NO_KEYCHAIN_HINT =
  "Unlock your keyring, or start one: install gnome-keyring or enable KeePassXC's Secret Service " +
  "integration, or run rxportal inside a desktop session. `rxportal keychain status` shows what rxportal can use.";

const HINTS: Record<KeychainFailure, string> = {
  timeout:
    "Unlock it, or sign in without --remember (that needs no keychain). " +
    "`rxportal keychain status` shows what rxportal can use.",
  locked: "Unlock your keyring (for example by signing in to your desktop session) and try again.",
  unavailable: NO_KEYCHAIN_HINT,
  ambiguous:
    "Another program stored a second item under the same name. Remove the duplicates with your keyring " +
    "manager (Seahorse, KeePassXC, `secret-tool clear service rxportal/<profile> username <user>`).",
  failure: NO_KEYCHAIN_HINT,
};

export class KeychainError extends CliError {
  readonly failure: KeychainFailure;
  /** The first line of what the keychain library said, when it said something. */
  readonly nativeMessage?: string;
  constructor(
    message: string,
    failure: KeychainFailure,
    options: { hint?: string; cause?: unknown; nativeMessage?: string } = {},
  ) {
    super(message, ExitCode.noPermission, { hint: options.hint ?? HINTS[failure], cause: options.cause });
    this.failure = failure;
    this.nativeMessage = options.nativeMessage;
  }
}

const MAX_LINE = 240;

/** The first non-empty line of an error's message, trimmed and capped; never a stack or backtrace. */
export function firstLine(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.message;
  else if (typeof error === "string") text = error;
  else if (
    error &&
    typeof error === "object" &&
    typeof (error as { message?: unknown }).message === "string"
  ) {
    text = (error as { message: string }).message;
  } else text = String(error);
  const line =
    text
      .split(/\r?\n|\r/)
      .map((part) => part.trim())
      .find((part) => part !== "") ?? "";
  const clean = line.replace(/\p{Cc}/gu, " ");
  if (clean === "") return "unknown error";
  return clean.length > MAX_LINE ? `${clean.slice(0, MAX_LINE - 1)}…` : clean;
}

function classify(line: string): KeychainFailure {
  if (/prompt was dismissed|is locked|\blocked\b/i.test(line)) return "locked";
  if (/ambiguous/i.test(line)) return "ambiguous";
  if (
    /AccessDenied|access denied|NoStorageAccess|platform storage|DBus error|D-Bus|no such (service|name)/i.test(
      line,
    )
  ) {
    return "unavailable";
  }
  return "failure";
}

/** 3000 → "3 s", 2500 → "2.5 s", 150 → "150 ms". */
export function formatSeconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Math.round(ms / 100) / 10} s`;
}

export function keychainTimeoutError(timeoutMs: number): KeychainError {
  return new KeychainError(
    `The keychain did not answer within ${formatSeconds(timeoutMs)}; it may be locked.`,
    "timeout",
  );
}

/** Maps whatever a keychain call threw to a KeychainError; the native message keeps one line only. */
export function toKeychainError(error: unknown, action: string): KeychainError {
  if (error instanceof KeychainError) return error;
  const line = firstLine(error);
  const failure = classify(line);
  const lead: Record<KeychainFailure, string> = {
    timeout: "The keychain did not answer",
    locked: "The keychain is locked",
    unavailable: "The keychain refused access",
    ambiguous: "The keychain holds more than one matching item",
    failure: "The keychain failed",
  };
  // The cause keeps only the line too: a CliError's cause may be printed with --verbose.
  return new KeychainError(`${lead[failure]} while ${action}: ${line}`, failure, {
    cause: new Error(line),
    nativeMessage: line,
  });
}

/**
 * Runs one keychain call with a deadline. The call gets a signal that aborts at the deadline, so
 * an implementation that can stop (the helper process is killed) does; either way the caller is
 * answered on time.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  action: string,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = keychainTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } catch (error) {
    throw toKeychainError(error, action);
  } finally {
    clearTimeout(timer);
  }
}
