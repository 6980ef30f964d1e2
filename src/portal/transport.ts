// The one way rxportal sends HTTP to a portal: every command and health get their fetch from
// createTransport().
//
// Direct requests go over node:http/https with keep-alive agents. Node's own fetch and the undici
// package both load undici and compile its WebAssembly HTTP parser on the first request, which a
// one-shot CLI pays for on every run; the client needs only status, headers.get() and text(), and
// classifies failures by the Node error codes in the cause chain, which node:http gives directly
// (ECONNREFUSED, ECONNRESET, CERT_HAS_EXPIRED, ...). TLS uses Node's default CA store, so
// NODE_EXTRA_CA_CERTS works for HTTPS-inspecting proxies.
//
// A request that HTTP(S)_PROXY / NO_PROXY send through a proxy goes through undici's
// EnvHttpProxyAgent instead (./http.ts), loaded only then. A failure on that path is marked with
// the proxy, so that a dead proxy is reported as the proxy, not as the portal.
//
// Plain http:// is only for this machine. The client refuses non-loopback host names up front; here
// the address actually connected to is checked too, since a name such as `x.localhost` may resolve
// anywhere. The check runs in the DNS lookup, before any byte (a password) is written.
//
// Not supported, on purpose: redirects (the client asks for "manual" and reports one) and content
// encodings (none is asked for).
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from "node:dns";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { isIP } from "node:net";
import { describeProxyEnv } from "../net/proxy-env.js";
import type { PortalFetch } from "./http.js";
import { isLoopbackHost } from "./url.js";

export type { PortalFetch } from "./http.js";

export interface TransportOptions {
  /** Where HTTP(S)_PROXY and NO_PROXY are read. */
  env: Record<string, string | undefined>;
  /** How long to wait for a TCP (and TLS) connection before failing with UND_ERR_CONNECT_TIMEOUT. */
  connectTimeoutMs: number;
}

/** Set on the error a proxied request throws: which proxy, so the message can name it. */
export interface ProxyMark {
  /** The proxy URL, with any user:password redacted. */
  url: string;
  /** The variable it came from, e.g. HTTPS_PROXY. */
  variable: string;
}

interface MinimalResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error
    ? reason
    : Object.assign(new Error("The request was aborted."), { name: "AbortError" });
}

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function responseOf(
  res: IncomingMessage,
  signal: AbortSignal | undefined,
  done: () => void,
): MinimalResponse {
  let body: Promise<string> | undefined;
  const status = res.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name: string) {
        const value = res.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(", ") : value;
      },
    },
    text() {
      body ??= new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const fail = (error: Error) => {
          done();
          reject(error);
        };
        if (signal?.aborted) {
          res.destroy();
          fail(abortError(signal));
          return;
        }
        const onAbort = () => {
          res.destroy();
          fail(abortError(signal as AbortSignal));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        // A connection cut mid-body ends the message without 'end' and with complete false.
        res.on("close", () => {
          signal?.removeEventListener("abort", onAbort);
          if (!res.complete) fail(codedError("The answer was cut off.", "ECONNRESET"));
        });
        res.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          done();
          resolve(Buffer.concat(chunks).toString("utf8"));
        });
      });
      return body;
    },
  };
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

type Resolve = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** dns.lookup, loaded when first asked: an address such as 127.0.0.1 never needs it. */
const systemLookup: Resolve = (hostname, options, callback) => {
  import("node:dns").then(
    (dns) => dns.lookup(hostname, options, callback),
    (error: NodeJS.ErrnoException) => callback(error, []),
  );
};

/** A dns.lookup that refuses any address off this machine: used for plain http:// only. */
export function loopbackOnlyLookup(resolve: Resolve = systemLookup) {
  return (
    hostname: string,
    options: LookupOneOptions | LookupAllOptions | number,
    callback: LookupCallback,
  ) => checkedLookup(resolve, hostname, options, callback);
}

function checkedLookup(
  resolve: Resolve,
  hostname: string,
  options: LookupOneOptions | LookupAllOptions | number,
  callback: LookupCallback,
): void {
  const opts = typeof options === "number" ? { family: options } : options;
  resolve(hostname, { ...opts, all: true }, (error, addresses) => {
    if (error) {
      callback(error, []);
      return;
    }
    const list = addresses as LookupAddress[];
    const outside = list.find((a) => !isLoopbackHost(a.address));
    if (outside || list.length === 0) {
      callback(
        Object.assign(
          new Error(
            `${hostname} resolves to ${outside?.address ?? "no address"}, which is not this machine; plain http:// is allowed only to loopback addresses.`,
          ),
          { code: "ERR_INSECURE_REMOTE", hostname, address: outside?.address },
        ),
        [],
      );
      return;
    }
    if ((opts as LookupAllOptions).all) callback(null, list);
    else callback(null, list[0]?.address ?? "", list[0]?.family);
  });
}

