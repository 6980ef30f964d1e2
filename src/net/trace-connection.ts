// The network underneath a portal call, one timed phase at a time: DNS, TCP connect, TLS. Shared by
// `rxportal health` (blackbox_exporter-style phase timings) and the doctor's probes, which must be
// able to say *why* a connection fails: so the TLS handshake never rejects a certificate itself.
// It completes with rejectUnauthorized: false and then reports what Node's verification said, plus
// its own host-name check, with the certificate's details. Node's default CA store is used, so
// NODE_EXTRA_CA_CERTS (HTTPS-inspecting company proxies) counts as trusted.
//
// Nothing here throws for network trouble: every failure is a PhaseFailed with a stable `code` and
// one plain-English sentence a member can read.
// node:dns and node:tls are loaded by the phases that use them: a loopback http:// portal (an IP
// address, no TLS) needs neither.
import { isIP, type Socket, connect as tcpConnect } from "node:net";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";
import { endpointOf } from "./endpoint.js";

export { endpointOf };

export type NetPhaseName = "dns" | "connect" | "tls";

// biome-ignore lint/complexity/noBannedTypes: the agreed API: a phase without details is PhaseOk<{}>.
export interface PhaseOk<T = {}> {
  ok: true;
  ms: number;
  detail: T;
}

export interface PhaseFailed {
  ok: false;
  ms: number;
  /** ENOTFOUND, ECONNREFUSED, ETIMEDOUT, ABORTED, CERT_HAS_EXPIRED, ... */
  code: string;
  /** One plain-English sentence for a member. */
  message: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** ISO 8601 */
  validFrom: string;
  /** ISO 8601 */
  validTo: string;
  /** Whole days until validTo (negative once expired). */
  daysLeft: number;
  selfSigned: boolean;
  hostMatches: boolean;
  fingerprint256: string;
}

export interface TlsDetail {
  protocol: string;
  /** Trusted chain AND the certificate names this host. */
  authorized: boolean;
  /** Node's verification code (CERT_HAS_EXPIRED, ...) or ERR_TLS_CERT_ALTNAME_INVALID for a wrong host. */
  authorizationError?: string;
  /** The plain-English sentence for authorizationError. */
  authorizationMessage?: string;
  certificate: CertificateInfo;
}

export interface ConnectionTrace {
  url: string;
  host: string;
  port: number;
  secure: boolean;
  dns: PhaseOk<{ addresses: string[] }> | PhaseFailed;
  /** Absent when dns failed. */
  connect?: PhaseOk<{ address: string }> | PhaseFailed;
  /** Absent for http:// or after an earlier failure. */
  tls?: PhaseOk<TlsDetail> | PhaseFailed;
}

export interface TraceOptions {
  /** The whole trace; each phase gets what is left of it (or phaseTimeoutMs, if smaller). */
  timeoutMs: number;
  /** Optional cap per phase, so a slow DNS server cannot eat the connect's time too. */
  phaseTimeoutMs?: number;
  signal?: AbortSignal;
  /** For daysLeft; default Date.now. */
  now?: () => number;
  /**
   * Trusted CAs instead of Node's default store (tests). Leave unset in the CLI: the default store
   * is what the portal calls use, NODE_EXTRA_CA_CERTS included.
   */
  ca?: string | string[];
}

const DAY_MS = 86_400_000;

const MESSAGES: Record<string, (host: string) => string> = {
  ENOTFOUND: (h) =>
    `The name ${h} could not be found in DNS; check the address, or the network's DNS settings.`,
  EAI_AGAIN: (h) => `DNS did not answer for ${h} just now; the network or its DNS server may be down.`,
  ENODATA: (h) => `DNS has no address for ${h}.`,
  ECONNREFUSED: (h) =>
    `${h} refused the connection: nothing is listening on that port, or a firewall said no.`,
  ECONNRESET: (h) => `${h} cut the connection off; a firewall or proxy in between may be blocking it.`,
  EHOSTUNREACH: (h) => `${h} cannot be reached from this network.`,
  ENETUNREACH: (h) => `This computer has no route to ${h}; check the network connection.`,
  ETIMEDOUT: (h) =>
    `${h} did not answer in time; the network may be slow, or something in between drops the traffic.`,
  ABORTED: () => "The check was stopped before it finished.",
  DEPTH_ZERO_SELF_SIGNED_CERT: (h) =>
    `${h} presented a self-signed certificate that this computer does not trust; this is not the real portal, or a company proxy is in between.`,
  SELF_SIGNED_CERT_IN_CHAIN: (h) =>
    `The certificate of ${h} comes from an authority this computer does not trust; often a company proxy that inspects traffic (set NODE_EXTRA_CA_CERTS to its certificate).`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (h) =>
    `The certificate of ${h} could not be traced to an authority this computer trusts; the server may be missing part of its certificate chain, or a proxy is in between.`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: (h) =>
    `The certificate of ${h} comes from an authority this computer does not know; a company proxy may be in between (set NODE_EXTRA_CA_CERTS to its certificate).`,
  CERT_HAS_EXPIRED: (h) =>
    `The certificate of ${h} has expired; if the computer's date is right, the portal must renew it.`,
  CERT_NOT_YET_VALID: (h) =>
    `The certificate of ${h} is not valid yet; check that this computer's date and time are right.`,
  ERR_TLS_CERT_ALTNAME_INVALID: (h) =>
    `The certificate presented is not for ${h}; this may not be the real portal, or a proxy is in between.`,
  ERR_SSL_WRONG_VERSION_NUMBER: (h) => `${h} did not answer with TLS on that port; is it an http:// address?`,
};

