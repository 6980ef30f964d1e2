// What the OIDC health tests share: a sandbox with a real OpenID Provider that counts (and may
// slow) the requests it gets, fresh monitoring refresh tokens from a device approval, and a
// config file with the profiles they probe.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { waitForApproval } from "../../src/auth/oidc/device.js";
import { OidcProvider } from "../../src/auth/oidc/provider.js";
import { SANDBOX_MONITOR_CLIENT_ID, startSandboxWithOidc } from "../../src/sandbox/oidc.js";
import { approveDevice, oidcDeps, oidcSettings } from "./oidc-member.js";

export interface OidcHealthSandbox {
  both: Awaited<ReturnType<typeof startSandboxWithOidc>>;
  /** Every request the provider got, as "POST /token". */
  requests: string[];
  /** Milliseconds each request to this path waits before the provider answers it. */
  delays: Map<string, number>;
  /** The monitoring client's secret this provider knows (a canary: never in any output). */
  monitorSecret: string;
  /** A fresh refresh token of `member` (the sandbox rotates them: one per run that spends it). */
  refreshToken(member?: string): Promise<string>;
  /** Revokes a refresh token at the provider. */
  revoke(token: string): Promise<void>;
  grants(): number;
  close(): Promise<void>;
}

export async function startOidcHealthSandbox(): Promise<OidcHealthSandbox> {
  const requests: string[] = [];
  const delays = new Map<string, number>();
  const monitorSecret = `canary-client-secret-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const both = await startSandboxWithOidc({
    port: 0,
    monitorSecret,
    onRequest: async (method, path) => {
      requests.push(`${method} ${path}`);
      const ms = delays.get(path);
      if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
  const settings = oidcSettings(both.provider);
  const provider = () => OidcProvider.discover(oidcDeps(), settings);
  return {
    both,
    requests,
    delays,
    monitorSecret,
    async refreshToken(member = "monitor.totp") {
      const op = await provider();
      const device = await op.startDevice();
      await approveDevice(device.verificationUri, device.userCode, member);
      const { tokens } = await waitForApproval(
        { now: () => Date.now(), sleep: async () => {}, poll: (d) => op.pollDevice(d) },
        device,
      );
      if (!tokens.refreshToken) throw new Error("the provider gave no refresh token");
      return tokens.refreshToken;
    },
    async revoke(token) {
      await (await provider()).revoke(token);
    },
    grants: () => requests.filter((r) => r === "POST /token").length,
    close: () => both.close(),
  };
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The profiles: `oidc` (refresh token), `monitor` (auth.monitor, client credentials) and `down`
 * (an issuer nothing answers at), all on the sandbox portal.
 */
/** A profile's `auth:` line for the sandbox's provider (or another issuer), in config YAML. */
function authLine(sbx: OidcHealthSandbox, issuer: string, extra = ""): string {
  const { provider } = sbx.both;
  return `    auth: { type: oidc, issuer: "${issuer}", clientId: ${provider.clientId}, audience: "${provider.audience}"${extra} }`;
}
const MONITOR = `, monitor: { clientId: ${SANDBOX_MONITOR_CLIENT_ID} }`;

export function writeOidcConfig(configDir: string, sbx: OidcHealthSandbox, downPort: number): string {
  const { sandbox, provider } = sbx.both;
  const auth = (issuer: string, extra = "") => authLine(sbx, issuer, extra);
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, "config.yaml");
  writeFileSync(
    file,
    [
      "defaultProfile: oidc",
      "profiles:",
      "  oidc:",
      `    baseUrl: ${sandbox.baseUrl}`,
      "    timeoutMs: 5000",
      auth(provider.issuer),
      "  monitor:",
      `    baseUrl: ${sandbox.baseUrl}`,
      "    timeoutMs: 5000",
      auth(provider.issuer, MONITOR),
      "  down:",
      `    baseUrl: ${sandbox.baseUrl}`,
      "    timeoutMs: 3000",
      auth(`http://127.0.0.1:${downPort}`),
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return file;
}

/**
 * Adds to a config written by writeOidcConfig one more profile with the sandbox's monitoring client
 * (auth.monitor), for tests that need a profile health serve was not started with.
 */
export function appendMonitorProfile(file: string, sbx: OidcHealthSandbox, name: string): void {
  const { sandbox, provider } = sbx.both;
  appendFileSync(
    file,
    `  ${name}:\n    baseUrl: ${sandbox.baseUrl}\n    timeoutMs: 5000\n${authLine(sbx, provider.issuer, MONITOR)}\n`,
  );
}

/** The four OIDC phases after the portal's own, in order, as every format names them. */
export const OIDC_PHASES = ["discovery", "jwks", "token", "me"] as const;
