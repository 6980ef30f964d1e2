// JWKS rotation at a real provider: rxportal holds the provider's signing keys from its first
// sign-in; the provider then starts again on the same address with a new signing key (a new key
// id), as a real one rotates. The next ID token is signed with a key rxportal has not seen: it
// fetches the keys once more and accepts the token, and a token no key of the provider's signed
// is still refused.
import * as jose from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForApproval } from "../../src/auth/oidc/device.js";
import { validateIdToken } from "../../src/auth/oidc/id-token.js";
import { OidcProvider } from "../../src/auth/oidc/provider.js";
import type { OidcSettings } from "../../src/config/load.js";
import { type RunningOidcProvider, startOidcProvider } from "../../src/sandbox/oidc.js";
import { approveDevice, oidcDeps, oidcSettings } from "../helpers/oidc-member.js";

const accounts = (id: string) =>
  id === "pat.sample" ? { username: "pat.sample", name: "Pat Sample" } : undefined;
const noWait = { now: () => Date.now(), sleep: async () => {} };
let running: RunningOidcProvider | undefined;
let jwksFetches = 0;
const start = (port = 0) =>
  startOidcProvider({
    port,
    accounts,
    onRequest: (method, path) => {
      if (method === "GET" && path.startsWith("/jwks")) jwksFetches++;
    },
  });

async function signIn(provider: OidcProvider) {
  const device = await provider.startDevice();
  await approveDevice(device.verificationUri, device.userCode, "pat.sample");
  return (await waitForApproval({ ...noWait, poll: (d) => provider.pollDevice(d) }, device)).tokens;
}

let settings: OidcSettings;
beforeAll(async () => {
  running = await start();
  settings = oidcSettings(running);
});
afterAll(async () => {
  await running?.close();
});

describe("the provider's signing key rotates", () => {
  it("the next ID token, signed with the new key, is accepted after one more fetch of the keys", async () => {
    const provider = await OidcProvider.discover(oidcDeps(), settings);
    const first = await signIn(provider);
    expect(first.claims?.sub).toBe("pat.sample");
    const kidBefore = jose.decodeProtectedHeader(first.idToken as string).kid;
    const held = await provider.keys();
    expect(held.keys.map((k) => (k as { kid?: string }).kid)).toEqual([kidBefore]);

    // The same address, a new signing key.
    const port = Number(new URL(settings.issuer).port);
    await running?.close();
    running = await start(port);
    jwksFetches = 0;

    const second = await signIn(provider);
    expect(second.claims?.sub).toBe("pat.sample");
    const kidAfter = jose.decodeProtectedHeader(second.idToken as string).kid;
    expect(kidAfter).not.toBe(kidBefore);
    // The key it held did not sign this token: the keys were fetched again, once.
    expect(jwksFetches).toBe(1);
    expect((await provider.keys()).keys.map((k) => (k as { kid?: string }).kid)).toEqual([kidAfter]);
  });

  it("a token signed with a key the provider does not have is refused, after one more fetch of the keys", async () => {
    const provider = await OidcProvider.discover(oidcDeps(), settings);
    const stranger = await jose.generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const forged = await new jose.SignJWT({ sub: "pat.sample", nonce: "n" })
      .setProtectedHeader({ alg: "RS256", kid: "not-the-providers" })
      .setIssuer(settings.issuer)
      .setAudience(settings.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(stranger.privateKey);
    await provider.keys();
    jwksFetches = 0;
    await expect(
      validateIdToken(forged, {
        issuer: settings.issuer,
        clientId: settings.clientId,
        now: Date.now(),
        keys: (fresh) => provider.keys(fresh),
        nonce: "n",
      }),
    ).rejects.toThrow();
    expect(jwksFetches).toBe(1);
  });
});
