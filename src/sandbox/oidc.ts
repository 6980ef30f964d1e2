// A real OpenID Provider beside the sandbox portal (`rxportal sandbox --oidc`, and the tests):
// panva's oidc-provider, OpenID Certified, with one public client that may use the device grant,
// the authorization code grant with PKCE on loopback redirects, and refresh tokens; access tokens
// are JWTs for the sandbox API's audience (resource indicators, RFC 8707), which the sandbox
// portal verifies with jose against this provider's JWKS (`bearerVerifier`).
//
// oidc-provider is a dependency, not a devDependency, because the CLI ships the sandbox; it is
// loaded only here, and this file only by `sandbox --oidc` (and `--sandbox --oidc`), so no other
// command pays for it or for koa underneath it. Its sign-in pages are its development ones
// (devInteractions): any sandbox username signs in, with any password, which is what a sandbox is for.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as jose from "jose";
import type { RunningSandbox, SandboxOptions } from "./server.js";

/** The sandbox API as a resource server: the `aud` of the access tokens it accepts. */
export const SANDBOX_API_AUDIENCE = "urn:rxportal:sandbox-api";
export const SANDBOX_CLIENT_ID = "rxportal-cli";
/**
 * The confidential monitoring client (client credentials grant) of `health --login`: the sandbox
 * portal answers its access tokens on /me as the monitoring member below, as a real portal
 * answers for the service account it links to such a client. Its secret is as public as the
 * sandbox members' demo password; tests give their own (`monitorSecret`).
 */
export const SANDBOX_MONITOR_CLIENT_ID = "rxportal-monitor";
export const SANDBOX_MONITOR_SECRET = "Sandbox-Monitor-Secret-2026";
export const SANDBOX_MONITOR_MEMBER = "monitor.totp";
/** `--sandbox --oidc`: the member who approves the embedded provider's device codes by itself. */
export const SANDBOX_DEMO_MEMBER = "pat.sample";

export interface OidcAccount {
  /** The sandbox username: the ID token's sub and preferred_username. */
  username: string;
  name: string;
  email?: string;
}

export interface OidcProviderOptions {
  host?: string;
  port?: number;
  /** Who may sign in (the sandbox's members); devInteractions take any login, this names them. */
  accounts: (id: string) => OidcAccount | undefined;
  /** Seconds; short in tests that want an access token to expire. */
  accessTokenTtl?: number;
  deviceCodeTtl?: number;
  /** The monitoring client's secret; default SANDBOX_MONITOR_SECRET. */
  monitorSecret?: string;
  /**
   * Tests: sees every request before the provider answers it (to count grants sent, or to make
   * the provider slow by not resolving at once).
   */
  onRequest?: (method: string, path: string) => void | Promise<void>;
  /**
   * `--sandbox --oidc`: this sandbox member approves every device code by itself, through the
   * provider's own pages (./oidc-approve.ts), as soon as the code is issued.
   */
  autoApprove?: string;
  /** Seconds between device polls the provider asks for (its default: none, so RFC 8628's 5). */
  deviceInterval?: number;
  /** An automatic approval that failed (the poll then runs until the code expires). */
  onApproveError?: (error: unknown) => void;
  /** No development-settings warnings from oidc-provider on stderr. */
  quiet?: boolean;
}

export interface RunningOidcProvider {
  issuer: string;
  clientId: string;
  /** The confidential monitoring client (client_credentials). */
  monitorClientId: string;
  audience: string;
  jwksUri: string;
  close(): Promise<void>;
}

