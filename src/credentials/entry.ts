// The seam between rxportal and the native keychain: an Entry-like object per (service, account),
// shaped like @napi-rs/keyring's AsyncEntry so either can stand behind it. Tests pass their own
// factory to simulate a hang or an AccessDenied without mocking modules.

/** Which Linux store an entry is pinned to (mirrors @napi-rs/keyring's LinuxStore). */
export type LinuxStore = "secret-service" | "keyutils";

export interface KeyringEntry {
  /** null when there is no such item. */
  getPassword(signal?: AbortSignal): Promise<string | null>;
  setPassword(password: string, signal?: AbortSignal): Promise<void>;
  /** false when there was no such item. */
  deleteCredential(signal?: AbortSignal): Promise<boolean>;
}

/**
 * Makes the entry for one keychain item. `linuxStore` pins the entry to one Linux store (no silent
 * fallback); undefined means the platform default (and is what macOS and Windows use).
 */
export type KeyringEntryFactory = (service: string, account: string, linuxStore?: LinuxStore) => KeyringEntry;

/** The account names kept under one service (never their secrets). */
export type FindAccounts = (service: string, signal?: AbortSignal) => Promise<string[]>;
