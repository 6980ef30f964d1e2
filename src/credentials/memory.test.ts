import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { MemoryCredentialStore } from "./memory.js";
import type { StoredSession } from "./store.js";

const session: StoredSession = {
  accessToken: "at-1",
  refreshToken: "rt-1",
  expiresAt: "2025-03-01T12:30:00.000Z",
  memberId: "M100",
  name: "Alice Example",
};

describe("MemoryCredentialStore", () => {
  it("is kind memory", () => {
    expect(new MemoryCredentialStore().kind).toBe("memory");
  });

  it("stores, reads and deletes a password per profile and user", async () => {
    const store = new MemoryCredentialStore();
    expect(await store.getPassword("acme", "alice")).toBeUndefined();
    await store.setPassword("acme", "alice", "s3cret");
    expect(await store.getPassword("acme", "alice")).toBe("s3cret");
    expect(await store.getPassword("other", "alice")).toBeUndefined();
    expect(await store.getPassword("acme", "bob")).toBeUndefined();
    await store.setPassword("acme", "alice", "newer");
    expect(await store.getPassword("acme", "alice")).toBe("newer");
    expect(await store.deletePassword("acme", "alice")).toBe(true);
    expect(await store.deletePassword("acme", "alice")).toBe(false);
    expect(await store.getPassword("acme", "alice")).toBeUndefined();
  });

  it("keeps the session apart from the password", async () => {
    const store = new MemoryCredentialStore();
    await store.setPassword("acme", "alice", "s3cret");
    await store.setSession("acme", "alice", session);
    expect(await store.getSession("acme", "alice")).toEqual(session);
    expect(await store.deletePassword("acme", "alice")).toBe(true);
    expect(await store.getSession("acme", "alice")).toEqual(session);
    expect(await store.deleteSession("acme", "alice")).toBe(true);
    expect(await store.deleteSession("acme", "alice")).toBe(false);
    expect(await store.getSession("acme", "alice")).toBeUndefined();
  });

  it("keeps a copy: changing the caller's object later changes nothing", async () => {
    const store = new MemoryCredentialStore();
    const mine = { ...session };
    await store.setSession("acme", "alice", mine);
    mine.accessToken = "tampered";
    expect((await store.getSession("acme", "alice"))?.accessToken).toBe("at-1");
  });

  it("drops unknown fields and refuses an invalid session without echoing tokens", async () => {
    const store = new MemoryCredentialStore();
    await store.setSession("acme", "alice", { ...session, extra: "x" } as StoredSession);
    expect(await store.getSession("acme", "alice")).toEqual(session);
    const bad = { accessToken: "very-secret-token", expiresAt: "tomorrow" };
    const error = await store.setSession("acme", "alice", bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("expiresAt");
    expect((error as Error).message).not.toContain("very-secret-token");
  });

  it("does not mix names that only differ by where a separator falls", async () => {
    const store = new MemoryCredentialStore();
    await store.setPassword("a", "b/c", "one");
    await store.setPassword("a/b", "c", "two");
    expect(await store.getPassword("a", "b/c")).toBe("one");
    expect(await store.getPassword("a/b", "c")).toBe("two");
  });

  it("refuses empty names and a username that would collide with a session account", async () => {
    const store = new MemoryCredentialStore();
    await expect(store.setPassword("", "alice", "x")).rejects.toBeInstanceOf(UsageError);
    await expect(store.getPassword("acme", " ")).rejects.toBeInstanceOf(UsageError);
    await expect(store.setPassword("acme", "alice#session", "x")).rejects.toThrow(/#session/);
  });
});

describe("list: names and kinds, never secrets", () => {
  it("groups passwords and sessions per user, per profile, for any names", async () => {
    const fc = await import("fast-check");
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc
            .string({ minLength: 1, maxLength: 12 })
            .filter((u) => u.trim() !== "" && !u.endsWith("#session")),
          {
            maxLength: 6,
          },
        ),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        async (users, flags) => {
          const store = new MemoryCredentialStore();
          const expected = [];
          for (const [i, u] of users.entries()) {
            const password = flags[2 * i] ?? false;
            const session = flags[2 * i + 1] ?? true;
            if (password) await store.setPassword("p", u, "secret-pw");
            if (session)
              await store.setSession("p", u, { accessToken: "tok", expiresAt: "2026-01-01T00:00:00Z" });
            if (password || session) expected.push({ username: u, password, session });
          }
          await store.setPassword("other", "zed", "x");
          const listed = await store.list("p");
          expect(listed).toEqual(expected.sort((a, b) => a.username.localeCompare(b.username)));
        },
      ),
      { numRuns: 50, seed: 42 },
    );
  });
});
