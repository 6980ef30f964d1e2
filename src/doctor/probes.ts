// The doctor's live checks. Each looks at one thing (the portal's name, a connection, its
// certificate, the status page, the clock, the lock on an account, ...) and answers ok, problem or
// unknown with one sentence a member can understand. Probes that look at the same thing share one
// observation: the connection is traced once, /status is fetched once.
import type { CodeRefusal } from "../auth/code-record.js";
import type { LockoutGuard } from "../auth/lockout-guard.js";
import { CLOCK_SKEW_WARN_SECONDS } from "../clock.js";
import type { Profile } from "../config/load.js";
import {
  type CliError,
  PortalError,
  PortalRefusedError,
  PortalUnavailableError,
  TryLaterError,
} from "../errors.js";
import type { Lang } from "../i18n/lang.js";
import { type DoctorWords, doctorText } from "../i18n/messages/doctor.js";
import type { ConnectionTrace } from "../net/trace-connection.js";
import type { PortalClient } from "../portal/client.js";
import type { LoginResponse, PortalStatus } from "../portal/schemas.js";
import type { ProbeFinding, ProbeSet } from "./engine.js";
import { createOidcProbes, type OidcProbeDeps } from "./oidc-probes.js";

/** A certificate this close to its end is still fine today but worth a word. */
const CERT_SOON_DAYS = 14;

export interface ProbeEnv {
  profile: Profile;
  env: Record<string, string | undefined>;
  /** Wall clock (ms since the epoch). */
  now(): number;
  /** Per network step. */
  timeoutMs: number;
  portal(): Promise<PortalClient>;
  guard: LockoutGuard;
  /** A password rxportal may use without asking anybody (the keychain's, or RXPORTAL_PASSWORD). */
  storedPassword(username: string): Promise<string | undefined>;
  /** The password step behind the lockout guard (auth/sign-in.ts, submitPassword). */
  submitPassword(username: string, password: string): Promise<LoginResponse>;
  /** rxportal's note of the last refused sign-in code for a username (auth/code-record.ts). */
  codeRefusal(username: string): Promise<CodeRefusal | undefined>;
  /** Tests pass a resolver; DNS from the test machine cannot be relied on. Default: net/mx.ts. */
  lookupMx?: typeof import("../net/mx.js").lookupMx;
  /** The language of the findings' sentences (English by default). */
  lang?: Lang;
  /**
   * For an `auth: {type: oidc}` profile: what the sign-in provider's checks need
   * (src/doctor/oidc-probes.ts). Without it, or on another profile, those checks do not apply.
   */
  oidc?: OidcProbeDeps;
}

interface StatusObservation {
  status?: PortalStatus;
  requestId?: string;
  error?: unknown;
  /** Our clock when the request left and when the answer came. */
  sentAt: number;
  receivedAt: number;
}

