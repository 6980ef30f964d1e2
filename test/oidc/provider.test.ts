// The OIDC sign-in against a real OpenID Provider (oidc-provider, started here on port 0) and the
// sandbox portal that accepts its tokens: the member approves codes on the provider's own pages,
// over HTTP, as a person in a browser would.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForApproval } from "../../src/auth/oidc/device.js";
import { OidcProvider } from "../../src/auth/oidc/provider.js";
import type { OidcSettings } from "../../src/config/load.js";
import { CliError } from "../../src/errors.js";
import { startSandboxWithOidc } from "../../src/sandbox/oidc.js";
import { closeContext, testContext } from "../helpers/context.js";
import { approveDevice, denyDevice, oidcDeps, oidcSettings } from "../helpers/oidc-member.js";

let both: Awaited<ReturnType<typeof startSandboxWithOidc>>;
let settings: OidcSettings;
const deps = oidcDeps;
const noWait = { now: () => Date.now(), sleep: async () => {} };

beforeAll(async () => {
  both = await startSandboxWithOidc({ port: 0 });
  settings = oidcSettings(both.provider);
});
afterAll(() => both.close());

async function signedIn(login = "pat.sample") {
  const provider = await OidcProvider.discover(deps(), settings);
  const device = await provider.startDevice();
  await approveDevice(device.verificationUri, device.userCode, login);
  const { tokens } = await waitForApproval({ ...noWait, poll: (d) => provider.pollDevice(d) }, device);
  return { provider, tokens };
}

const me = (token: string) =>
  fetch(`${both.sandbox.baseUrl}/me`, { headers: { authorization: `Bearer ${token}` } });

describe("the device flow against oidc-provider", () => {
  it("signs in: a validated ID token, a refresh token, an access token the sandbox portal accepts", async () => {
    const { tokens } = await signedIn();
    expect(tokens.claims).toMatchObject({
      sub: "pat.sample",
      name: "Pat Sample",
      preferred_username: "pat.sample",
    });
    expect(tokens.refreshToken).toBeTruthy();
    const answer = await me(tokens.accessToken);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { name: string }).name).toBe("Pat Sample");
    // A token with one character of its signature changed is refused. A character in the middle:
    // the last one of a base64url signature also holds unused bits, and a change there alone may
    // decode to the same signature.
    const [head, body, signature = ""] = tokens.accessToken.split(".");
    const at = Math.floor(signature.length / 2);
    const swapped = signature[at] === "A" ? "B" : "A";
    const tampered = `${head}.${body}.${signature.slice(0, at)}${swapped}${signature.slice(at + 1)}`;
    expect((await me(tampered)).status).toBe(401);
  });

  it("refreshes, and after revocation (RFC 7009) the refresh token is refused with the provider's error", async () => {
    const { provider, tokens } = await signedIn();
    const fresh = await provider.refresh(tokens.refreshToken as string);
    expect((await me(fresh.accessToken)).status).toBe(200);
    const current = fresh.refreshToken ?? (tokens.refreshToken as string);
    expect(await provider.revoke(current)).toBe(true);
    const error = (await provider.refresh(current).catch((e: unknown) => e)) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain("invalid_grant");
  });

  it("reports access_denied when the member refuses the code at the provider (exit 1)", async () => {
    const provider = await OidcProvider.discover(deps(), settings);
    const device = await provider.startDevice();
    await denyDevice(device.verificationUri, device.userCode);
    const error = (await waitForApproval({ ...noWait, poll: (d) => provider.pollDevice(d) }, device).catch(
      (e: unknown) => e,
    )) as CliError;
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/^The sign-in was refused at the provider/);
  });

  it("refuses a profile whose issuer is not the provider's exactly (exit 78)", async () => {
    const error = (await OidcProvider.discover(deps(), {
      ...settings,
      issuer: settings.issuer.replace("127.0.0.1", "localhost"),
    }).catch((e: unknown) => e)) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(78);
    expect(error.message).toContain("names another issuer");
  });
});

