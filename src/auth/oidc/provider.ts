// The OpenID Provider of an `auth: {type: oidc}` profile, through oauth4webapi: discovery, the
// device grant, the refresh grant and revocation, every request over rxportal's own transport
// (proxy variables, NODE_EXTRA_CA_CERTS, --verbose traces with secrets redacted, Ctrl-C).
//
// Why oauth4webapi and not openid-client 6 (same author, built on it): rxportal drives the device
// poll itself (its own clock and sleep, one line per provider answer, Ctrl-C at any moment), which
// is what oauth4webapi's one-request-one-function shape gives; openid-client's poll loop owns the
// timing and adds a layer rxportal would only wrap again. oauth4webapi has no dependencies.
// Loaded only for an OIDC profile (src/auth/session.ts imports this lazily).
import * as oauth from "oauth4webapi";
import type { OidcSettings } from "../../config/load.js";
import {
  CliError,
  ExitCode,
  InterruptedError,
  PortalRefusedError,
  PortalUnavailableError,
} from "../../errors.js";
import { isSecretKey, REDACTED, redactUrl } from "../../portal/redact.js";
import { isLoopbackHost } from "../../portal/url.js";
import { ID_TOKEN_TOLERANCE_SECONDS, type IdTokenClaims, validateIdToken } from "./id-token.js";

/** What talking to a provider needs from the run. */
export interface OidcDeps {
  clock: { now(): number };
  /** Ctrl-C. */
  signal: AbortSignal;
  /** Tests inject a fetch; otherwise `transport` builds rxportal's own. */
  fetchOverride?: typeof globalThis.fetch;
  env: Record<string, string | undefined>;
  cleanups?: (() => Promise<void> | void)[];
  /** The run ends with the process (AppContext.endsWithProcess), and the transport with it. */
  endsWithProcess?: boolean;
  trace?: (line: string) => void;
  /**
   * One request's time limit (default REQUEST_TIMEOUT_MS): health gives the probe's own, so a
   * provider that never answers is a timed-out phase within the probe's deadline.
   */
  requestTimeoutMs?: number;
}

/** A confidential monitoring client (`auth.monitor`): client credentials, RFC 6749 section 4.4. */
export interface MonitorClient {
  clientId: string;
  scopes?: string[];
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Seconds, as the provider said (default 300 when it did not). */
  expiresIn: number;
  idToken?: string;
  claims?: IdTokenClaims;
}

export interface DeviceStart {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  /** Seconds between polls; RFC 8628 section 3.2's default of 5 when the provider names none. */
  interval: number;
}

/** Keys whose values are secrets in the provider's forms and answers, beyond the portal's. */
const OIDC_SECRET_KEYS = new Set(["device_code", "user_code", "code_verifier", "state", "nonce"]);
const secretParam = (key: string) => OIDC_SECRET_KEYS.has(key) || isSecretKey(key);

function redactForm(body: string): string {
  const params = new URLSearchParams(body);
  return [...params.keys()]
    .map((key) => `${key}=${secretParam(key) ? REDACTED : (params.get(key) ?? "")}`)
    .join("&");
}

/** The answer headers oauth4webapi and rxportal read (the transport offers get() only). */
const ANSWER_HEADERS = [
  "content-type",
  "www-authenticate",
  "date",
  "cache-control",
  "pragma",
  "dpop-nonce",
  "retry-after",
];

/**
 * rxportal's transport (src/portal/transport.ts) is a small fetch of its own: plain-object
 * headers, string bodies, and an answer with status, headers.get() and text(). oauth4webapi
 * sends Headers and URLSearchParams and checks `instanceof Response`: translate both ways.
 */
function adapted(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const answer = await fetch(url, {
      method: init.method,
      headers,
      body,
      signal: init.signal,
      redirect: init.redirect,
    });
    if (answer instanceof Response) return answer;
    const minimal = answer as {
      status: number;
      headers: { get(name: string): string | null };
      text(): Promise<string>;
    };
    const text = await minimal.text();
    const kept = new Headers();
    for (const name of ANSWER_HEADERS) {
      const value = minimal.headers.get(name);
      if (value !== null) kept.set(name, value);
    }
    const empty = minimal.status === 204 || minimal.status === 304;
    return new Response(empty ? null : text, { status: minimal.status, headers: kept });
  }) as typeof globalThis.fetch;
}

/** A fetch that writes one line per request and per answer to --verbose, secrets redacted. */
function tracing(fetch: typeof globalThis.fetch, trace?: (line: string) => void): typeof globalThis.fetch {
  if (!trace) return fetch;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const body =
      typeof init?.body === "string"
        ? init.body
        : init?.body instanceof URLSearchParams
          ? String(init.body)
          : undefined;
    trace(`→ ${method} ${redactUrl(url)}${body ? ` ${redactForm(body)}` : ""}`);
    const started = performance.now();
    const response = await fetch(input, init);
    trace(`← ${response.status} ${Math.round(performance.now() - started)} ms`);
    return response;
  }) as typeof globalThis.fetch;
}