export function createProbes(penv: ProbeEnv): ProbeSet {
  const url = penv.profile.baseUrl;
  const t = doctorText.in(penv.lang ?? "en");
  // Shared observations end with the run, not with the timeout of whichever probe asked first.
  let trace: Promise<ConnectionTrace> | undefined;
  const connection = (signal: AbortSignal) => {
    trace ??= import("../net/trace-connection.js").then(({ traceConnection }) =>
      traceConnection(url, { timeoutMs: penv.timeoutMs, now: penv.now, signal }),
    );
    return trace;
  };
  let statusCall: Promise<StatusObservation> | undefined;
  const observeStatus = (signal: AbortSignal) => {
    statusCall ??= (async () => {
      const sentAt = penv.now();
      try {
        const client = await penv.portal();
        const { data, meta } = await client.call<PortalStatus>("getStatus", { signal });
        return { status: data, requestId: meta.requestId, sentAt, receivedAt: penv.now() };
      } catch (error) {
        return { error, sentAt, receivedAt: penv.now() };
      }
    })();
    return statusCall;
  };

  return {
    ...createOidcProbes(penv, t, (trace) => tlsFinding(t, trace)),
    dns: { eager: true, run: async ({ runSignal }) => dnsFinding(t, await connection(runSignal)) },
    tcp: { eager: true, run: async ({ runSignal }) => tcpFinding(t, await connection(runSignal)) },
    tls: { eager: true, run: async ({ runSignal }) => tlsFinding(t, await connection(runSignal)) },
    proxy: {
      eager: true,
      run: async ({ signal }) => {
        const { checkProxy, describeProxyEnv } = await import("../net/proxy-env.js");
        const description = describeProxyEnv(penv.env, url);
        if (!description.proxied) {
          const details = description.set.map((v) => `${v.name}=${v.value}`);
          return {
            outcome: "ok",
            summary: t.proxyNone(description.summary),
            details,
            evidence: { proxied: false },
          };
        }
        const reach = await checkProxy(penv.env, url, { timeoutMs: penv.timeoutMs, signal });
        const failed = reach && [reach.dns, reach.connect].find((p) => p && !p.ok);
        const evidence = { proxied: true, proxy: description.proxyUrl, variable: description.chosen?.name };
        if (failed && !failed.ok) {
          return {
            outcome: "problem",
            summary: t.proxyUnreachable(
              String(description.proxyUrl),
              String(description.chosen?.name),
              t.netProblem(failed.code, proxyHost(description.proxyUrl), failed.message),
            ),
            evidence,
          };
        }
        return {
          outcome: "ok",
          summary: t.proxyAnswers(String(description.proxyUrl), String(description.chosen?.name)),
          evidence,
        };
      },
    },
    status: {
      eager: true,
      run: async ({ runSignal }) => statusFinding(t, await observeStatus(runSignal), penv),
    },
    clock: { eager: true, run: async ({ runSignal }) => clockFinding(t, await observeStatus(runSignal)) },
    "app-version": {
      eager: true,
      inputs: ["app-platform", "app-version"],
      run: async ({ inputs, runSignal }) => appVersionFinding(t, await observeStatus(runSignal), inputs),
    },
    mx: {
      eager: true,
      inputs: ["email"],
      run: async ({ inputs, signal }) => {
        const email = inputs.email ?? "";
        if (!email) return { outcome: "unknown", summary: t.noEmail };
        const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
        const mx = await import("../net/mx.js");
        const lookupMx = penv.lookupMx ?? mx.lookupMx;
        // RXPORTAL_DNS_SERVERS: ask these DNS servers instead of the system's (a help desk
        // comparing resolvers; tests with a local one).
        const servers = mx.dnsServersFromEnv(penv.env);
        const found = await lookupMx(domain, { timeoutMs: penv.timeoutMs, signal, servers });
        if (found.ok) {
          return {
            outcome: "ok",
            summary: t.mxOk(domain),
            details: [t.mxServers(found.exchanges.slice(0, 3).join(", "))],
            evidence: { domain, exchanges: found.exchanges },
          };
        }
        const definite = found.code === "ENOTFOUND" || found.code === "ENODATA";
        const why = t.mxProblem(found.code, domain, found.message);
        return {
          outcome: definite ? "problem" : "unknown",
          summary: definite ? why : t.couldNotCheck(why),
          evidence: { domain, code: found.code },
        };
      },
    },
    "last-code": {
      eager: true,
      inputs: ["username"],
      run: async ({ inputs }) => lastCodeFinding(t, penv, inputs.username ?? ""),
    },
    lockout: {
      // A sign-in attempt counts against the account: only when the walk really gets here.
      eager: false,
      inputs: ["username"],
      run: ({ inputs }) => lockoutFinding(t, penv, inputs.username ?? ""),
    },
  };
}

// --- connection ------------------------------------------------------------------------------

/** The proxy's host, for the sentence about a proxy that cannot be reached. */
function proxyHost(proxyUrl: string | undefined): string {
  try {
    return new URL(proxyUrl ?? "").hostname;
  } catch {
    return String(proxyUrl);
  }
}

function dnsFinding(t: DoctorWords, trace: ConnectionTrace): ProbeFinding {
  if (!trace.dns.ok) {
    return {
      outcome: trace.dns.code === "ABORTED" ? "unknown" : "problem",
      summary: t.netProblem(trace.dns.code, trace.host, trace.dns.message),
      evidence: { host: trace.host, code: trace.dns.code, ms: trace.dns.ms },
    };
  }
  const addresses = trace.dns.detail.addresses;
  if (addresses.length === 1 && addresses[0] === trace.host) {
    return {
      outcome: "ok",
      summary: t.isAddress(trace.host),
      evidence: { host: trace.host, addresses },
    };
  }
  return {
    outcome: "ok",
    summary: t.resolves(
      trace.host,
      `${addresses.slice(0, 3).join(", ")}${addresses.length > 3 ? ", ..." : ""}`,
    ),
    evidence: { host: trace.host, addresses, ms: trace.dns.ms },
  };
}

