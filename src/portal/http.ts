// The production fetch. It lives apart from client.ts so that undici (a large module graph) is
// loaded only when a command actually talks to a portal: `rxportal --help`, `tree lint` and
// `contacts` should start as fast as Node does. Nothing else may import "undici" statically.
//
// Why undici's own fetch rather than Node's global one: only the package exposes
// EnvHttpProxyAgent, which honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY (members behind a company
// or library proxy), and a connect timeout that fails fast on a black-holed address instead of
// eating the whole --timeout budget. TLS still uses Node's default CA store, so
// NODE_EXTRA_CA_CERTS works for HTTPS-inspecting proxies.

import { cjsExports } from "../interop.js";

export interface PortalFetchOptions {
  /** How long to wait for a TCP (and TLS) connection before failing with UND_ERR_CONNECT_TIMEOUT. */
  connectTimeoutMs: number;
  /**
   * Where the proxy variables are read (lower case before upper, as describeProxyEnv reads them);
   * default: undici's own reading of process.env.
   */
  env?: Record<string, string | undefined>;
}

function variable(env: Record<string, string | undefined>, lower: string): string | undefined {
  const value = env[lower] || env[lower.toUpperCase()];
  return value === "" ? undefined : value;
}

/** A fetch bound to its own connection pool; `close()` ends idle keep-alive sockets so the CLI can exit at once. */
export type PortalFetch = typeof fetch & { close(): Promise<void> };

export async function createPortalFetch(opts: PortalFetchOptions): Promise<PortalFetch> {
  const undici = cjsExports(await import("undici"));
  const env = opts.env;
  const dispatcher = new undici.EnvHttpProxyAgent({
    connect: { timeout: opts.connectTimeoutMs },
    ...(env
      ? {
          httpProxy: variable(env, "http_proxy"),
          httpsProxy: variable(env, "https_proxy"),
          noProxy: variable(env, "no_proxy"),
        }
      : {}),
  });
  const portalFetch = (
    input: Parameters<typeof undici.fetch>[0],
    init?: Parameters<typeof undici.fetch>[1],
  ) => undici.fetch(input, { ...init, dispatcher });
  // undici's Request/Response types are nominally distinct from the DOM lib's but are the same
  // WHATWG shapes at run time; the client only passes URL strings and plain init objects.
  return Object.assign(portalFetch as unknown as typeof fetch, {
    close: () => dispatcher.close().catch(() => dispatcher.destroy()),
  });
}
