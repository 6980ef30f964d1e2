// requireSession with nothing but its SessionDeps (no AppContext, no composition): a kept session,
// or a refreshed one, comes back as the profile's client acting for it, while the profile's own
// client stays anonymous.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { memoryCredentials } from "../../test/helpers/context.js";
import { noTerminal } from "../../test/helpers/prompter.js";
import { ManualClock } from "../clock.js";
import type { Profile } from "../config/load.js";
import { AuthRequiredError } from "../errors.js";
import { PortalClient } from "../portal/client.js";
import { requireSession, type SessionDeps } from "./session.js";

const BASE = "https://portal.test/api/v1";
const NOW = Date.parse("2026-03-01T12:00:00Z");
const ME = {
  memberId: "M1",
  name: "Alice",
  dateOfBirth: "1980-01-01",
  enrolleeType: "commercial",
  recoveryEmailHint: "a***@example.com",
  phoneHint: "***-***-1234",
  dependents: [],
};

function setup() {
  const sent: { method: string; path: string; authorization: string | null }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const authorization = new Headers(init?.headers).get("authorization");
    sent.push({ method: init?.method ?? "GET", path: url.pathname.replace("/api/v1", ""), authorization });
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
    if (url.pathname.endsWith("/auth/policy")) {
      return json({
        lockout: { maxAttempts: 5, lockMinutes: 15 },
        password: { minLength: 8, maxLength: 64, requireClasses: [], minClasses: 1, disallowUsername: true },
        resetCode: { length: 6, ttlMinutes: 10 },
        mfa: { channels: [] },
      });
    }
    if (url.pathname.endsWith("/auth/login")) {
      return json({
        result: "ok",
        accessToken: "new-token",
        expiresIn: 900,
        member: { memberId: "M7", name: "Alice" },
      });
    }
    if (url.pathname.endsWith("/auth/token/refresh")) {
      return json({ result: "ok", accessToken: "fresh-token", refreshToken: "refresh-2", expiresIn: 900 });
    }
    return json(ME);
  };
  const client = new PortalClient({ baseUrl: BASE, fetch });
  const profile = { name: "test", baseUrl: BASE, username: "alice", timeoutMs: 5000 } as Profile;
  const credentials = memoryCredentials();
  const stderr = { text: "", write: (s: string) => (stderr.text += s) };
  const deps: SessionDeps = {
    io: { stdout: { write: () => true }, stderr, stdin: new PassThrough() },
    env: {},
    cwd: tmpdir(),
    clock: new ManualClock(NOW),
    paths: { dataDir: join(mkdtempSync(join(tmpdir(), "rxportal-session-")), "data") },
    globals: {},
    prompter: noTerminal,
    signal: new AbortController().signal,
    profile: async () => profile,
    portal: async () => client,
    credentials: async () => credentials,
  };
  return { deps, client, credentials, sent };
}

describe("requireSession (SessionDeps only)", () => {
  it("a kept session: the view carries its token, the profile's client stays anonymous", async () => {
    const { deps, client, credentials, sent } = setup();
    await credentials.store.setSession("test", "alice", {
      accessToken: "kept-token",
      expiresAt: new Date(NOW + 600_000).toISOString(),
    });
    const signed = await requireSession(deps);
    expect(signed).toMatchObject({ username: "alice", kept: true });
    expect(sent).toEqual([]);
    expect(await signed.client.getMe()).toEqual(ME);
    await expect(client.getMe()).rejects.toBeInstanceOf(AuthRequiredError);
    expect(sent).toEqual([{ method: "GET", path: "/me", authorization: "Bearer kept-token" }]);
  });

  it("an expired session with a refresh token: refreshed once, kept, and the view carries the new token", async () => {
    const { deps, credentials, sent } = setup();
    await credentials.store.setSession("test", "alice", {
      accessToken: "old-token",
      refreshToken: "refresh-1",
      expiresAt: new Date(NOW - 1_000).toISOString(),
    });
    const signed = await requireSession(deps);
    await signed.client.getMe();
    expect(sent).toEqual([
      { method: "POST", path: "/auth/token/refresh", authorization: null },
      { method: "GET", path: "/me", authorization: "Bearer fresh-token" },
    ]);
    expect(await credentials.store.getSession("test", "alice")).toMatchObject({
      accessToken: "fresh-token",
      refreshToken: "refresh-2",
    });
  });

  it("tells the member's id when the sign-in did: kept with the session, kept through a refresh, from a login", async () => {
    const kept = setup();
    await kept.credentials.store.setSession("test", "alice", {
      accessToken: "kept-token",
      expiresAt: new Date(NOW + 600_000).toISOString(),
      memberId: "M1",
    });
    expect((await requireSession(kept.deps)).memberId).toBe("M1");

    const refreshed = setup();
    await refreshed.credentials.store.setSession("test", "alice", {
      accessToken: "old-token",
      refreshToken: "refresh-1",
      expiresAt: new Date(NOW - 1_000).toISOString(),
      memberId: "M1",
    });
    expect((await requireSession(refreshed.deps)).memberId).toBe("M1");

    // A session kept without one (an older rxportal's): no id, and nothing guessed.
    const unknown = setup();
    await unknown.credentials.store.setSession("test", "alice", {
      accessToken: "kept-token",
      expiresAt: new Date(NOW + 600_000).toISOString(),
    });
    expect(await requireSession(unknown.deps)).not.toHaveProperty("memberId");

    const fresh = setup();
    const signed = await requireSession({ ...fresh.deps, env: { RXPORTAL_PASSWORD: "Correct-Horse-9" } });
    expect(fresh.sent.map((r) => r.path)).toEqual(["/auth/policy", "/auth/login"]);
    expect(signed.memberId).toBe("M7");
  });

  it("no session and no way to sign in unattended: exit 77, nothing sent", async () => {
    const { deps, sent } = setup();
    await expect(requireSession(deps)).rejects.toBeInstanceOf(AuthRequiredError);
    expect(sent).toEqual([]);
  });
});