/** One request's time limit inside the command; Ctrl-C aborts it too. */
const REQUEST_TIMEOUT_MS = 15_000;

export class OidcProvider {
  readonly issuer: URL;
  private readonly client: oauth.Client;
  private readonly auth = oauth.None();
  private jwks?: { keys: unknown[] };

  private constructor(
    readonly settings: OidcSettings,
    readonly as: oauth.AuthorizationServer,
    private readonly fetch: typeof globalThis.fetch,
    private readonly deps: OidcDeps,
  ) {
    this.issuer = new URL(settings.issuer);
    this.client = {
      client_id: settings.clientId,
      [oauth.clockTolerance]: ID_TOKEN_TOLERANCE_SECONDS,
      // oauth4webapi judges times by its own clock; rxportal's clock (tests fix it) wins.
      [oauth.clockSkew]: Math.round((deps.clock.now() - Date.now()) / 1000),
    };
  }

  /** Discovery: the provider's metadata, whose `issuer` must be the configured one exactly. */
  static async discover(deps: OidcDeps, settings: OidcSettings): Promise<OidcProvider> {
    const fetch = tracing(
      adapted(
        deps.fetchOverride ??
          (await import("../../portal/transport.js")).portalTransport(
            { env: deps.env, cleanups: deps.cleanups ?? [], endsWithProcess: deps.endsWithProcess },
            deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
          ),
      ),
      deps.trace,
    );
    const issuer = new URL(settings.issuer);
    const as = await guard(issuer, "discovery", async (options) =>
      oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options)),
    )(fetch, deps);
    return new OidcProvider(settings, as, fetch, deps);
  }

  private options() {
    return {
      [oauth.customFetch]: this.fetch,
      [oauth.allowInsecureRequests]: this.issuer.protocol === "http:" && isLoopbackHost(this.issuer.hostname),
      signal: AbortSignal.any([
        this.deps.signal,
        AbortSignal.timeout(this.deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
      ]),
    };
  }

  private run<T>(what: string, call: (options: ReturnType<OidcProvider["options"]>) => Promise<T>) {
    return guard(this.issuer, what, call)(this.fetch, this.deps, () => this.options());
  }

  private scope(): string {
    const scopes = this.settings.scopes.includes("openid")
      ? this.settings.scopes
      : ["openid", ...this.settings.scopes];
    return scopes.join(" ");
  }

  /** Extra parameters every grant sends: the portal API as the token's audience (RFC 8707). */
  private resource(): Record<string, string> {
    return this.settings.audience ? { resource: this.settings.audience } : {};
  }

  get revocable(): boolean {
    return typeof this.as.revocation_endpoint === "string";
  }

  get deviceCapable(): boolean {
    return typeof this.as.device_authorization_endpoint === "string";
  }

  async startDevice(): Promise<DeviceStart> {
    if (!this.deviceCapable) {
      throw new CliError(
        `The sign-in provider ${this.issuer.host} does not offer the device flow (no device_authorization_endpoint in its discovery document).`,
        ExitCode.config,
        {
          hint: "Ask the portal's operator to allow the device grant for rxportal's client (docs/cli.md, \"OIDC\").",
        },
      );
    }
    const answer = await this.run("device authorization", async (options) =>
      oauth.processDeviceAuthorizationResponse(
        this.as,
        this.client,
        await oauth.deviceAuthorizationRequest(
          this.as,
          this.client,
          this.auth,
          { scope: this.scope(), ...this.resource() },
          options,
        ),
      ),
    );
    return {
      deviceCode: answer.device_code,
      userCode: answer.user_code,
      verificationUri: answer.verification_uri,
      verificationUriComplete: answer.verification_uri_complete,
      expiresIn: answer.expires_in,
      interval: answer.interval ?? 5,
    };
  }

  /**
   * One poll of the token endpoint. A pending, slowed, expired or denied code comes back as its
   * RFC 8628 error name; anything else throws.
   */
  async pollDevice(device: DeviceStart): Promise<
    | { tokens: TokenSet }
    | {
        error: "authorization_pending" | "slow_down" | "expired_token" | "access_denied";
        description?: string;
      }
  > {
    try {
      const answer = await this.run("device token", async (options) =>
        oauth.processDeviceCodeResponse(
          this.as,
          this.client,
          await oauth.deviceCodeGrantRequest(this.as, this.client, this.auth, device.deviceCode, {
            ...options,
            additionalParameters: this.resource(),
          }),
        ),
      );
      return { tokens: await this.tokens(answer) };
    } catch (error) {
      const pending = deviceError(error);
      if (pending) return pending;
      throw error;
    }
  }

  async refresh(refreshToken: string): Promise<TokenSet> {
    const answer = await this.run("refresh", async (options) =>
      oauth.processRefreshTokenResponse(
        this.as,
        this.client,
        await oauth.refreshTokenGrantRequest(this.as, this.client, this.auth, refreshToken, {
          ...options,
          additionalParameters: this.resource(),
        }),
      ),
    );
    return this.tokens(answer);
  }

  /**
   * The authorization request of `login --web` (Authorization Code with PKCE S256, RFC 7636): the
   * address to open, and what the answer must be checked against.
   */
  async authorization(
    redirectUri: string,
  ): Promise<{ url: URL; state: string; nonce: string; verifier: string }> {
    if (typeof this.as.authorization_endpoint !== "string") {
      throw new CliError(
        `The sign-in provider ${this.issuer.host} names no authorization_endpoint: \`login --web\` cannot be used.`,
        ExitCode.config,
        { hint: "Run `rxportal login` (the device flow) instead." },
      );
    }
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(this.as.authorization_endpoint);
    const params: Record<string, string> = {
      client_id: this.settings.clientId,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: this.scope(),
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      // offline_access needs the consent prompt at most providers (OIDC Core 11).
      ...(this.settings.scopes.includes("offline_access") ? { prompt: "consent" } : {}),
      ...this.resource(),
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return { url, state, nonce, verifier };
  }

  /** The browser came back to the loopback redirect: check state, trade the code, check the ID token's nonce. */
  async redeem(
    callback: URL,
    expected: { redirectUri: string; state: string; nonce: string; verifier: string },
  ): Promise<TokenSet> {
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(this.as, this.client, callback.searchParams, expected.state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) {
        throw new PortalRefusedError(
          `The sign-in was refused at the provider: ${error.error}${error.error_description ? ` (${error.error_description})` : ""}.`,
          { code: error.error, problem: { error: error.error } },
        );
      }
      throw new CliError(
        "The browser came back with an answer that does not belong to this sign-in (its state does not match).",
        ExitCode.refused,
        { hint: "Run `rxportal login --web` again, and use the address it shows.", cause: error },
      );
    }
    const answer = await this.run("authorization code", async (options) =>
      oauth.processAuthorizationCodeResponse(
        this.as,
        this.client,
        await oauth.authorizationCodeGrantRequest(
          this.as,
          this.client,
          this.auth,
          params,
          expected.redirectUri,
          expected.verifier,
          { ...options, additionalParameters: this.resource() },
        ),
        { expectedNonce: expected.nonce },
      ),
    );
    return this.tokens(answer, expected.nonce);
  }

  /**
   * The client credentials grant of a confidential monitoring client (health --login with
   * `auth.monitor`): HTTP Basic with the secret (client_secret_basic, RFC 6749 section 2.3.1), or
   * client_secret_post when that is all the provider lists. No ID token: nobody signed in.
   */
  async clientCredentials(monitor: MonitorClient, secret: string): Promise<TokenSet> {
    const client: oauth.Client = {
      client_id: monitor.clientId,
      [oauth.clockTolerance]: ID_TOKEN_TOLERANCE_SECONDS,
      [oauth.clockSkew]: Math.round((this.deps.clock.now() - Date.now()) / 1000),
    };
    const methods = this.as.token_endpoint_auth_methods_supported;
    const auth =
      methods && !methods.includes("client_secret_basic") && methods.includes("client_secret_post")
        ? oauth.ClientSecretPost(secret)
        : oauth.ClientSecretBasic(secret);
    const parameters: Record<string, string> = { ...this.resource() };
    if (monitor.scopes && monitor.scopes.length > 0) parameters.scope = monitor.scopes.join(" ");
    const answer = await this.run("client credentials", async (options) =>
      oauth.processClientCredentialsResponse(
        this.as,
        client,
        await oauth.clientCredentialsGrantRequest(this.as, client, auth, parameters, options),
      ),
    );
    return {
      accessToken: answer.access_token,
      expiresIn: typeof answer.expires_in === "number" && answer.expires_in > 0 ? answer.expires_in : 300,
    };
  }

  /** RFC 7009; false when the provider offers no revocation endpoint. */
  async revoke(refreshToken: string): Promise<boolean> {
    if (!this.revocable) return false;
    await this.run("revocation", async (options) =>
      oauth.processRevocationResponse(
        await oauth.revocationRequest(this.as, this.client, this.auth, refreshToken, {
          ...options,
          additionalParameters: { token_type_hint: "refresh_token" },
        }),
      ),
    );
    return true;
  }

  /** The provider's signing keys (jwks_uri), fetched again when `fresh` (a key was not found). */
  async keys(fresh = false): Promise<{ keys: unknown[] }> {
    if (this.jwks && !fresh) return this.jwks;
    const uri = this.as.jwks_uri;
    if (!uri) throw unavailable(this.issuer, "jwks", new Error("the discovery document names no jwks_uri"));
    const jwks = await this.run("jwks", async (options) => {
      const response = await this.fetch(uri, {
        signal: options.signal,
        headers: { accept: "application/json" },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { keys?: unknown };
      if (!Array.isArray(body.keys)) throw new Error("the answer has no keys list");
      return { keys: body.keys };
    });
    this.jwks = jwks;
    return jwks;
  }

  private async tokens(answer: oauth.TokenEndpointResponse, nonce?: string): Promise<TokenSet> {
    const idToken = answer.id_token;
    const claims = idToken
      ? await validateIdToken(idToken, {
          issuer: this.as.issuer,
          clientId: this.settings.clientId,
          now: this.deps.clock.now(),
          nonce,
          keys: (fresh) => this.keys(fresh),
        })
      : undefined;
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresIn: typeof answer.expires_in === "number" && answer.expires_in > 0 ? answer.expires_in : 300,
      idToken,
      claims,
    };
  }
}

function deviceError(
  error: unknown,
):
  | { error: "authorization_pending" | "slow_down" | "expired_token" | "access_denied"; description?: string }
  | undefined {
  const body = error instanceof PortalRefusedError ? error.problem : undefined;
  const code = body?.error;
  if (
    code === "authorization_pending" ||
    code === "slow_down" ||
    code === "expired_token" ||
    code === "access_denied"
  ) {
    return {
      error: code,
      description: typeof body?.error_description === "string" ? body.error_description : undefined,
    };
  }
  return undefined;
}

function unavailable(issuer: URL, what: string, cause: unknown): PortalUnavailableError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new PortalUnavailableError(
    `The sign-in provider ${issuer.host} did not answer its ${what} request usably (${detail}).`,
    {
      reason: "bad_response",
      code: "oidc_unavailable",
      cause,
      hint: "Try again later; `rxportal doctor` checks the provider.",
    },
  );
}

