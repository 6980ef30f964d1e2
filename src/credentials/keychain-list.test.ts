import { describe, expect, it } from "vitest";
import { FakeKeyring, fakeFind } from "./fake-keyring.testing.js";
import { KeychainCredentialStore } from "./keychain.js";

describe("KeychainCredentialStore.list", () => {
  it("lists users with their kinds for one profile, never the secrets", async () => {
    const keyring = new FakeKeyring();
    const store = new KeychainCredentialStore({ entries: keyring.entries, find: fakeFind(keyring) });
    await store.setPassword("home", "pat", "pw-secret");
    await store.setSession("home", "pat", { accessToken: "tok-secret", expiresAt: "2026-12-01T00:00:00Z" });
    await store.setSession("home", "sam", { accessToken: "tok2", expiresAt: "2026-12-01T00:00:00Z" });
    await store.setPassword("work", "zed", "pw2");
    const listed = await store.list("home");
    expect(listed).toEqual([
      { username: "pat", password: true, session: true },
      { username: "sam", password: false, session: true },
    ]);
    expect(await store.list("nobody")).toEqual([]);
  });

  it("a listing that hangs ends at the deadline with a KeychainError (exit 77)", async () => {
    const store = new KeychainCredentialStore({
      entries: new FakeKeyring().entries,
      find: () => new Promise<string[]>(() => {}),
      timeoutMs: 50,
    });
    await expect(store.list("home")).rejects.toMatchObject({ exitCode: 77 });
  });
});
