// Typed errors. Anything a user, a config file or a portal can cause is a CliError with an exit
// code (shared/cli.md), a one-line message and, where we have one, a next step and the portal's
// X-Request-Id. src/main.ts is the one place these become output and an exit code; any other
// thrown value is a bug in rxportal and is reported with its stack.

import type { ErrorArgs, ErrorKey } from "./i18n/messages/errors.js";

export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 64,
  unavailable: 69,
  tryLater: 75,
  noPermission: 77,
  config: 78,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliErrorOptions {
  /** A next step for the reader, e.g. "Run `rxportal login`." */
  hint?: string;
  /** The portal's X-Request-Id, which support asks for. */
  requestId?: string;
  cause?: unknown;
  /** Extra facts for the --json error document (e.g. a refill journal key). Never secrets. */
  details?: Record<string, unknown>;
  /**
   * The message as a key of the errors catalog and its arguments (`said(...)`), so that it can be
   * printed in the run's language (src/i18n/say-error.ts). The English `message` stays the error's own.
   */
  said?: Said;
  /** The hint, the same way. */
  saidHint?: Said;
}

/** A message of src/i18n/messages/errors.ts by key, with its arguments. */
export interface Said {
  readonly key: ErrorKey;
  readonly args: readonly unknown[];
}

/** `said("invalidCredentials", 2)`: typed against the catalog, which is not loaded here. */
export function said<K extends ErrorKey>(key: K, ...args: ErrorArgs<K>): Said {
  return { key, args };
}

export class CliError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly requestId?: string;
  readonly details?: Record<string, unknown>;
  readonly said?: Said;
  readonly saidHint?: Said;

  constructor(message: string, exitCode: ExitCodeValue, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.requestId = options.requestId;
    this.details = options.details;
    this.said = options.said;
    this.saidHint = options.saidHint;
  }
}

/** Exit 64: unknown flag, missing argument, bad value, or a prompt needed without a terminal. */
export class UsageError extends CliError {
  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, ExitCode.usage, options);
  }
}

/** Exit 78: an unreadable or invalid config or tree file. */
export class ConfigError extends CliError {
  readonly file?: string;
  readonly keyPath?: string;
  constructor(message: string, options: CliErrorOptions & { file?: string; keyPath?: string } = {}) {
    super(message, ExitCode.config, options);
    this.file = options.file;
    this.keyPath = options.keyPath;
  }
}

/** Exit 130: the user pressed Ctrl-C or closed a prompt. */
export class InterruptedError extends CliError {
  constructor(message = "Interrupted.") {
    super(message, ExitCode.interrupted);
  }
}

// ---------------------------------------------------------------------------------------------
// Portal errors: built by the client from an HTTP answer or a transport failure.
// ---------------------------------------------------------------------------------------------

export interface PortalErrorOptions extends CliErrorOptions {
  /** HTTP status, when the portal answered at all. */
  status?: number;
  /** The problem document's `code`, or a transport reason for unavailability. */
  code: string;
  /** The whole problem document, for extras such as attemptsRemaining or lockedUntil. */
  problem?: Record<string, unknown>;
}

export abstract class PortalError extends CliError {
  readonly status?: number;
  readonly code: string;
  readonly problem?: Record<string, unknown>;
  constructor(message: string, exitCode: ExitCodeValue, options: PortalErrorOptions) {
    super(message, exitCode, options);
    this.status = options.status;
    this.code = options.code;
    this.problem = options.problem;
  }
}

/** Exit 1: the portal understood and said no (wrong password, code invalid, refill not allowed...). */
export class PortalRefusedError extends PortalError {
  constructor(message: string, options: PortalErrorOptions) {
    super(message, ExitCode.refused, options);
  }
}

export type UnavailableReason =
  | "dns"
  | "connect"
  | "tls"
  | "timeout"
  | "reset"
  | "maintenance"
  | "server_error"
  | "bad_response"
  | "insecure_url";

/** Exit 69: DNS, connect, TLS, timeout, 5xx, maintenance, or an answer we cannot read. */
export class PortalUnavailableError extends PortalError {
  readonly reason: UnavailableReason;
  /** Seconds to wait, from Retry-After, when the portal gave one. */
  readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    options: Omit<PortalErrorOptions, "code"> & {
      reason: UnavailableReason;
      retryAfterSeconds?: number;
      code?: string;
    },
  ) {
    super(message, ExitCode.unavailable, { ...options, code: options.code ?? options.reason });
    this.reason = options.reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Exit 75: rate limited, account locked, or the lockout guard stopped an attempt. */
export class TryLaterError extends PortalError {
  readonly retryAfterSeconds?: number;
  /** For account_locked: when the lock ends, if the portal said. */
  readonly lockedUntil?: Date;
  constructor(
    message: string,
    options: PortalErrorOptions & { retryAfterSeconds?: number; lockedUntil?: Date },
  ) {
    super(message, ExitCode.tryLater, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.lockedUntil = options.lockedUntil;
  }
}

/** Exit 77: not signed in, session expired, or the keychain refused access. */
export class AuthRequiredError extends PortalError {
  constructor(message: string, options: PortalErrorOptions) {
    super(message, ExitCode.noPermission, options);
  }
}

/** Folds a message onto one line: output on stderr is one line per error. */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
}