/**
 * Runs one provider request and turns what can go wrong into rxportal's errors: Ctrl-C 130, an
 * OAuth error answer a refusal (exit 1, the provider's error code kept in `problem`), an issuer
 * that is not the configured one a config error (78), anything else the provider unavailable (69).
 */
function guard<T>(
  issuer: URL,
  what: string,
  call: (options: ReturnType<OidcProvider["options"]>) => Promise<T>,
) {
  return async (
    fetch: typeof globalThis.fetch,
    deps: OidcDeps,
    options?: () => ReturnType<OidcProvider["options"]>,
  ): Promise<T> => {
    const opts = options?.() ?? {
      [oauth.customFetch]: fetch,
      [oauth.allowInsecureRequests]: issuer.protocol === "http:" && isLoopbackHost(issuer.hostname),
      signal: AbortSignal.any([
        deps.signal,
        AbortSignal.timeout(deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
      ]),
    };
    try {
      return await call(opts);
    } catch (error) {
      if (deps.signal.aborted) throw new InterruptedError();
      if (error instanceof CliError) throw error;
      if (error instanceof oauth.ResponseBodyError) {
        throw new PortalRefusedError(
          `The sign-in provider refused the ${what} request: ${error.error}${error.error_description ? ` (${error.error_description})` : ""}.`,
          {
            status: error.status,
            code: error.error,
            problem: { error: error.error, error_description: error.error_description },
          },
        );
      }
      if (error instanceof oauth.WWWAuthenticateChallengeError) {
        // A 401 with a challenge (a client that failed to authenticate: invalid_client).
        const params = error.cause[0]?.parameters ?? {};
        const code = params.error ?? "invalid_client";
        const description = params.error_description;
        throw new PortalRefusedError(
          `The sign-in provider refused the ${what} request: ${code}${description ? ` (${description})` : ""}.`,
          { status: error.status, code, problem: { error: code, error_description: description } },
        );
      }
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new PortalUnavailableError(
          `The sign-in provider ${issuer.host} did not answer its ${what} request in time.`,
          {
            reason: "timeout",
            code: "timeout",
            cause: error,
            hint: "Try again later; `rxportal doctor` checks the provider.",
          },
        );
      }
      if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
        throw new CliError(
          `The sign-in provider at ${issuer.href} names another issuer in its discovery document: the profile's issuer must be exactly the provider's.`,
          ExitCode.config,
          {
            hint: "Check `auth.issuer` in the config file (a trailing slash counts), or ask the portal's operator.",
            cause: error,
          },
        );
      }
      throw unavailable(issuer, what, error);
    }
  };
}