interface PageContext {
  type: string;
  body: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The provider's device pages: short, plain, no scripts or outside resources. */
function page(ctx: PageContext, title: string, body: string): void {
  ctx.type = "html";
  ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}

/** Builds the provider, then gives console.warn back whatever happened. */
function newQuietly<T>(warn: typeof console.warn, build: () => T): T {
  try {
    return build();
  } finally {
    console.warn = warn;
  }
}

export async function startOidcProvider(opts: OidcProviderOptions): Promise<RunningOidcProvider> {
  const host = opts.host ?? "127.0.0.1";
  const server: Server = createServer();
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  // oidc-provider warns on stderr about its development settings (which a sandbox is for) as it
  // loads and starts; `quiet` (the embedded --sandbox --oidc) keeps a member command's stderr its own.
  const signing = await jose.generateKeyPair("RS256", { extractable: true });
  // A key id of its own for each start: a provider started again on the same port has rotated
  // its signing key, as a real one does, and clients must fetch its keys again.
  const kid = `sbx-${port}-${Math.random().toString(36).slice(2, 10)}`;
  const jwk = { ...(await jose.exportJWK(signing.privateKey)), alg: "RS256", use: "sig", kid };
  const audience = SANDBOX_API_AUDIENCE;
  const warn = console.warn;
  if (opts.quiet) console.warn = () => {};
  let Provider: typeof import("oidc-provider").default;
  try {
    Provider = (await import("oidc-provider")).default;
  } catch (error) {
    console.warn = warn;
    throw error;
  }
  const provider = newQuietly(
    warn,
    () =>
      new Provider(issuer, {
        clients: [
          {
            client_id: SANDBOX_CLIENT_ID,
            token_endpoint_auth_method: "none",
            application_type: "native",
            grant_types: [
              "urn:ietf:params:oauth:grant-type:device_code",
              "authorization_code",
              "refresh_token",
            ],
            response_types: ["code"],
            redirect_uris: ["http://127.0.0.1/callback"],
          },
          {
            client_id: SANDBOX_MONITOR_CLIENT_ID,
            client_secret: opts.monitorSecret ?? SANDBOX_MONITOR_SECRET,
            token_endpoint_auth_method: "client_secret_basic",
            grant_types: ["client_credentials"],
            response_types: [],
            redirect_uris: [],
          },
        ],
        jwks: { keys: [jwk] },
        features: {
          devInteractions: { enabled: true },
          clientCredentials: { enabled: true },
          deviceFlow: {
            enabled: true,
            userCodeInputSource: (ctx: PageContext, form: string, _out: unknown, err?: Error) =>
              page(
                ctx,
                "Sign in to the sandbox",
                `<p>Enter the code rxportal shows.</p>${err ? `<p>That code did not work: ${escapeHtml(err.message)}</p>` : ""}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`,
              ),
            userCodeConfirmSource: (
              ctx: PageContext,
              form: string,
              _client: unknown,
              _info: unknown,
              userCode: string,
            ) =>
              page(
                ctx,
                "Confirm the code",
                `<p>Is ${escapeHtml(userCode)} the code rxportal shows?</p>${form}<button type="submit" form="op.deviceConfirmForm">Continue</button> <button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Abort</button>`,
              ),
            successSource: (ctx: PageContext) =>
              page(ctx, "Signed in", "<p>You are signed in. Close this window and go back to rxportal.</p>"),
          },
          revocation: {
            enabled: true,
            allowedPolicy: async (
              _ctx: unknown,
              client: { clientId: string },
              token: { clientId?: string },
            ) => token.clientId === client.clientId,
          },
          resourceIndicators: {
            enabled: true,
            defaultResource: () => audience,
            useGrantedResource: () => true,
            getResourceServerInfo: (_ctx: unknown, indicator: string) => {
              if (indicator !== audience) throw new Error(`unknown resource ${indicator}`);
              return {
                scope: "member",
                audience,
                accessTokenTTL: opts.accessTokenTtl ?? 300,
                accessTokenFormat: "jwt",
              };
            },
          },
        },
        scopes: ["openid", "profile", "email", "offline_access", "member"],
        claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"] },
        async findAccount(_ctx: unknown, id: string) {
          const account = opts.accounts(id);
          if (!account) return undefined;
          return {
            accountId: account.username,
            async claims() {
              return {
                sub: account.username,
                name: account.name,
                preferred_username: account.username,
                email: account.email,
              };
            },
          };
        },
        // A refresh token for this client whatever the consent prompt did with offline_access.
        issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(grant: string): boolean }) =>
          client.grantTypeAllowed("refresh_token"),
        ttl: {
          AccessToken: opts.accessTokenTtl ?? 300,
          DeviceCode: opts.deviceCodeTtl ?? 600,
          IdToken: 3600,
          ClientCredentials: opts.accessTokenTtl ?? 300,
          RefreshToken: 24 * 3600,
          Interaction: 3600,
          Session: 3600,
          Grant: 24 * 3600,
        },
        pkce: { required: () => true },
        // An http:// issuer on loopback only: the sandbox never leaves this computer.
        clientBasedCORS: () => false,
      } as never),
  );
  if (opts.autoApprove || opts.deviceInterval) {
    const member = opts.autoApprove;
    provider.on(
      "device_authorization.success",
      (_ctx: unknown, body: { verification_uri: string; user_code: string; interval?: number }) => {
        // The answer is sent after the event: a changed interval is in it.
        if (opts.deviceInterval) body.interval = opts.deviceInterval;
        if (!member) return;
        setImmediate(() => {
          import("./oidc-approve.js")
            .then((m) => m.approveAsMember(body.verification_uri, body.user_code, member))
            .catch((error: unknown) => opts.onApproveError?.(error));
        });
      },
    );
  }
  const answer = provider.callback();
  const observe = opts.onRequest;
  server.on(
    "request",
    observe
      ? (req, res) => {
          Promise.resolve(observe(req.method ?? "GET", new URL(req.url ?? "/", issuer).pathname)).then(
            () => answer(req, res),
            () => res.destroy(),
          );
        }
      : answer,
  );
  return {
    issuer,
    clientId: SANDBOX_CLIENT_ID,
    monitorClientId: SANDBOX_MONITOR_CLIENT_ID,
    audience,
    jwksUri: `${issuer}/jwks`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The sandbox portal's check of a provider's access token: a JWT signed by a key of the issuer's
 * JWKS, for the sandbox API's audience, not expired. The member is the token's sub.
 */
export function bearerVerifier(issuer: string, audience = SANDBOX_API_AUDIENCE) {
  const jwks = jose.createRemoteJWKSet(new URL(`${issuer}/jwks`));
  return async (token: string): Promise<{ username: string; expiresAt: number } | undefined> => {
    try {
      const { payload } = await jose.jwtVerify(token, jwks, {
        issuer,
        audience,
        requiredClaims: ["sub", "exp"],
      });
      const expiresAt = (payload.exp as number) * 1000;
      // The monitoring client's own token (client credentials: sub is the client, RFC 9068
      // section 2.2): the portal answers for the service account it links to that client.
      if (payload.client_id === SANDBOX_MONITOR_CLIENT_ID && payload.sub === SANDBOX_MONITOR_CLIENT_ID)
        return { username: SANDBOX_MONITOR_MEMBER, expiresAt };
      return { username: String(payload.sub), expiresAt };
    } catch {
      return undefined;
    }
  };
}

/**
 * The sandbox portal with an OpenID Provider beside it: the provider signs in the sandbox's
 * members (by username), and the portal accepts its access tokens as well as its own.
 */
export async function startSandboxWithOidc(
  opts: SandboxOptions &
    Pick<
      OidcProviderOptions,
      | "accessTokenTtl"
      | "monitorSecret"
      | "onRequest"
      | "autoApprove"
      | "deviceInterval"
      | "onApproveError"
      | "quiet"
    > & {
      providerPort?: number;
    } = {},
): Promise<{ sandbox: RunningSandbox; provider: RunningOidcProvider; close(): Promise<void> }> {
  const { startSandbox } = await import("./server.js");
  let verify: ((token: string) => Promise<{ username: string; expiresAt: number } | undefined>) | undefined;
  const sandbox = await startSandbox({ ...opts, verifyBearer: async (token) => verify?.(token) });
  const provider = await startOidcProvider({
    host: opts.host === "0.0.0.0" || opts.host === undefined ? "127.0.0.1" : opts.host,
    port: opts.providerPort ?? 0,
    accounts: (id) => sandbox.member(id),
    accessTokenTtl: opts.accessTokenTtl,
    monitorSecret: opts.monitorSecret,
    onRequest: opts.onRequest,
    autoApprove: opts.autoApprove,
    deviceInterval: opts.deviceInterval,
    onApproveError: opts.onApproveError,
    quiet: opts.quiet,
  });
  verify = bearerVerifier(provider.issuer, provider.audience);
  return {
    sandbox,
    provider,
    async close() {
      await Promise.all([sandbox.close(), provider.close()]);
    },
  };
}
