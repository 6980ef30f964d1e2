// Which proxy settings in the environment apply to a portal URL, read the way rxportal's own fetch
// (undici's EnvHttpProxyAgent) reads them: lower case before upper case; HTTPS_PROXY for https://,
// falling back to HTTP_PROXY; NO_PROXY entries match the host or its subdomains (optionally with a
// port), "*" matches everything. ALL_PROXY is reported but not used by rxportal (undici ignores
// it): a member who set only ALL_PROXY goes direct, which is worth telling them.
// Proxy URLs may carry a user and password: they are always shown redacted.
import { endpointOf } from "./endpoint.js";
import type { ConnectionTrace } from "./trace-connection.js";

export interface ProxyVariable {
  /** The variable's name as set, e.g. "https_proxy". */
  name: string;
  /** Its value, with any user:password replaced by "***". */
  value: string;
}

export interface ProxyEnvDescription {
  url: string;
  /** Every proxy variable that is set (any case), redacted. */
  set: ProxyVariable[];
  /** The variable rxportal uses for this URL, if any (before NO_PROXY is applied). */
  chosen?: ProxyVariable;
  /** The NO_PROXY variable in force and the entry that exempts this URL, if one does. */
  noProxy?: ProxyVariable & { matchedEntry?: string };
  /** True when requests to `url` go through `proxyUrl`. */
  proxied: boolean;
  /** The proxy in use (redacted), when proxied. */
  proxyUrl?: string;
  /** ALL_PROXY is set but rxportal does not use it. */
  allProxyIgnored: boolean;
  /** One plain-English sentence. */
  summary: string;
}

const NAMES = ["https_proxy", "http_proxy", "all_proxy", "no_proxy"] as const;

/** user:password@ → ***@ ; anything unparsable is shown only as "(set)". */
export function redactProxyUrl(value: string): string {
  try {
    const parsed = new URL(value.includes("://") ? value : `http://${value}`);
    if (parsed.username || parsed.password) {
      parsed.username = "***";
      parsed.password = "";
    }
    return value.includes("://")
      ? parsed.href.replace(/\/$/, "")
      : parsed.href.replace(/^http:\/\//, "").replace(/\/$/, "");
  } catch {
    return "(set, not a URL)";
  }
}

function lookup(env: Record<string, string | undefined>, lower: string): ProxyVariable | undefined {
  for (const name of [lower, lower.toUpperCase()]) {
    const value = env[name];
    if (value !== undefined && value !== "")
      return { name, value: lower === "no_proxy" ? value : redactProxyUrl(value) };
  }
  return undefined;
}

function noProxyMatch(noProxy: string, host: string, port: number): string | undefined {
  const hostname = host.toLowerCase();
  if (noProxy.trim() === "*") return "*";
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = entry.match(/^(.+):(\d+)$/);
    const entryHost = (parsed ? (parsed[1] as string) : entry).replace(/^\*?\./, "").toLowerCase();
    const entryPort = parsed ? Number(parsed[2]) : 0;
    if (entryPort && entryPort !== port) continue;
    if (hostname === entryHost || hostname.endsWith(`.${entryHost}`)) return entry;
  }
  return undefined;
}

export function describeProxyEnv(env: Record<string, string | undefined>, url: string): ProxyEnvDescription {
  const { host, port, secure } = endpointOf(url);
  const set = NAMES.flatMap((n) => [n, n.toUpperCase()])
    .filter((n) => env[n] !== undefined && env[n] !== "")
    .map((name) => ({
      name,
      value: name.toLowerCase() === "no_proxy" ? (env[name] as string) : redactProxyUrl(env[name] as string),
    }));
  const http = lookup(env, "http_proxy");
  const chosen = secure ? (lookup(env, "https_proxy") ?? http) : http;
  const noProxyVar = lookup(env, "no_proxy");
  // The raw value decides; the bracketed IPv6 form is what undici compares against.
  const matchedEntry = noProxyVar
    ? noProxyMatch(noProxyVar.value, host.includes(":") ? `[${host}]` : host, port)
    : undefined;
  const proxied = chosen !== undefined && matchedEntry === undefined;
  const allProxy = lookup(env, "all_proxy");
  const allProxyIgnored = allProxy !== undefined && chosen === undefined;
  let summary: string;
  if (proxied) summary = `Requests to ${host} go through the proxy ${chosen?.value} (from ${chosen?.name}).`;
  else if (chosen && matchedEntry)
    summary = `${chosen.name} is set, but ${noProxyVar?.name} (${matchedEntry}) sends requests to ${host} direct.`;
  else if (allProxyIgnored)
    summary = `Only ${allProxy?.name} is set; rxportal does not use it, so requests to ${host} go direct (set HTTPS_PROXY instead).`;
  else summary = `No proxy is set for ${host}; requests go direct.`;
  const description: ProxyEnvDescription = { url, set, chosen, proxied, allProxyIgnored, summary };
  if (noProxyVar) description.noProxy = { ...noProxyVar, matchedEntry };
  if (proxied && chosen) description.proxyUrl = chosen.value;
  return description;
}

/**
 * Can the proxy in use be reached (DNS and TCP connect to it)? Undefined when no proxy applies.
 * Uses the raw (unredacted) value to connect; the result carries only host and port.
 */
export async function checkProxy(
  env: Record<string, string | undefined>,
  url: string,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<ConnectionTrace | undefined> {
  const description = describeProxyEnv(env, url);
  if (!description.proxied || !description.chosen) return undefined;
  const raw = env[description.chosen.name] as string;
  let target: URL;
  try {
    target = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
  // Only reachability is asked here: a plain-http probe to the proxy's host and port, no credentials.
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  const { traceConnection } = await import("./trace-connection.js");
  const trace = await traceConnection(`http://${target.host.replace(/:\d+$/, "")}:${port}/`, opts);
  return { ...trace, url: `${target.protocol}//${target.host}` };
}