describe("login, refill list, logout on an OIDC profile (in-process)", () => {
  it("keeps the session in the keychain, uses it for the member API, revokes it at logout", async () => {
    const t = testContext();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(t.ctx.paths.configDir, { recursive: true });
    writeFileSync(
      join(t.ctx.paths.configDir, "config.yaml"),
      `defaultProfile: oidc\nprofiles:\n  oidc:\n    baseUrl: ${both.sandbox.baseUrl}\n    auth: { type: oidc, issuer: "${settings.issuer}", clientId: ${settings.clientId}, audience: "${settings.audience}" }\n`,
    );
    const { loginCommand } = await import("../../src/commands/auth/login.js");
    const login = loginCommand(t.ctx, {});
    // The member reads the code on stderr and approves it while login waits.
    let code: RegExpExecArray | null = null;
    for (let i = 0; i < 100 && !code; i++) {
      code = /open (\S+) in a browser on any device and enter the code: (\S+)/.exec(t.stderr.text);
      if (!code) await new Promise((r) => setTimeout(r, 50));
    }
    expect(code).not.toBeNull();
    await approveDevice(code?.[1] as string, code?.[2] as string, "pat.sample");
    await login;
    expect(t.stdout.text).toBe("Signed in as Pat Sample (pat.sample) on oidc.\n");
    const kept = await t.credentials.store.getSession("oidc", "pat.sample");
    expect(kept?.subject).toBe("pat.sample");
    expect(kept?.refreshToken).toBeTruthy();
    // Nothing secret on stdout or stderr: the tokens, nor the device code.
    for (const secret of [kept?.refreshToken, kept?.accessToken]) {
      expect(t.stdout.text + t.stderr.text).not.toContain(secret);
    }

    const { requireSession } = await import("../../src/auth/session.js");
    const { client } = await requireSession(t.ctx);
    const list = await client.listPrescriptions();
    expect(list.items.length).toBeGreaterThan(0);

    // An access token near its end is refreshed with the kept refresh token, without asking.
    await t.credentials.store.setSession("oidc", "pat.sample", {
      ...(kept as NonNullable<typeof kept>),
      expiresAt: new Date(Date.now() + 1000).toISOString(),
    });
    const again = await requireSession(t.ctx);
    expect((await again.client.getMe()).name).toBe("Pat Sample");
    const refreshed = await t.credentials.store.getSession("oidc", "pat.sample");
    expect(Date.parse(refreshed?.expiresAt ?? "")).toBeGreaterThan(Date.now() + 60_000);

    t.stdout.text = "";
    const { logoutCommand } = await import("../../src/commands/auth/logout.js");
    await logoutCommand(t.ctx, {});
    expect(t.stdout.text).toContain("The session's refresh token: revoked at the sign-in provider.");
    expect(await t.credentials.store.getSession("oidc", "pat.sample")).toBeUndefined();
    // The revoked refresh token no longer works at the provider.
    const provider = await OidcProvider.discover(deps(), settings);
    await expect(provider.refresh(refreshed?.refreshToken as string)).rejects.toThrow(/invalid_grant/);
    await closeContext(t.ctx);
  }, 30_000);

  it("Ctrl-C while waiting for the approval ends login with 130, keeping nothing", async () => {
    const stop = new AbortController();
    const t = testContext({ signal: stop.signal });
    const { mkdirSync } = await import("node:fs");
    mkdirSync(t.ctx.paths.configDir, { recursive: true });
    writeFileSync(
      join(t.ctx.paths.configDir, "config.yaml"),
      `defaultProfile: oidc\nprofiles:\n  oidc:\n    baseUrl: ${both.sandbox.baseUrl}\n    auth: { type: oidc, issuer: "${settings.issuer}", clientId: ${settings.clientId} }\n`,
    );
    const { loginCommand } = await import("../../src/commands/auth/login.js");
    const login = loginCommand(t.ctx, {}).catch((e: unknown) => e);
    for (let i = 0; i < 100 && !t.stderr.text.includes("Waiting for you to approve"); i++)
      await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    expect(((await login) as CliError).exitCode).toBe(130);
    expect(await t.credentials.store.list("oidc")).toEqual([]);
    await closeContext(t.ctx);
  });
});
