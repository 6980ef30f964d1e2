// Where rxportal keeps secrets: the CredentialStore interface and the layout both stores share.
//
// Keychain layout (one keychain item per secret; the OS keychain encrypts them, never a file):
//
//   service "rxportal/<profile>", account "<username>"          the remembered password, and only
//                                                               when the user asked `login --remember`
//   service "rxportal/<profile>", account "<username>#session"  the session as one JSON document:
//                                                               {"accessToken","refreshToken"?,
//                                                                "expiresAt" (ISO),"memberId"?,"name"?,
//                                                                "subject"? (an OIDC profile's sub)}
//
// @napi-rs/keyring writes the attributes `service` and `username` on Linux, so
//   secret-tool lookup service rxportal/<profile> username <username>
// prints the password (and `... username <username>#session` the session JSON). Keeping the
// session under its own account means forgetting the password never drops the session, and the
// reverse. Which username signed in last is not a secret and lives in the state files, not here.
import { isIsoDateTime } from "../dates.js";
import { UsageError } from "../errors.js";
import { nonEmptyString, object, optional, string } from "../state/shapes.js";

export interface StoredSession {
  accessToken: string;
  refreshToken?: string;
  /** ISO 8601. */
  expiresAt: string;
  memberId?: string;
  name?: string;
  /** OIDC profiles: the provider's subject (`sub` of the ID token); `name` is its name claim. */
  subject?: string;
}

export interface CredentialStore {
  /** "keychain" | "memory" */
  readonly kind: string;
  getPassword(profile: string, username: string): Promise<string | undefined>;
  setPassword(profile: string, username: string, password: string): Promise<void>;
  /** True when a password was there and is now gone. */
  deletePassword(profile: string, username: string): Promise<boolean>;
  getSession(profile: string, username: string): Promise<StoredSession | undefined>;
  setSession(profile: string, username: string, session: StoredSession): Promise<void>;
  /** True when a session was there and is now gone. */
  deleteSession(profile: string, username: string): Promise<boolean>;
  /** Who has something kept for this profile: names and kinds only, never a secret. */
  list(profile: string): Promise<KeptItem[]>;
}

/** What is kept for one user of one profile (`keychain status`, `logout --all`). */
export interface KeptItem {
  username: string;
  password: boolean;
  session: boolean;
}

/** Keychain account names ("pat", "pat#session", ...) as one row per user, sorted. */
export function groupAccounts(accounts: Iterable<string>): KeptItem[] {
  const byUser = new Map<string, KeptItem>();
  for (const account of accounts) {
    const session = account.endsWith(SESSION_SUFFIX);
    const username = session ? account.slice(0, -SESSION_SUFFIX.length) : account;
    if (username.trim() === "") continue;
    const item = byUser.get(username) ?? { username, password: false, session: false };
    if (session) item.session = true;
    else item.password = true;
    byUser.set(username, item);
  }
  return [...byUser.values()].sort((a, b) => a.username.localeCompare(b.username));
}

export const SESSION_SUFFIX = "#session";

/**
 * A session's check, by hand (src/state/shapes.ts), without zod: every command that looks for a
 * session reads one. `expiresAt` is a date-time with `Z` or an offset.
 */
export const StoredSessionSchema = object<StoredSession>({
  accessToken: nonEmptyString,
  refreshToken: optional(nonEmptyString),
  expiresAt: { test: (v) => typeof v === "string" && isIsoDateTime(v) },
  memberId: optional(string),
  name: optional(string),
  subject: optional(string),
});

/** The keychain service for a profile. */
export function serviceName(profile: string): string {
  return `rxportal/${profile}`;
}

/** The keychain account that holds a user's session. */
export function sessionAccount(username: string): string {
  return `${username}${SESSION_SUFFIX}`;
}

/**
 * Refuses names that would make the layout ambiguous: an empty profile or username, or a username
 * that is itself someone's session account (user "bob#session" would overwrite bob's session).
 */
export function checkNames(profile: string, username: string): void {
  if (profile.trim() === "") throw new UsageError("The profile name is empty.");
  if (username.trim() === "") throw new UsageError("The username is empty.");
  if (username.endsWith(SESSION_SUFFIX)) {
    throw new UsageError(
      `A username cannot end with "${SESSION_SUFFIX}": rxportal keeps sessions under that name.`,
    );
  }
}

/** Only the fields we know, so nothing unexpected is written into the keychain. */
export function serializeSession(session: StoredSession): string {
  const parsed = StoredSessionSchema.safeParse(session);
  if (!parsed.success) {
    // The message names the fields only, never a value (a token).
    const fields = StoredSessionSchema.wrongFields(session);
    throw new TypeError(`Refusing to store an invalid session (bad ${fields.join(", ")}).`);
  }
  return JSON.stringify(parsed.data);
}

/**
 * A stored session that is not valid JSON or does not fit the schema (written by an older or
 * newer rxportal, or edited by hand) reads as "no session": the user signs in again.
 */
export function parseSession(text: string | null | undefined): StoredSession | undefined {
  if (text === null || text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = StoredSessionSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