function tcpFinding(t: DoctorWords, trace: ConnectionTrace): ProbeFinding {
  if (!trace.connect) {
    return { outcome: "unknown", summary: t.notResolvedNoConnect(trace.host) };
  }
  if (!trace.connect.ok) {
    return {
      outcome: trace.connect.code === "ABORTED" ? "unknown" : "problem",
      summary: t.netProblem(trace.connect.code, trace.host, trace.connect.message),
      evidence: { host: trace.host, port: trace.port, code: trace.connect.code },
    };
  }
  return {
    outcome: "ok",
    summary: t.connects(trace.host, trace.port),
    evidence: { address: trace.connect.detail.address, port: trace.port, ms: trace.connect.ms },
  };
}

function tlsFinding(t: DoctorWords, trace: ConnectionTrace): ProbeFinding {
  if (!trace.secure) {
    return { outcome: "unknown", summary: t.plainHttp(trace.host) };
  }
  if (!trace.tls) {
    return { outcome: "unknown", summary: t.noConnection };
  }
  if (!trace.tls.ok) {
    return {
      outcome: trace.tls.code === "ABORTED" ? "unknown" : "problem",
      summary: t.netProblem(trace.tls.code, trace.host, trace.tls.message),
      evidence: { code: trace.tls.code },
    };
  }
  const { certificate: cert, authorized, authorizationError, authorizationMessage } = trace.tls.detail;
  const details = [
    t.certIssued(cert.subject, cert.issuer, Boolean(cert.selfSigned)),
    t.certValid(cert.validFrom.slice(0, 10), cert.validTo.slice(0, 10), cert.daysLeft),
    t.certFingerprint(cert.fingerprint256),
  ];
  const evidence = { ...cert, authorized, authorizationError, protocol: trace.tls.detail.protocol };
  if (!authorized) {
    return {
      outcome: "problem",
      summary: authorizationError
        ? t.netProblem(
            String(authorizationError),
            trace.host,
            authorizationMessage ?? t.certNotTrusted(trace.host, String(authorizationError)),
          )
        : (authorizationMessage ?? t.certNotTrusted(trace.host, String(authorizationError))),
      details,
      evidence,
    };
  }
  return {
    outcome: "ok",
    summary: t.certOk(trace.host, cert.daysLeft <= CERT_SOON_DAYS ? cert.daysLeft : undefined),
    details,
    evidence,
  };
}

// --- the status page ------------------------------------------------------------------------

async function statusFinding(t: DoctorWords, seen: StatusObservation, penv: ProbeEnv): Promise<ProbeFinding> {
  const { status, error } = seen;
  if (!status) return statusErrorFinding(t, error);
  const details: string[] = [];
  const troubled = status.components.filter((c) => c.status !== "operational");
  for (const c of troubled) details.push(t.component(t.componentName(c.name), t.state(c.status)));
  const now = penv.now();
  const m = status.maintenance;
  const inWindow = m ? Date.parse(m.start) <= now && now < Date.parse(m.end) : false;
  if (m) {
    const window = inWindow ? t.maintenanceNow : t.maintenancePlanned;
    details.push(window(new Date(m.start), new Date(m.end), m.message ?? ""));
  }
  if (status.message) details.push(t.portalSays(status.message));
  const login = status.components.find((c) => c.name === "login");
  const evidence = {
    status: status.status,
    components: status.components,
    maintenance: m,
    maintenanceNow: inWindow,
  };
  const requestIds = seen.requestId ? [seen.requestId] : undefined;
  if (status.status !== "operational" || (login && login.status !== "operational") || inWindow) {
    const until = inWindow && m ? new Date(m.end) : undefined;
    return {
      outcome: "problem",
      summary:
        login && login.status !== "operational"
          ? t.statusSignIn(t.state(login.status), until)
          : t.statusPortal(t.state(status.status), until),
      details,
      evidence,
      requestIds,
    };
  }
  return {
    outcome: "ok",
    summary: t.statusOk,
    details,
    evidence,
    requestIds,
  };
}