/** One sentence for a network or certificate problem code. */
export function describeNetProblem(code: string, host: string): string {
  const known = MESSAGES[code];
  if (known) return known(host);
  if (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS"))
    return `The secure connection to ${host} could not be set up (${code}).`;
  if (code.includes("CERT")) return `The certificate of ${host} was not accepted (${code}).`;
  return `The connection to ${host} failed (${code}).`;
}

class PhaseTimeout extends Error {
  code = "ETIMEDOUT";
}
class PhaseAborted extends Error {
  code = "ABORTED";
}

/**
 * Runs `work` with a time limit and the caller's signal. `cancel` undoes whatever `work` started
 * (destroying a socket) when the limit or the signal wins.
 */
function limited<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
  cancel: () => void = () => {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = () =>
      finish(() => {
        cancel();
        reject(new PhaseAborted("aborted"));
      });
    const timer = setTimeout(
      () =>
        finish(() => {
          cancel();
          reject(new PhaseTimeout("timed out"));
        }),
      Math.max(0, ms),
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => finish(() => resolve(value)),
      (error) => finish(() => reject(error)),
    );
  });
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && code) return code;
  return "EUNKNOWN";
}

function failed(started: number, error: unknown, host: string): PhaseFailed {
  let code = errorCode(error);
  // getaddrinfo's "no such name" appears as ENOTFOUND or EAI_NONAME depending on the platform.
  if (code === "EAI_NONAME" || code === "EAI_NODATA") code = "ENOTFOUND";
  return { ok: false, ms: elapsed(started), code, message: describeNetProblem(code, host) };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** "CN=portal.example, O=Example" from Node's certificate name object (values may be arrays). */
function formatName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : value}`)
    .join(", ");
}

function toIso(text: string): string {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

export function certificateInfo(
  cert: DetailedPeerCertificate,
  host: string,
  now: number,
  authorizationError: string | undefined,
  checkServerIdentity: typeof import("node:tls").checkServerIdentity,
): CertificateInfo {
  const validTo = toIso(cert.valid_to);
  const issuer = cert.issuerCertificate;
  const selfSigned =
    authorizationError === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    (issuer !== undefined && issuer.fingerprint256 === cert.fingerprint256) ||
    (issuer === undefined && formatName(cert.subject as never) === formatName(cert.issuer as never));
  return {
    subject: formatName(cert.subject as never),
    issuer: formatName(cert.issuer as never),
    validFrom: toIso(cert.valid_from),
    validTo,
    daysLeft: Math.floor((Date.parse(validTo) - now) / DAY_MS),
    selfSigned,
    hostMatches: checkServerIdentity(host, cert) === undefined,
    fingerprint256: cert.fingerprint256,
  };
}

/** Times DNS, TCP connect and (for https) the TLS handshake to the host of `url`. Never rejects for network trouble. */
export async function traceConnection(url: string, opts: TraceOptions): Promise<ConnectionTrace> {
  const { host, port, secure } = endpointOf(url);
  const now = opts.now ?? Date.now;
  const end = performance.now() + opts.timeoutMs;
  const budget = () => {
    const left = end - performance.now();
    return opts.phaseTimeoutMs === undefined ? left : Math.min(left, opts.phaseTimeoutMs);
  };
  const trace: ConnectionTrace = { url, host, port, secure, dns: await resolve(host, budget(), opts.signal) };
  if (!trace.dns.ok) return trace;

  let socket: Socket | undefined;
  try {
    const connected = await connectAny(trace.dns.detail.addresses, port, host, budget, opts.signal);
    trace.connect = connected.phase;
    socket = connected.socket;
    if (!socket || !secure) return trace;
    trace.tls = await handshake(socket, host, budget(), opts.signal, now(), opts.ca);
    return trace;
  } finally {
    socket?.destroy();
  }
}

async function resolve(
  host: string,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<PhaseOk<{ addresses: string[] }> | PhaseFailed> {
  if (isIP(host)) return { ok: true, ms: 0, detail: { addresses: [host] } };
  const started = performance.now();
  try {
    // lookup (getaddrinfo), not resolve: it is what the connection itself uses, /etc/hosts included.
    const { promises: dns } = await import("node:dns");
    const found = await limited(dns.lookup(host, { all: true }), ms, signal);
    if (found.length === 0) return failed(started, { code: "ENOTFOUND" }, host);
    return { ok: true, ms: elapsed(started), detail: { addresses: found.map((a) => a.address) } };
  } catch (error) {
    return failed(started, error, host);
  }
}

/** Tries each address in turn (IPv6 first if DNS said so) until one accepts, within the budget. */
async function connectAny(
  addresses: string[],
  port: number,
  host: string,
  budget: () => number,
  signal: AbortSignal | undefined,
): Promise<{ phase: PhaseOk<{ address: string }> | PhaseFailed; socket?: Socket }> {
  const started = performance.now();
  let lastError: unknown;
  for (const address of addresses) {
    const socket = tcpConnect({ host: address, port });
    try {
      await limited(
        new Promise<void>((ok, fail) => {
          socket.once("connect", ok);
          socket.once("error", fail);
        }),
        budget(),
        signal,
        () => socket.destroy(),
      );
      socket.removeAllListeners("error");
      // A later reset must not become an uncaught 'error' event.
      socket.on("error", () => {});
      return { phase: { ok: true, ms: elapsed(started), detail: { address } }, socket };
    } catch (error) {
      socket.destroy();
      lastError = error;
      const code = errorCode(error);
      if (code === "ETIMEDOUT" || code === "ABORTED") break;
    }
  }
  return { phase: failed(started, lastError, host) };
}

/** Node gives the verification result as a code string (typed as an Error in @types/node). */
function verificationCode(raw: unknown): string | undefined {
  if (!raw) return undefined;
  if (typeof raw === "string") return raw;
  const code = (raw as { code?: unknown }).code;
  return typeof code === "string" ? code : String(raw);
}

async function handshake(
  socket: Socket,
  host: string,
  ms: number,
  signal: AbortSignal | undefined,
  now: number,
  ca: string | string[] | undefined,
): Promise<PhaseOk<TlsDetail> | PhaseFailed> {
  const started = performance.now();
  let secured: TLSSocket | undefined;
  try {
    const tls = await import("node:tls");
    secured = await limited(
      new Promise<TLSSocket>((ok, fail) => {
        const s = tls.connect({
          socket,
          // SNI must not carry an IP address (RFC 6066).
          servername: isIP(host) ? undefined : host,
          rejectUnauthorized: false,
          ALPNProtocols: ["http/1.1"],
          ...(ca === undefined ? {} : { ca }),
        });
        secured = s;
        s.once("secureConnect", () => ok(s));
        s.once("error", fail);
      }),
      ms,
      signal,
      () => secured?.destroy(),
    );
    secured.on("error", () => {});
    const cert = secured.getPeerCertificate(true);
    const chainCode = verificationCode(secured.authorizationError as unknown);
    if (!cert || Object.keys(cert).length === 0) {
      return {
        ok: false,
        ms: elapsed(started),
        code: "ENOCERT",
        message: `${host} presented no certificate.`,
      };
    }
    const certificate = certificateInfo(cert, host, now, chainCode, tls.checkServerIdentity);
    const authorizationError =
      chainCode ?? (certificate.hostMatches ? undefined : "ERR_TLS_CERT_ALTNAME_INVALID");
    const detail: TlsDetail = {
      protocol: secured.getProtocol() ?? "unknown",
      authorized: secured.authorized && certificate.hostMatches,
      certificate,
    };
    if (authorizationError) {
      detail.authorizationError = authorizationError;
      detail.authorizationMessage = describeNetProblem(authorizationError, host);
    }
    return { ok: true, ms: elapsed(started), detail };
  } catch (error) {
    return failed(started, error, host);
  } finally {
    secured?.destroy();
  }
}