/** fetch over node:http/https, for requests that go direct. */
export function createDirectFetch(opts: {
  connectTimeoutMs: number;
  /** Tests only: stands in for dns.lookup on http:// requests. */
  resolve?: Resolve;
}): ClosableFetch {
  const httpLookup = loopbackOnlyLookup(opts.resolve);
  const httpAgent = new HttpAgent({ keepAlive: true });
  // node:https (and with it node:tls) is loaded by the first https:// request, not before: a
  // loopback sandbox never needs it.
  let https: Promise<{ agent: HttpsAgent; request: typeof httpRequest }> | undefined;
  const loadHttps = () =>
    (https ??= import("node:https").then((mod) => ({
      agent: new mod.Agent({ keepAlive: true }),
      request: mod.request,
    })));
  const directFetch = async (
    input: string | URL | Request,
    init: RequestInit = {},
  ): Promise<MinimalResponse> => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const secure = url.protocol === "https:";
    const tls = secure ? await loadHttps() : undefined;
    return new Promise((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      if (!secure && url.protocol !== "http:") {
        reject(
          codedError(`rxportal speaks only http and https, not ${url.protocol}`, "ERR_INVALID_PROTOCOL"),
        );
        return;
      }
      const host = url.hostname.replace(/^\[|\]$/g, "");
      if (!secure && isIP(host) !== 0 && !isLoopbackHost(host)) {
        reject(
          Object.assign(
            codedError(
              `${host} is not this machine; plain http:// is allowed only to loopback addresses.`,
              "ERR_INSECURE_REMOTE",
            ),
            { address: host },
          ),
        );
        return;
      }
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      const body = typeof init.body === "string" ? init.body : undefined;
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      const request = tls ? tls.request : httpRequest;
      let connectTimer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => req.destroy(abortError(signal as AbortSignal));
      const cleanup = () => {
        signal?.removeEventListener("abort", onAbort);
        if (connectTimer) clearTimeout(connectTimer);
      };
      const req = request(
        url,
        {
          method: init.method ?? "GET",
          headers,
          agent: tls ? tls.agent : httpAgent,
          ...(secure ? {} : { lookup: httpLookup as never }),
        },
        (res) => {
          cleanup();
          resolve(responseOf(res, signal, () => undefined));
        },
      );
      req.on("socket", (socket) => {
        // A reused keep-alive socket is already connected; a new one gets the connect timeout,
        // so a black-holed address fails fast instead of eating the command's whole budget.
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => {
          req.destroy(
            codedError(`Connect timeout after ${opts.connectTimeoutMs} ms`, "UND_ERR_CONNECT_TIMEOUT"),
          );
        }, opts.connectTimeoutMs);
        connectTimer.unref?.();
        socket.once(secure ? "secureConnect" : "connect", () => {
          if (connectTimer) clearTimeout(connectTimer);
          connectTimer = undefined;
        });
      });
      req.on("error", (error) => {
        cleanup();
        reject(error);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      req.end(body);
    });
  };
  return Object.assign(directFetch as unknown as typeof globalThis.fetch, {
    async close(opts: CloseOptions = {}) {
      closeAgent(httpAgent, opts);
      if (https) {
        const tls = await https.catch(() => undefined);
        if (tls) closeAgent(tls.agent, opts);
      }
    },
  });
}

export interface CloseOptions {
  /**
   * Leave idle keep-alive sockets open: for a process about to end, which closes them anyway
   * (node:http unreferences an idle socket, so it does not hold the process open). Destroying
   * them would make Node build a stream for the process's stderr on the way out.
   */
  keepIdle?: boolean;
}

/** A transport that can be closed with options (createTransport's). */
export type ClosableFetch = PortalFetch & { close(opts?: CloseOptions): Promise<void> };

function closeAgent(agent: HttpAgent | HttpsAgent, opts: CloseOptions): void {
  if (!opts.keepIdle) {
    agent.destroy();
    return;
  }
  // Only the sockets with a request still out: a command that failed while another of its
  // requests was running must not wait for that answer.
  for (const sockets of Object.values(agent.sockets)) for (const socket of sockets ?? []) socket.destroy();
}

/**
 * The portal fetch: direct over node:http/https, or through undici's EnvHttpProxyAgent for the
 * requests that the environment's proxy settings send through a proxy.
 */
export function createTransport(opts: TransportOptions): ClosableFetch {
  const direct = createDirectFetch(opts);
  let proxied: Promise<PortalFetch> | undefined;
  const proxyFor = new Map<string, ProxyMark | null>();
  const markOf = (url: URL): ProxyMark | undefined => {
    let mark = proxyFor.get(url.origin);
    if (mark === undefined) {
      const described = describeProxyEnv(opts.env, url.href);
      mark =
        described.proxied && described.chosen
          ? { url: described.proxyUrl ?? described.chosen.value, variable: described.chosen.name }
          : null;
      proxyFor.set(url.origin, mark);
    }
    return mark ?? undefined;
  };
  const transport = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const mark = markOf(url);
    if (!mark) return direct(input, init);
    try {
      proxied ??= import("./http.js").then((m) =>
        m.createPortalFetch({ connectTimeoutMs: opts.connectTimeoutMs, env: opts.env }),
      );
      return await (await proxied)(input, init);
    } catch (error) {
      if (error !== null && typeof error === "object") Object.assign(error, { proxy: mark });
      throw error;
    }
  };
  return Object.assign(transport as unknown as typeof globalThis.fetch, {
    async close(closing: CloseOptions = {}) {
      await direct.close(closing);
      if (proxied) await (await proxied.catch(() => undefined))?.close();
    },
  });
}

/**
 * The transport for one command (ctx.portal() and health both call this), closed by the
 * command's cleanups. When the process ends with the command, its idle keep-alive sockets are
 * left to close with it (CloseOptions.keepIdle).
 */
export function portalTransport(
  deps: {
    env: Record<string, string | undefined>;
    cleanups: (() => Promise<void> | void)[];
    endsWithProcess?: boolean;
  },
  timeoutMs: number,
): PortalFetch {
  const transport = createTransport({ env: deps.env, connectTimeoutMs: Math.min(timeoutMs, 5_000) });
  deps.cleanups.push(() => transport.close({ keepIdle: deps.endsWithProcess === true }));
  return transport;
}
