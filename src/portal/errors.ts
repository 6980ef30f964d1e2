// The one place where a portal's answer or a transport failure becomes a typed error of
// src/errors.ts. The diagnosis keys on the problem document's `code`, never on its `title`
// (shared/portal-api.md); everything else falls back on the HTTP status class.
//
// Messages are one line of plain words for a member or a help-desk agent. They never quote a
// response body (it may hold health data) and never a request body (it may hold a password).
import type * as z from "zod/mini";
import {
  AuthRequiredError,
  type CliErrorOptions,
  type PortalError,
  PortalRefusedError,
  PortalUnavailableError,
  said,
  TryLaterError,
  type UnavailableReason,
} from "../errors.js";
import { isPlainObject } from "../state/shapes.js";
import type { OperationRow } from "./operations.js";
import { parseRfc3339 } from "./read-values.js";
import { describeSeconds } from "./retry-after.js";

export const LOGIN_HINT = "Run `rxportal login`.";

/** A non-2xx answer, fully read. */
export interface PortalAnswer {
  /** The contract operation, for its `auth` flag (an unknown 401 means "sign in" only there). */
  operation?: Pick<OperationRow, "id" | "auth">;
  status: number;
  /** Content-Type, or undefined when the portal sent none. */
  contentType?: string;
  body: string;
  requestId?: string;
  /** Seconds from Retry-After, already parsed (see retry-after.ts). */
  retryAfterSeconds?: number;
  /** The URL asked for (without its query), for a 404 that means the base URL is wrong. */
  url?: string;
  /**
   * False when the contract lists no 404 for this operation (only an item lookup such as
   * /orders/{orderId} can be "not found"): a 404 there means nothing lives at the path.
   */
  notFoundPossible?: boolean;
}

