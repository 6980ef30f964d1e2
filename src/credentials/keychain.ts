// The OS keychain as a CredentialStore, on @napi-rs/keyring (macOS Keychain, Windows Credential
// Manager, a Secret Service such as GNOME Keyring or KeePassXC on Linux). Layout: see store.ts.
//
// Every call is bounded (3 s by default): a locked keychain waiting on an unlock prompt, or a
// D-Bus that never answers, ends in a KeychainError (exit 77) instead of a hung CLI. The native
// calls run in a helper process that is killed on timeout (helper.ts explains why).
import type { FindAccounts, KeyringEntry, KeyringEntryFactory, LinuxStore } from "./entry.js";
import { DEFAULT_KEYCHAIN_TIMEOUT_MS, withDeadline } from "./errors.js";
import { KeyringHelper } from "./helper.js";
import {
  type CredentialStore,
  checkNames,
  groupAccounts,
  type KeptItem,
  parseSession,
  type StoredSession,
  serializeSession,
  serviceName,
  sessionAccount,
} from "./store.js";

export { DEFAULT_KEYCHAIN_TIMEOUT_MS };

export interface KeychainCredentialStoreOptions {
  /** Budget for each keychain call. */
  timeoutMs?: number;
  /** Environment for the keychain helper (DBUS_SESSION_BUS_ADDRESS on Linux). Default: inherited. */
  env?: Record<string, string | undefined>;
  /**
   * The Linux store to use. Default "secret-service": pinned, because the library's automatic
   * fallback to the kernel keyring loses secrets at reboot and, with a hung Secret Service, was
   * seen to answer "no password" after 2 s instead of failing. Ignored on macOS and Windows.
   */
  linuxStore?: LinuxStore;
  /** Tests pass a fake; default: entries served by a helper process. */
  entries?: KeyringEntryFactory;
  /** Lists account names per service; default: the helper process (with `entries`, none). */
  find?: FindAccounts;
}

export class KeychainCredentialStore implements CredentialStore {
  readonly kind = "keychain";
  readonly timeoutMs: number;
  private readonly linuxStore: LinuxStore;
  private readonly entries: KeyringEntryFactory;
  private readonly find: FindAccounts | undefined;
  private readonly helper: KeyringHelper | undefined;

  constructor(options: KeychainCredentialStoreOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`);
    this.linuxStore = options.linuxStore ?? "secret-service";
    if (options.entries) {
      this.entries = options.entries;
      this.find = options.find;
    } else {
      this.helper = new KeyringHelper({ env: options.env });
      this.entries = this.helper.entries;
      this.find = options.find ?? this.helper.find;
    }
  }

  /** Stops the helper process, if any. Not required: an idle helper never keeps the CLI alive. */
  close(): void {
    this.helper?.close();
  }

  private run<T>(
    profile: string,
    account: string,
    action: string,
    call: (entry: KeyringEntry, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const service = serviceName(profile);
    return withDeadline(this.timeoutMs, `${action} (${service})`, (signal) =>
      call(this.entries(service, account, this.linuxStore), signal),
    );
  }

  async getPassword(profile: string, username: string): Promise<string | undefined> {
    checkNames(profile, username);
    const value = await this.run(profile, username, `reading the password of ${username}`, (entry, signal) =>
      entry.getPassword(signal),
    );
    return value ?? undefined;
  }

  async setPassword(profile: string, username: string, password: string): Promise<void> {
    checkNames(profile, username);
    if (password === "") throw new TypeError("Refusing to store an empty password.");
    await this.run(profile, username, `saving the password of ${username}`, (entry, signal) =>
      entry.setPassword(password, signal),
    );
  }

  async deletePassword(profile: string, username: string): Promise<boolean> {
    checkNames(profile, username);
    return this.run(profile, username, `removing the password of ${username}`, (entry, signal) =>
      entry.deleteCredential(signal),
    );
  }

  async getSession(profile: string, username: string): Promise<StoredSession | undefined> {
    checkNames(profile, username);
    const text = await this.run(
      profile,
      sessionAccount(username),
      `reading the session of ${username}`,
      (entry, signal) => entry.getPassword(signal),
    );
    return parseSession(text);
  }

  async setSession(profile: string, username: string, session: StoredSession): Promise<void> {
    checkNames(profile, username);
    const text = serializeSession(session);
    await this.run(profile, sessionAccount(username), `saving the session of ${username}`, (entry, signal) =>
      entry.setPassword(text, signal),
    );
  }

  async deleteSession(profile: string, username: string): Promise<boolean> {
    checkNames(profile, username);
    return this.run(
      profile,
      sessionAccount(username),
      `removing the session of ${username}`,
      (entry, signal) => entry.deleteCredential(signal),
    );
  }

  async list(profile: string): Promise<KeptItem[]> {
    if (profile.trim() === "") return [];
    const find = this.find;
    if (!find) return [];
    const service = serviceName(profile);
    const accounts = await withDeadline(this.timeoutMs, `listing what is kept (${service})`, (signal) =>
      find(service, signal),
    );
    return groupAccounts(accounts);
  }
}