async function statusErrorFinding(t: DoctorWords, error: unknown): Promise<ProbeFinding> {
  const requestIds = error instanceof PortalError && error.requestId ? [error.requestId] : undefined;
  if (error instanceof PortalUnavailableError) {
    const evidence = {
      reason: error.reason,
      status: error.status,
      retryAfterSeconds: error.retryAfterSeconds,
    };
    if (
      error.reason === "maintenance" ||
      error.reason === "server_error" ||
      error.reason === "bad_response"
    ) {
      const summary =
        error.reason === "maintenance"
          ? t.statusMaintenancePage(error.retryAfterSeconds)
          : t.statusErrorPage(String(error.status ?? "unreadable"), error.retryAfterSeconds);
      return { outcome: "problem", summary, evidence, requestIds };
    }
    // DNS, connect, TLS, timeout: the network checks say more than the status page can.
    return {
      outcome: "unknown",
      summary: t.statusUnreachable(trimDot(await errorWords(t, error))),
      evidence,
    };
  }
  if (error instanceof TryLaterError) {
    return {
      outcome: "unknown",
      summary: t.statusLimited,
      requestIds,
    };
  }
  return {
    outcome: "unknown",
    summary: t.statusUnreadable(trimDot(errorText(error))),
    requestIds,
  };
}