type Problem = Record<string, unknown> & { code?: string };

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/** What kind of body this is, judged from Content-Type and, when it is missing, the first bytes. */
export function bodyKind(contentType: string | undefined, body: string): "json" | "html" | "empty" | "other" {
  if (body.trim() === "") return "empty";
  const type = (contentType ?? "").toLowerCase();
  if (/[/+]json\b/.test(type)) return "json";
  if (type.includes("html") || /^\s*<(!doctype\s+html|html)\b/i.test(body)) return "html";
  if (type === "" && /^\s*[{[]/.test(body)) return "json";
  return "other";
}

function describeKind(kind: ReturnType<typeof bodyKind>, contentType: string | undefined): string {
  switch (kind) {
    case "html":
      return "HTML page";
    case "empty":
      return "empty body";
    case "json":
      return "JSON";
    default: {
      const media = contentType?.split(";")[0]?.trim();
      return media ? `${media} answer` : "answer of no stated type";
    }
  }
}

function retryPhrase(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  return seconds <= 0 ? "; it asks to retry right away" : `; it asks to retry in ${describeSeconds(seconds)}`;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** An answer we cannot read: exit 69, reason bad_response, a short reason and never the body. */
export function badResponseError(
  message: string,
  options: { status?: number; requestId?: string; code: string; hint?: string; cause?: unknown },
): PortalUnavailableError {
  return new PortalUnavailableError(message, { ...options, reason: "bad_response" });
}

/** A 2xx body that does not match the contract's schema for it. */
export function schemaMismatchError(
  operationId: string,
  error: z.core.$ZodError,
  options: { status: number; requestId?: string },
): PortalUnavailableError {
  // The path of the first issue tells a developer where to look; zod's own message could quote
  // the offending value, which may be health data, so only the path and the issue kind are kept.
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${formatPath(issue.path)}` : "";
  const kind = issue ? ` (${issue.code.replace(/_/g, " ")})` : "";
  return badResponseError(
    `The portal's answer to ${operationId} does not match the expected format${where}${kind} (HTTP ${options.status}).`,
    { ...options, code: "schema_mismatch" },
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

/** A 2xx (or 3xx) answer that is not the JSON the contract promises. */
export function unreadableSuccessError(answer: PortalAnswer): PortalUnavailableError {
  const { status, requestId } = answer;
  if (status >= 300 && status < 400) {
    return badResponseError(`The portal redirected the request instead of answering it (HTTP ${status}).`, {
      status,
      requestId,
      code: "redirect",
      hint: "Check the profile's baseUrl.",
    });
  }
  const kind = bodyKind(answer.contentType, answer.body);
  if (kind === "json") {
    return badResponseError(`The portal sent malformed JSON (HTTP ${status}).`, {
      status,
      requestId,
      code: "malformed_json",
    });
  }
  return badResponseError(
    `The portal sent ${kind === "html" ? "an HTML page" : `an ${describeKind(kind, answer.contentType)}`} instead of JSON (HTTP ${status}).`,
    {
      status,
      requestId,
      code: kind === "html" ? "html_page" : "not_json",
      // A 200 HTML page on a JSON API is nearly always a Wi-Fi login page or a proxy's block page.
      hint:
        kind === "html"
          ? "If this network has a sign-in page (hotel, airport, café Wi-Fi), open a browser and sign in first."
          : undefined,
    },
  );
}

/**
 * The typed error for a non-2xx answer. Never throws: a body that is HTML, malformed or empty is
 * classified, not parsed into a crash.
 */
export function errorFromAnswer(answer: PortalAnswer): PortalError {
  const { status, requestId, retryAfterSeconds } = answer;
  const kind = bodyKind(answer.contentType, answer.body);

  if (status >= 500) {
    let problem: Problem | undefined;
    if (kind === "json") {
      const parsed = parseJson(answer.body);
      if (parsed.ok) problem = asProblem(parsed.value);
    }
    const what = kind === "json" || kind === "empty" ? "" : `, ${describeKind(kind, answer.contentType)}`;
    const maintenance = status === 503;
    const message = maintenance
      ? `The portal is down for maintenance (HTTP 503${what})${retryPhrase(retryAfterSeconds)}.`
      : `The portal failed with a server error (HTTP ${status}${what})${retryPhrase(retryAfterSeconds)}.`;
    return new PortalUnavailableError(message, {
      reason: maintenance ? "maintenance" : "server_error",
      status,
      requestId,
      retryAfterSeconds,
      problem,
      code: problem?.code,
      hint: "Try again later; `rxportal contacts` lists phone numbers if a refill cannot wait.",
    });
  }

  let problem: Problem | undefined;
  if (status === 404 && kind === "json") {
    const parsed = parseJson(answer.body);
    if (parsed.ok) problem = asProblem(parsed.value);
  }
  // A 404 on an operation that has no "not found" in the contract, or one that is not the portal's
  // own problem document (an HTML page, an empty body, JSON without a code), means nothing lives
  // at that path: the base URL or a path override is wrong, which the member can fix, unlike a
  // "not found" for an order id.
  if (status === 404 && (answer.notFoundPossible === false || typeof problem?.code !== "string")) {
    return wrongPathError(answer);
  }
  if (kind === "json") {
    const parsed = parseJson(answer.body);
    if (!parsed.ok) {
      // Status first for rate limits: the Retry-After is what matters there, not the body.
      if (status !== 429 && status !== 423) return unreadableSuccessError(answer);
    } else {
      problem = asProblem(parsed.value);
    }
  } else if (kind !== "empty" && status !== 429 && status !== 423) {
    // An HTML or text 4xx: a proxy or a wrong path, not the portal's API speaking.
    return unreadableSuccessError(answer);
  }
  return errorFromProblem(status, problem ?? {}, answer);
}

function wrongPathError(answer: PortalAnswer): PortalUnavailableError {
  const kind = bodyKind(answer.contentType, answer.body);
  const what = kind === "json" ? "" : `, ${describeKind(kind, answer.contentType)}`;
  let where = "that path";
  let base = "";
  if (answer.url) {
    const url = new URL(answer.url);
    where = url.pathname;
    base = ` (${url.origin})`;
  }
  const op = answer.operation?.id;
  return badResponseError(
    `The portal${base} has nothing at ${where} (HTTP 404${what}): the profile's baseUrl looks wrong${op ? `, or this portal uses another path for ${op}` : ""}.`,
    {
      status: answer.status,
      requestId: answer.requestId,
      code: "wrong_base_url",
      hint: `Check baseUrl: it must be the API's root, such as https://portal.example/api/v1${op ? `; set paths.${op} if only this operation lives elsewhere` : ""} (\`rxportal config show\`).`,
    },
  );
}

/** A problem document as a plain record, or a record without `code` if the JSON was not one. */
function asProblem(value: unknown): Problem | undefined {
  if (!isPlainObject(value)) return undefined;
  // A full RFC 9457 document or not, a `code` string is the portal's stated reason; the rest is
  // read field by field where it is used.
  return typeof value.code === "string" ? (value as Problem) : { ...value, code: undefined };
}

function attemptsPhrase(problem: Problem): string {
  const n = problem.attemptsRemaining;
  if (typeof n !== "number") return "";
  return n === 1 ? " 1 attempt left." : ` ${n} attempts left.`;
}

function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function errorFromProblem(status: number, problem: Problem, answer: PortalAnswer): PortalError {
  const { requestId, retryAfterSeconds } = answer;
  const code = typeof problem.code === "string" ? problem.code : undefined;
  const keep = { status, requestId, problem };
  const refused = (message: string, hint?: string) =>
    new PortalRefusedError(message, { ...keep, code: code ?? `http_${status}`, hint });

  switch (code) {
    case "unauthorized":
      return new AuthRequiredError("You are not signed in, or the session is no longer valid.", {
        ...keep,
        code,
        hint: LOGIN_HINT,
      });
    case "token_expired":
      return new AuthRequiredError("The session has expired.", { ...keep, code, hint: LOGIN_HINT });
    case "invalid_credentials":
      return refused(`The portal did not accept that username and password.${attemptsPhrase(problem)}`);
    case "invalid_code":
      return refused(`The portal did not accept that code.${attemptsPhrase(problem)}`);
    case "invalid_or_expired_code":
      return refused(
        `That reset code is wrong, already used or expired.${attemptsPhrase(problem)}`,
        "Run `rxportal reset request` for a new code.",
      );
    case "challenge_expired":
      return refused("The sign-in code expired or a newer one was sent; sign in again.", LOGIN_HINT);
    case "password_expired":
      return refused("The password has expired and must be changed.", "Run `rxportal reset`.");
    case "account_disabled":
      return refused(
        "The account is disabled.",
        "Call member services; `rxportal contacts` lists the numbers.",
      );
    case "forbidden":
      return refused("This account may not act for that member.");
    case "not_found":
      return refused(`The portal found no such item${answer.operation ? ` (${answer.operation.id})` : ""}.`);
    case "not_eligible":
      return refused("That prescription cannot be set to refill automatically.");
    case "password_policy": {
      const rules = Array.isArray(problem.violations)
        ? problem.violations
            .map((v) => (v && typeof v === "object" ? (v as { message?: unknown }).message : undefined))
            .filter((m): m is string => typeof m === "string")
            .map((m) => oneLine(m).replace(/\.$/, ""))
        : [];
      return refused(
        `The new password breaks the portal's rules${rules.length > 0 ? `: ${rules.join("; ")}` : ""}.`,
      );
    }
    case "refill_not_allowed": {
      const items = Array.isArray(problem.items) ? problem.items : [];
      const parts = items
        .map((item) => item as { rxId?: unknown; reason?: unknown })
        .filter((item) => typeof item.rxId === "string")
        .map(
          (item) => `${oneLine(String(item.rxId))} ${REFILL_REASON[String(item.reason)] ?? "not allowed"}`,
        );
      return refused(
        `The portal will not refill ${parts.length > 0 ? parts.join(", ") : "these prescriptions"}.`,
      );
    }
    case "idempotency_conflict":
      return refused("This order key was already used for a different refill order.");
    case "idempotency_key_required":
      return refused("The portal requires an Idempotency-Key on refill orders.");
    case "account_locked": {
      const lockedUntil = parseDate(problem.lockedUntil);
      return new TryLaterError(
        `The account is locked after too many failed sign-ins${lockedUntil ? ` until ${formatUtc(lockedUntil)}` : ""}.`,
        {
          ...keep,
          code,
          lockedUntil,
          retryAfterSeconds,
          hint: "Wait, or reset the password with `rxportal reset` (a reset unlocks the account).",
        },
      );
    }
    case "rate_limited":
      return rateLimited(problem, answer, code);
  }

  // Codes this version does not know: judge by status.
  if (status === 429) return rateLimited(problem, answer, code ?? "rate_limited");
  if (status === 423) {
    return new TryLaterError("The account is locked.", {
      ...keep,
      code: code ?? "account_locked",
      lockedUntil: parseDate(problem.lockedUntil),
      retryAfterSeconds,
    });
  }
  if (status === 401 && answer.operation?.auth !== false) {
    return new AuthRequiredError(`The portal asks you to sign in again (HTTP 401${codePhrase(code)}).`, {
      ...keep,
      code: code ?? "unauthorized",
      hint: LOGIN_HINT,
    });
  }
  return refused(`The portal refused the request (HTTP ${status}${codePhrase(code)}).`);
}

const REFILL_REASON: Record<string, string> = {
  too_soon: "(too soon)",
  no_refills: "(no refills left)",
  expired: "(prescription expired)",
  not_found: "(not found)",
};

function codePhrase(code: string | undefined): string {
  return code ? `, ${oneLine(code).slice(0, 64)}` : "";
}

function rateLimited(problem: Problem, answer: PortalAnswer, code: string): TryLaterError {
  const { retryAfterSeconds } = answer;
  return new TryLaterError(`The portal is limiting requests${retryPhrase(retryAfterSeconds)}.`, {
    status: answer.status,
    requestId: answer.requestId,
    problem,
    code,
    retryAfterSeconds,
    hint: retryAfterSeconds === undefined ? "Wait a few minutes, then try again." : undefined,
  });
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  // Every RFC 3339 form (docs/portal-api.md, latitudes), then whatever else Date reads.
  const ms = parseRfc3339(value);
  const date = new Date(ms ?? value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------------------------
// Transport failures
// ---------------------------------------------------------------------------------------------

export interface TransportContext {
  url: URL;
  /** The call's overall budget, for the timeout message. */
  timeoutMs: number;
  /** True when our own deadline aborted the call: that, not the error's shape, means "timeout". */
  deadlineExceeded: boolean;
  /** "body" when the answer's headers had arrived and reading the body failed. */
  phase: "request" | "body";
  /** e.g. "GET /orders", for naming what did not answer. */
  operation?: string;
  /** Set when the command's whole --timeout budget ran out (not the profile's per-request limit). */
  budgetMs?: number;
  status?: number;
  requestId?: string;
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA", "ENODATA"]);
const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  ETIMEDOUT: "connection timed out",
  ENETUNREACH: "network unreachable",
  ENETDOWN: "network down",
  EHOSTUNREACH: "host unreachable",
  EHOSTDOWN: "host down",
  EADDRNOTAVAIL: "address not available",
};
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);
const SLOW_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

const UNTRUSTED_HINT =
  "If this network inspects HTTPS (a company proxy), set NODE_EXTRA_CA_CERTS to its CA certificate; otherwise do not work around this and report it.";
const TLS_WORDS: Record<string, { words: string; hint?: string }> = {
  CERT_HAS_EXPIRED: {
    words: "its certificate has expired",
    hint: "Check this computer's date and time; if they are right, the portal must renew its certificate.",
  },
  CERT_NOT_YET_VALID: {
    words: "its certificate is not valid yet",
    hint: "Check this computer's date and time.",
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: { words: "its certificate is self-signed", hint: UNTRUSTED_HINT },
  SELF_SIGNED_CERT_IN_CHAIN: {
    words: "its certificate chain ends in an authority this computer does not trust",
    hint: UNTRUSTED_HINT,
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    words: "its certificate was issued by an authority this computer does not trust",
    hint: UNTRUSTED_HINT,
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    words: "its certificate was issued by an authority this computer does not trust",
    hint: UNTRUSTED_HINT,
  },
  UNABLE_TO_GET_ISSUER_CERT: {
    words: "its certificate was issued by an authority this computer does not trust",
    hint: UNTRUSTED_HINT,
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    words: "its certificate is for a different site name",
    hint: "Check the profile's baseUrl; a certificate for another name can mean a look-alike site.",
  },
  HOSTNAME_MISMATCH: {
    words: "its certificate is for a different site name",
    hint: "Check the profile's baseUrl; a certificate for another name can mean a look-alike site.",
  },
  CERT_REVOKED: { words: "its certificate has been revoked" },
  CERT_SIGNATURE_FAILURE: { words: "its certificate's signature is invalid" },
  CERT_UNTRUSTED: { words: "its certificate is not trusted", hint: UNTRUSTED_HINT },
  CERT_REJECTED: { words: "its certificate was rejected", hint: UNTRUSTED_HINT },
  INVALID_CA: { words: "its certificate authority is invalid", hint: UNTRUSTED_HINT },
};

/** Every error in a `cause` chain, including the members of AggregateErrors (happy eyeballs). */
export function causeChain(error: unknown): Array<{ code?: string; message: string; address?: string }> {
  const out: Array<{ code?: string; message: string; address?: string }> = [];
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && out.length < 20) {
    const current = queue.shift();
    if (current === null || current === undefined || seen.has(current)) continue;
    seen.add(current);
    if (typeof current !== "object") {
      out.push({ message: String(current) });
      continue;
    }
    const e = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
      address?: unknown;
    };
    out.push({
      code: typeof e.code === "string" ? e.code : undefined,
      message: typeof e.message === "string" ? e.message : "",
      ...(typeof e.address === "string" ? { address: e.address } : {}),
    });
    if (e.cause !== undefined) queue.push(e.cause);
    if (Array.isArray(e.errors)) queue.push(...e.errors);
  }
  return out;
}

function formatBudget(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function hostOf(url: URL): string {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return `${url.hostname}:${port}`;
}

/**
 * The typed error for a fetch that threw. Both Node's global fetch and the undici package wrap
 * the real reason as `TypeError('fetch failed')` (or 'terminated' mid-body) with a `cause`.
 */
export function errorFromTransport(error: unknown, ctx: TransportContext): PortalUnavailableError {
  const { url, status, requestId } = ctx;
  const base = { status, requestId, cause: error };
  const make = (
    reason: UnavailableReason,
    message: string,
    code?: string,
    hint?: string,
    says?: Pick<CliErrorOptions, "said" | "saidHint">,
  ) => new PortalUnavailableError(message, { ...base, reason, code, hint, ...says });

  const what = ctx.operation ? ` ${ctx.operation}` : "";
  if (ctx.budgetMs !== undefined) {
    return make(
      "timeout",
      `The portal did not answer${what} within the command's time limit (--timeout ${ctx.budgetMs}, at ${hostOf(url)}).`,
      "timeout",
      "Try again; on a slow connection give it longer with --timeout <ms>.",
    );
  }
  if (ctx.deadlineExceeded) {
    return make(
      "timeout",
      `The portal did not answer within ${formatBudget(ctx.timeoutMs)}.`,
      "timeout",
      "Try again; on a slow connection give it longer with --timeout <ms>, or raise the profile's timeoutMs.",
    );
  }
  const chain = causeChain(error);
  const codes = chain.map((c) => c.code).filter((c): c is string => c !== undefined);
  const messages = chain.map((c) => c.message);

  const proxy = proxyMarkOf(error);
  if (proxy) {
    const proxyError = errorFromProxy(proxy, codes, messages, ctx);
    if (proxyError) return proxyError;
  }
  const insecure = chain.find((c) => c.code === "ERR_INSECURE_REMOTE");
  if (insecure) {
    const where =
      insecure.address === undefined
        ? "no loopback address"
        : insecure.address === url.hostname.replace(/^\[|\]$/g, "")
          ? "not a loopback address"
          : `it resolves to ${insecure.address}`;
    return make(
      "insecure_url",
      `Refusing plain http:// to ${url.hostname}: it is not this machine (${where}).`,
      "insecure_http",
      "Use https:// in the profile's baseUrl; http:// is only for a portal on this machine.",
    );
  }

  const dns = codes.find((c) => DNS_CODES.has(c));
  if (dns) {
    return make(
      "dns",
      dns === "EAI_AGAIN"
        ? `Cannot look up the portal's address ${url.hostname} right now (temporary DNS failure).`
        : `Cannot find the portal's address: ${url.hostname} is not known to DNS.`,
      dns,
      "Check the network connection and the profile's baseUrl.",
      {
        said: said(dns === "EAI_AGAIN" ? "dnsTemporary" : "dnsUnknown", url.hostname),
        saidHint: said("dnsHint"),
      },
    );
  }
  const tls =
    codes.find((c) => c in TLS_WORDS) ?? codes.find((c) => /^ERR_(SSL|TLS)_|^EPROTO$|^CERT_|_CERT$/.test(c));
  if (tls) {
    const known = TLS_WORDS[tls];
    return make(
      "tls",
      `Cannot connect securely to ${url.hostname}: ${known?.words ?? "the secure (TLS) connection could not be set up"}.`,
      tls,
      known?.hint,
      { said: said("tlsFailed", url.hostname, tls) },
    );
  }
  const connect = codes.find((c) => c in CONNECT_CODES);
  if (connect) {
    return make(
      "connect",
      `Cannot connect to the portal at ${hostOf(url)} (${CONNECT_CODES[connect]}).`,
      connect,
      "Check the network connection, and any firewall or proxy (HTTPS_PROXY) in the way.",
      { said: said("connectFailed", hostOf(url), connect), saidHint: said("connectHint") },
    );
  }
  const slow = codes.find((c) => SLOW_CODES.has(c));
  if (slow) return make("timeout", "The portal stopped answering part-way through.", slow);

  const reset =
    codes.find((c) => RESET_CODES.has(c)) ??
    (messages.some((m) => /other side closed/i.test(m)) ? "ECONNRESET" : undefined);
  if (ctx.phase === "body") {
    // The headers came, the body did not all come: the answer is unusable, whatever cut it.
    return make(
      "bad_response",
      `The portal's answer was cut off before it was complete (HTTP ${status ?? "?"}).`,
      "truncated",
    );
  }
  if (reset) {
    return make("reset", `The connection to the portal at ${hostOf(url)} was cut before it answered.`, reset);
  }
  if (messages.some((m) => /bad port/i.test(m))) {
    return make(
      "connect",
      `Cannot connect to the portal at ${hostOf(url)}: fetch does not allow that port.`,
      "bad_port",
      "Check the profile's baseUrl.",
    );
  }
  return make(
    "connect",
    `Cannot reach the portal at ${hostOf(url)}${codes[0] ? ` (${codes[0]})` : ""}.`,
    codes[0] ?? "fetch_failed",
  );
}

interface ProxyMark {
  url: string;
  variable: string;
}

function proxyMarkOf(error: unknown): ProxyMark | undefined {
  const mark = (error as { proxy?: unknown } | null)?.proxy;
  if (mark && typeof mark === "object" && typeof (mark as ProxyMark).url === "string")
    return mark as ProxyMark;
  return undefined;
}

const PROXY_HINT =
  "Check the proxy setting (or unset it, or add the portal to NO_PROXY); `rxportal doctor --start network` checks the proxy.";

/**
 * A request sent through HTTP(S)_PROXY failed before the portal answered: name the proxy, since
 * the member's fix is there (a dead or mistyped proxy), not at the portal. Undefined when the
 * failure is not the proxy's (a TLS problem with the portal's own certificate, ...).
 */
function errorFromProxy(
  proxy: ProxyMark,
  codes: string[],
  messages: string[],
  ctx: TransportContext,
): PortalUnavailableError | undefined {
  const base = { status: ctx.status, requestId: ctx.requestId, hint: PROXY_HINT };
  const named = `the proxy ${proxy.url} (from ${proxy.variable})`;
  const make = (message: string, code: string) =>
    new PortalUnavailableError(message, { ...base, reason: "connect", code, details: { proxy: proxy.url } });
  if (codes.includes("ERR_INVALID_URL") || messages.some((m) => /invalid url/i.test(m))) {
    return make(`The proxy setting ${proxy.variable} is not a valid URL.`, "proxy_invalid");
  }
  const tunnel = messages.map((m) => /Proxy response \((\d{3})\)/i.exec(m)).find((m) => m);
  if (tunnel) {
    const status = Number(tunnel[1]);
    return make(
      status === 407
        ? `Cannot reach the portal: ${named} asks for a username and password (HTTP 407).`
        : `Cannot reach the portal: ${named} would not connect to it (HTTP ${status}).`,
      `proxy_http_${status}`,
    );
  }
  const dns = codes.find((c) => DNS_CODES.has(c));
  if (dns) return make(`Cannot reach the portal: ${named} is not known to DNS.`, "proxy_dns");
  const connect = codes.find((c) => c in CONNECT_CODES);
  if (connect) {
    return make(
      `Cannot reach the portal: cannot connect to ${named} (${CONNECT_CODES[connect]}).`,
      "proxy_connect",
    );
  }
  const reset = codes.find((c) => RESET_CODES.has(c));
  if (reset && ctx.phase === "request") {
    return make(`Cannot reach the portal: ${named} closed the connection.`, "proxy_reset");
  }
  return undefined;
}
