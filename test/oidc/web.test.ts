// `login --web` against a real OpenID Provider: the test plays the browser with fetch (the
// provider's sign-in and consent pages, then the redirect to rxportal's loopback listener).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OidcProvider } from "../../src/auth/oidc/provider.js";
import { webSignIn } from "../../src/auth/oidc/web.js";
import type { OidcSettings } from "../../src/config/load.js";
import { CliError } from "../../src/errors.js";
import { startSandboxWithOidc } from "../../src/sandbox/oidc.js";
import { closeContext, testContext } from "../helpers/context.js";
import { FormBrowser, oidcDeps, oidcSettings } from "../helpers/oidc-member.js";

let both: Awaited<ReturnType<typeof startSandboxWithOidc>>;
let settings: OidcSettings;
const deps = oidcDeps;

beforeAll(async () => {
  both = await startSandboxWithOidc({ port: 0 });
  settings = oidcSettings(both.provider);
});
afterAll(() => both.close());

/** Waits for the address rxportal shows, then signs in there as `login` in a browser. */
async function playBrowser(lines: string[], login: string, tamper?: (url: URL) => URL) {
  let address: string | undefined;
  for (let i = 0; i < 200 && !address; i++) {
    address = lines.join("\n").match(/^(http:\/\/\S+\/auth\?\S+)$/m)?.[1];
    if (!address) await new Promise((r) => setTimeout(r, 25));
  }
  if (!address) throw new Error(`no address shown: ${lines.join("\n")}`);
  const url = new URL(address);
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  expect(url.searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  const browser = new FormBrowser();
  let page = await browser.get((tamper ? tamper(url) : url).href);
  for (let step = 0; step < 4 && /name="prompt"/.test(page.html); step++) {
    page = /value="login"/.test(page.html)
      ? await browser.submit(page, { login, password: "any" })
      : await browser.submit(page);
  }
  return page;
}

describe("login --web (Authorization Code + PKCE, loopback redirect)", () => {
  it("signs in: the browser gets a short plain page, rxportal validated tokens", async () => {
    const provider = await OidcProvider.discover(deps(), settings);
    const lines: string[] = [];
    const signing = webSignIn(provider, {
      port: 0,
      signal: new AbortController().signal,
      say: (l) => lines.push(l),
    });
    const page = await playBrowser(lines, "pat.sample");
    const tokens = await signing;
    expect(page.status).toBe(200);
    expect(page.html).toContain("You are signed in to rxportal. You can close this tab.");
    expect(page.html).not.toMatch(/<script|https?:\/\/(?!127)/);
    expect(tokens.claims).toMatchObject({ sub: "pat.sample", name: "Pat Sample" });
    expect(tokens.refreshToken).toBeTruthy();
    const me = await fetch(`${both.sandbox.baseUrl}/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(me.status).toBe(200);
  });

  it("refuses an answer whose state is not this sign-in's", async () => {
    const provider = await OidcProvider.discover(deps(), settings);
    const lines: string[] = [];
    const signing = webSignIn(provider, {
      port: 0,
      signal: new AbortController().signal,
      say: (l) => lines.push(l),
    });
    const failed = signing.catch((e: unknown) => e);
    const page = await playBrowser(lines, "pat.sample", (url) => {
      const forged = new URL(url);
      forged.searchParams.set("state", "not-the-one");
      return forged;
    });
    const error = (await failed) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain("does not belong to this sign-in");
    expect(page.status).toBe(400);
  });

  it("times out cleanly (exit 77), and Ctrl-C ends the wait (130); the port is free again after", async () => {
    const provider = await OidcProvider.discover(deps(), settings);
    const slow = (await webSignIn(provider, {
      port: 0,
      signal: new AbortController().signal,
      say: () => {},
      timeoutMs: 200,
    }).catch((e: unknown) => e)) as CliError;
    expect(slow.exitCode).toBe(77);
    expect(slow.message).toBe("The browser did not come back with a sign-in in time.");
    const stop = new AbortController();
    const lines: string[] = [];
    const waiting = webSignIn(provider, { port: 0, signal: stop.signal, say: (l) => lines.push(l) }).catch(
      (e: unknown) => e,
    );
    while (lines.length < 2) await new Promise((r) => setTimeout(r, 10));
    const port = new URL(new URL(lines[0]?.split("\n")[1] ?? "").searchParams.get("redirect_uri") ?? "").port;
    stop.abort();
    expect(((await waiting) as CliError).exitCode).toBe(130);
    await expect(fetch(`http://127.0.0.1:${port}/callback`)).rejects.toThrow();
  });

  it("login --web keeps the session like the device flow; --web on a portal profile is a usage error", async () => {
    const t = testContext();
    mkdirSync(t.ctx.paths.configDir, { recursive: true });
    writeFileSync(
      join(t.ctx.paths.configDir, "config.yaml"),
      `defaultProfile: oidc\nprofiles:\n  oidc:\n    baseUrl: ${both.sandbox.baseUrl}\n    auth: { type: oidc, issuer: "${settings.issuer}", clientId: ${settings.clientId}, audience: "${settings.audience}" }\n  plain:\n    baseUrl: ${both.sandbox.baseUrl}\n`,
    );
    const { loginCommand } = await import("../../src/commands/auth/login.js");
    const lines: string[] = [];
    const login = loginCommand(t.ctx, { web: true });
    const watch = setInterval(() => lines.splice(0, lines.length, ...t.stderr.text.split("\n")), 10);
    await playBrowser(lines, "pat.sample");
    await login;
    clearInterval(watch);
    expect(t.stdout.text).toBe("Signed in as Pat Sample (pat.sample) on oidc.\n");
    expect((await t.credentials.store.getSession("oidc", "pat.sample"))?.refreshToken).toBeTruthy();
    await closeContext(t.ctx);

    const p = testContext({ dir: t.dir, globals: { profile: "plain" } });
    const refused = (await loginCommand(p.ctx, { web: true }).catch((e: unknown) => e)) as CliError;
    expect(refused.exitCode).toBe(64);
    expect(refused.message).toMatch(/^--web applies to OIDC profiles only/);
  }, 30_000);
});