function clockFinding(t: DoctorWords, seen: StatusObservation): ProbeFinding {
  if (!seen.status) {
    return { outcome: "unknown", summary: t.clockUnknown };
  }
  // The server stamped its time somewhere between our send and receive: take the midpoint.
  const ours = (seen.sentAt + seen.receivedAt) / 2;
  const skew = Math.round((ours - Date.parse(seen.status.serverTime)) / 1000);
  const evidence = { skewSeconds: skew, serverTime: seen.status.serverTime };
  if (Math.abs(skew) > CLOCK_SKEW_WARN_SECONDS) {
    return {
      outcome: "problem",
      summary: skew > 0 ? t.clockAhead(Math.abs(skew)) : t.clockBehind(Math.abs(skew)),
      evidence,
    };
  }
  return {
    outcome: "ok",
    summary: t.clockOk(Math.max(1, Math.abs(skew))),
    evidence,
  };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function appVersionFinding(
  t: DoctorWords,
  seen: StatusObservation,
  inputs: Readonly<Record<string, string>>,
): ProbeFinding {
  const platform = inputs["app-platform"] ?? "";
  const version = inputs["app-version"] ?? "";
  if (!platform || !version) {
    return { outcome: "unknown", summary: t.appNotGiven };
  }
  if (!seen.status) {
    return { outcome: "unknown", summary: t.appUnknown };
  }
  const apps = seen.status.apps[platform as "ios" | "android"];
  const evidence = { platform, version, minimum: apps.minimum, latest: apps.latest };
  const name = platform === "ios" ? "iPhone" : "Android";
  if (compareVersions(version, apps.minimum) < 0) {
    return {
      outcome: "problem",
      summary: t.appTooOld(version, apps.minimum, name),
      evidence,
      requestIds: seen.requestId ? [seen.requestId] : undefined,
    };
  }
  return {
    outcome: "ok",
    summary: t.appOk(version, compareVersions(version, apps.latest) < 0 ? apps.latest : undefined),
    evidence,
  };
}

// --- sign-in codes --------------------------------------------------------------------------

/** Older notes describe some other sign-in, not the one the member is asking about. */
const CODE_NOTE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

async function lastCodeFinding(t: DoctorWords, penv: ProbeEnv, username: string): Promise<ProbeFinding> {
  if (!username) return { outcome: "unknown", summary: t.noUsername };
  const note = await penv.codeRefusal(username);
  const at = note ? Date.parse(note.at) : Number.NaN;
  if (!note || !(penv.now() - at < CODE_NOTE_MAX_AGE_MS)) {
    return {
      outcome: "unknown",
      summary: t.codeNoneSeen(username),
    };
  }
  const requestIds = note.requestId ? [note.requestId] : undefined;
  const evidence = { ...note };
  if (note.problem === "invalid_code" && note.resentAt && Date.parse(note.resentAt) <= at) {
    return {
      outcome: "problem",
      summary: t.codeOlder(username, new Date(at), new Date(note.resentAt)),
      evidence,
      requestIds,
    };
  }
  if (note.problem === "challenge_expired") {
    return {
      outcome: "unknown",
      summary: t.codeExpired(username, new Date(at)),
      evidence,
      requestIds,
    };
  }
  return {
    outcome: "unknown",
    summary: t.codeRefused(username, new Date(at)),
    evidence,
    requestIds,
  };
}

// --- lockout ---------------------------------------------------------------------------------

async function lockoutFinding(t: DoctorWords, penv: ProbeEnv, username: string): Promise<ProbeFinding> {
  if (!username) return { outcome: "unknown", summary: t.noUsername };
  const profile = penv.profile.name;
  // The guard's record of the portal's last answer needs no request at all. (maxAttempts only
  // shapes attemptsLeft, which is not read here.)
  const known = await penv.guard.status(profile, username, 1);
  if (known.lockedUntil) return lockedFinding(t, penv, username, known.lockedUntil, "guard");
  const password = await penv.storedPassword(username);
  if (!password) {
    return {
      outcome: "unknown",
      summary: t.lockNoRecord(username),
      evidence: { failuresSeen: known.failures },
    };
  }
  try {
    // Behind the lockout guard, which records what the portal says and refuses a risky attempt.
    const answer = await penv.submitPassword(username, password);
    if (answer.result === "ok") {
      await penv.guard.clear(profile, username);
      const client = await penv.portal();
      await client
        .as(answer)
        .logout()
        .catch(() => undefined);
      return {
        outcome: "ok",
        summary: t.notLockedSignsIn(username),
      };
    }
    return {
      outcome: "ok",
      summary: t.notLockedCode(username),
    };
  } catch (error) {
    const requestIds = error instanceof PortalError && error.requestId ? [error.requestId] : undefined;
    if (error instanceof TryLaterError && error.code === "account_locked") {
      // The guard has recorded the lock, with a default length when the portal gave no end.
      const until = error.lockedUntil ?? (await penv.guard.status(profile, username, 1)).lockedUntil;
      if (until) return { ...lockedFinding(t, penv, username, until, "portal"), requestIds };
      return {
        outcome: "problem",
        summary: t.lockedNoEnd(username),
        requestIds,
      };
    }
    if (error instanceof TryLaterError && error.code === "lockout_guard") {
      return { outcome: "unknown", summary: t.guardSays(await errorWords(t, error)) };
    }
    if (error instanceof PortalRefusedError && error.code === "invalid_credentials") {
      return {
        outcome: "ok",
        summary: t.notLockedRefused(username),
        details: [await errorWords(t, error)],
        requestIds,
      };
    }
    if (error instanceof PortalRefusedError && error.code === "password_expired") {
      return {
        outcome: "ok",
        summary: t.notLockedExpired(username),
        requestIds,
      };
    }
    if (error instanceof PortalRefusedError && error.code === "account_disabled") {
      return {
        outcome: "unknown",
        summary: t.disabled(username),
        requestIds,
      };
    }
    throw error;
  }
}

function lockedFinding(
  t: DoctorWords,
  penv: ProbeEnv,
  username: string,
  until: Date,
  source: "guard" | "portal",
): ProbeFinding {
  const left = Math.max(0, Math.round((until.getTime() - penv.now()) / 1000));
  return {
    outcome: "problem",
    summary: t.locked(username, until, left, source === "portal"),
    evidence: { lockedUntil: until.toISOString(), secondsLeft: left, source },
  };
}

/**
 * An error's sentence in the findings' language: the errors catalog's words for a Spanish run
 * (sign-in refused, lockout guard), its own English otherwise.
 */
async function errorWords(t: DoctorWords, error: CliError): Promise<string> {
  if (t === doctorText.en) return error.message;
  const { sayError } = await import("../i18n/say-error.js");
  return sayError(error, "es")?.message ?? error.message;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function trimDot(text: string): string {
  return text.replace(/\.$/, "");
}
