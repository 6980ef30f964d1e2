// An in-memory CredentialStore: for tests, and for a run with no lasting keychain (the session
// then lives only as long as the process). Same layout and checks as the keychain store.
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

export class MemoryCredentialStore implements CredentialStore {
  readonly kind = "memory";
  private readonly items = new Map<string, string>();

  private key(profile: string, account: string): string {
    // JSON keeps the pair unambiguous whatever characters the names hold.
    return JSON.stringify([serviceName(profile), account]);
  }

  async getPassword(profile: string, username: string): Promise<string | undefined> {
    checkNames(profile, username);
    return this.items.get(this.key(profile, username));
  }

  async setPassword(profile: string, username: string, password: string): Promise<void> {
    checkNames(profile, username);
    this.items.set(this.key(profile, username), password);
  }

  async deletePassword(profile: string, username: string): Promise<boolean> {
    checkNames(profile, username);
    return this.items.delete(this.key(profile, username));
  }

  async getSession(profile: string, username: string): Promise<StoredSession | undefined> {
    checkNames(profile, username);
    return parseSession(this.items.get(this.key(profile, sessionAccount(username))));
  }

  async setSession(profile: string, username: string, session: StoredSession): Promise<void> {
    checkNames(profile, username);
    // Stored serialised, like the keychain, so a caller mutating its object later changes nothing.
    this.items.set(this.key(profile, sessionAccount(username)), serializeSession(session));
  }

  async deleteSession(profile: string, username: string): Promise<boolean> {
    checkNames(profile, username);
    return this.items.delete(this.key(profile, sessionAccount(username)));
  }

  async list(profile: string): Promise<KeptItem[]> {
    const service = serviceName(profile);
    const accounts: string[] = [];
    for (const key of this.items.keys()) {
      const [s, account] = JSON.parse(key) as [string, string];
      if (s === service) accounts.push(account);
    }
    return groupAccounts(accounts);
  }
}
