// health --login on an OIDC profile against a real provider: discovery, jwks, token (the
// refresh-token grant) and me; a revoked refresh token is CRITICAL with the provider's error,
// and the refused grant is not sent again.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForApproval } from "../../src/auth/oidc/device.js";
import { OidcProvider } from "../../src/auth/oidc/provider.js";
import type { OidcSettings } from "../../src/config/load.js";
import { prepareHealth, runHealth } from "../../src/health/run.js";
import { buildThresholds } from "../../src/health/thresholds.js";
import { startSandboxWithOidc } from "../../src/sandbox/oidc.js";
import { closeContext, testContext } from "../helpers/context.js";
import { approveDevice, oidcDeps, oidcSettings } from "../helpers/oidc-member.js";

let both: Awaited<ReturnType<typeof startSandboxWithOidc>>;
let settings: OidcSettings;
const deps = oidcDeps;

beforeAll(async () => {
  both = await startSandboxWithOidc({ port: 0 });
  settings = oidcSettings(both.provider);
});
afterAll(() => both.close());

async function refreshToken(): Promise<{ provider: OidcProvider; token: string }> {
  const provider = await OidcProvider.discover(deps(), settings);
  const device = await provider.startDevice();
  await approveDevice(device.verificationUri, device.userCode, "pat.sample");
  const { tokens } = await waitForApproval(
    { now: () => Date.now(), sleep: async () => {}, poll: (d) => provider.pollDevice(d) },
    device,
  );
  return { provider, token: tokens.refreshToken as string };
}

describe("health --login on an OIDC profile", () => {
  it("OK with the four phases; after revocation CRITICAL with invalid_grant, and the grant is not sent again", async () => {
    const { provider, token } = await refreshToken();
    const t = testContext({ env: { RXPORTAL_REFRESH_TOKEN: token } });
    mkdirSync(t.ctx.paths.configDir, { recursive: true });
    writeFileSync(
      join(t.ctx.paths.configDir, "config.yaml"),
      `defaultProfile: oidc\nprofiles:\n  oidc:\n    baseUrl: ${both.sandbox.baseUrl}\n    auth: { type: oidc, issuer: "${settings.issuer}", clientId: ${settings.clientId}, audience: "${settings.audience}" }\n`,
    );
    const prepared = await prepareHealth(t.ctx, { login: true }, buildThresholds({}));
    const ok = await runHealth(t.ctx, prepared);
    const result = ok.results[0];
    expect(result?.phases.map((p) => p.name)).toEqual([
      "dns",
      "connect",
      "status",
      "discovery",
      "jwks",
      "token",
      "me",
    ]);
    expect(result?.state, result?.summary).toBe("OK");

    // The provider rotated the token: the step keeps the newest. Revoke what it holds now.
    const fresh = await provider.refresh(token).catch(() => undefined);
    expect(fresh).toBeUndefined(); // the first token was spent by the rotation
    // A second monitoring token, revoked at the provider before the probe uses it.
    const { token: other } = await refreshToken();
    await provider.revoke(other);
    const t2 = testContext({ dir: t.dir, env: { RXPORTAL_REFRESH_TOKEN: other } });
    const revoked = await prepareHealth(t2.ctx, { login: true }, buildThresholds({}));
    const bad = await runHealth(t2.ctx, revoked);
    const failed = bad.results[0]?.phases.find((p) => p.name === "token");
    expect(bad.results[0]?.state).toBe("CRITICAL");
    expect(failed).toMatchObject({ ok: false, code: "invalid_grant" });
    expect(bad.results[0]?.phases.some((p) => p.name === "me")).toBe(false);
    const again = await runHealth(t2.ctx, revoked);
    expect(again.results[0]?.phases.find((p) => p.name === "token")).toMatchObject({
      ok: false,
      reused: true,
      code: "invalid_grant",
    });
    await closeContext(t.ctx);
    await closeContext(t2.ctx);
  }, 30_000);

  it("without any refresh token the probe cannot run (a usage error: UNKNOWN)", async () => {
    const t = testContext();
    mkdirSync(t.ctx.paths.configDir, { recursive: true });
    writeFileSync(
      join(t.ctx.paths.configDir, "config.yaml"),
      `defaultProfile: oidc\nprofiles:\n  oidc:\n    baseUrl: ${both.sandbox.baseUrl}\n    auth: { type: oidc, issuer: "${settings.issuer}", clientId: c }\n`,
    );
    await expect(prepareHealth(t.ctx, { login: true }, buildThresholds({}))).rejects.toThrow(
      /has no refresh token/,
    );
  });
});
