// Where a connection to a URL goes. On its own, without node:dns, node:net or node:tls, so that
// code which only needs to read a URL (proxy-env.ts, on every portal request) does not load them.

/** host, port and scheme of a URL the way a connection sees them (IPv6 brackets removed). */
export function endpointOf(url: string): { host: string; port: number; secure: boolean } {
  const parsed = new URL(url);
  const secure = parsed.protocol === "https:";
  if (!secure && parsed.protocol !== "http:") throw new Error(`Not an http(s) URL: ${url}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = parsed.port ? Number(parsed.port) : secure ? 443 : 80;
  return { host, port, secure };
}
