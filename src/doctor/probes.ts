// The doctor's live checks. Each looks at one thing (the portal's name, a connection, its
// certificate, the status page, the clock, the lock on an account, ...) and answers ok, problem or
// unknown with one sentence a member can understand. Probes that look at the same thing share one
// observation: the connection is traced once, /status is fetched once.
import type { CodeRefusal } from "../auth/code-record.js";
import type { LockoutGuard } from "../auth/lockout-guard.js";
import { CLOCK_SKEW_WARN_SECONDS } from "../clock.js";
import type { Profile } from "../config/load.js";
import { PortalError, PortalRefusedError, PortalUnavailableError, TryLaterError } from "../errors.js";
import type { ConnectionTrace } from "../net/trace-connection.js";
import type { PortalClient } from "../portal/client.js";
import type { LoginResponse, PortalStatus } from "../portal/schemas.js";
import { formatDuration, formatLocalTime } from "../ui/output.js";
import { componentNames, serviceStateWords } from "../ui/service-state.js";
import type { ProbeFinding, ProbeSet } from "./engine.js";

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
    dns: { eager: true, run: async ({ runSignal }) => dnsFinding(await connection(runSignal)) },
    tcp: { eager: true, run: async ({ runSignal }) => tcpFinding(await connection(runSignal)) },
    tls: { eager: true, run: async ({ runSignal }) => tlsFinding(await connection(runSignal)) },
    proxy: {
      eager: true,
      run: async ({ signal }) => {
        const { checkProxy, describeProxyEnv } = await import("../net/proxy-env.js");
        const description = describeProxyEnv(penv.env, url);
        if (!description.proxied) {
          const details = description.set.map((v) => `${v.name}=${v.value}`);
          return { outcome: "ok", summary: description.summary, details, evidence: { proxied: false } };
        }
        const reach = await checkProxy(penv.env, url, { timeoutMs: penv.timeoutMs, signal });
        const failed = reach && [reach.dns, reach.connect].find((p) => p && !p.ok);
        const evidence = { proxied: true, proxy: description.proxyUrl, variable: description.chosen?.name };
        if (failed && !failed.ok) {
          return {
            outcome: "problem",
            summary: `Requests go through the proxy ${description.proxyUrl} (from ${description.chosen?.name}), and it cannot be reached: ${failed.message}`,
            evidence,
          };
        }
        return {
          outcome: "ok",
          summary: `Requests go through the proxy ${description.proxyUrl} (from ${description.chosen?.name}), and it answers.`,
          evidence,
        };
      },
    },
    status: {
      eager: true,
      run: async ({ runSignal }) => statusFinding(await observeStatus(runSignal), penv),
    },
    clock: { eager: true, run: async ({ runSignal }) => clockFinding(await observeStatus(runSignal)) },
    "app-version": {
      eager: true,
      inputs: ["app-platform", "app-version"],
      run: async ({ inputs, runSignal }) => appVersionFinding(await observeStatus(runSignal), inputs),
    },
    mx: {
      eager: true,
      inputs: ["email"],
      run: async ({ inputs, signal }) => {
        const email = inputs.email ?? "";
        if (!email) return { outcome: "unknown", summary: "Not checked: no email address was given." };
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
            summary: `${domain} has mail servers, so messages can reach it.`,
            details: [`Mail servers: ${found.exchanges.slice(0, 3).join(", ")}`],
            evidence: { domain, exchanges: found.exchanges },
          };
        }
        const definite = found.code === "ENOTFOUND" || found.code === "ENODATA";
        return {
          outcome: definite ? "problem" : "unknown",
          summary: definite ? found.message : `Could not check: ${found.message}`,
          evidence: { domain, code: found.code },
        };
      },
    },
    "last-code": {
      eager: true,
      inputs: ["username"],
      run: async ({ inputs }) => lastCodeFinding(penv, inputs.username ?? ""),
    },
    lockout: {
      // A sign-in attempt counts against the account: only when the walk really gets here.
      eager: false,
      inputs: ["username"],
      run: ({ inputs }) => lockoutFinding(penv, inputs.username ?? ""),
    },
  };
}

// --- connection ------------------------------------------------------------------------------

function dnsFinding(trace: ConnectionTrace): ProbeFinding {
  if (!trace.dns.ok) {
    return {
      outcome: trace.dns.code === "ABORTED" ? "unknown" : "problem",
      summary: trace.dns.message,
      evidence: { host: trace.host, code: trace.dns.code, ms: trace.dns.ms },
    };
  }
  const addresses = trace.dns.detail.addresses;
  if (addresses.length === 1 && addresses[0] === trace.host) {
    return {
      outcome: "ok",
      summary: `${trace.host} is an address already; no name lookup is needed.`,
      evidence: { host: trace.host, addresses },
    };
  }
  return {
    outcome: "ok",
    summary: `${trace.host} resolves to ${addresses.slice(0, 3).join(", ")}${addresses.length > 3 ? ", ..." : ""}.`,
    evidence: { host: trace.host, addresses, ms: trace.dns.ms },
  };
}

function tcpFinding(trace: ConnectionTrace): ProbeFinding {
  if (!trace.connect) {
    return { outcome: "unknown", summary: `Not checked: the name ${trace.host} did not resolve.` };
  }
  if (!trace.connect.ok) {
    return {
      outcome: trace.connect.code === "ABORTED" ? "unknown" : "problem",
      summary: trace.connect.message,
      evidence: { host: trace.host, port: trace.port, code: trace.connect.code },
    };
  }
  return {
    outcome: "ok",
    summary: `A connection to ${trace.host} port ${trace.port} opens.`,
    evidence: { address: trace.connect.detail.address, port: trace.port, ms: trace.connect.ms },
  };
}

function tlsFinding(trace: ConnectionTrace): ProbeFinding {
  if (!trace.secure) {
    return {
      outcome: "unknown",
      summary: `No certificate to check: ${trace.host} is reached over plain http (allowed only on this computer).`,
    };
  }
  if (!trace.tls) {
    return { outcome: "unknown", summary: "Not checked: no connection could be opened." };
  }
  if (!trace.tls.ok) {
    return {
      outcome: trace.tls.code === "ABORTED" ? "unknown" : "problem",
      summary: trace.tls.message,
      evidence: { code: trace.tls.code },
    };
  }
  const { certificate: cert, authorized, authorizationError, authorizationMessage } = trace.tls.detail;
  const details = [
    `Issued to ${cert.subject} by ${cert.issuer}${cert.selfSigned ? " (self-signed)" : ""}`,
    `Valid ${cert.validFrom.slice(0, 10)} to ${cert.validTo.slice(0, 10)} (${cert.daysLeft} days left)`,
    `SHA-256 fingerprint ${cert.fingerprint256}`,
  ];
  const evidence = { ...cert, authorized, authorizationError, protocol: trace.tls.detail.protocol };
  if (!authorized) {
    return {
      outcome: "problem",
      summary:
        authorizationMessage ?? `The certificate of ${trace.host} is not trusted (${authorizationError}).`,
      details,
      evidence,
    };
  }
  const soon = cert.daysLeft <= CERT_SOON_DAYS ? ` It ends in ${cert.daysLeft} days.` : "";
  return {
    outcome: "ok",
    summary: `The certificate is valid, current and issued for ${trace.host}.${soon}`,
    details,
    evidence,
  };
}

// --- the status page ------------------------------------------------------------------------

function statusFinding(seen: StatusObservation, penv: ProbeEnv): ProbeFinding {
  const { status, error } = seen;
  if (!status) return statusErrorFinding(error);
  const details: string[] = [];
  const troubled = status.components.filter((c) => c.status !== "operational");
  for (const c of troubled) details.push(`${componentNames[c.name]}: ${serviceStateWords[c.status]}`);
  const now = penv.now();
  const m = status.maintenance;
  const inWindow = m ? Date.parse(m.start) <= now && now < Date.parse(m.end) : false;
  if (m) {
    const when = `${formatLocalTime(new Date(m.start))} to ${formatLocalTime(new Date(m.end))}`;
    details.push(
      `${inWindow ? "Maintenance now" : "Planned maintenance"}: ${when}${m.message ? ` (${m.message})` : ""}`,
    );
  }
  if (status.message) details.push(`The portal says: ${status.message}`);
  const login = status.components.find((c) => c.name === "login");
  const evidence = {
    status: status.status,
    components: status.components,
    maintenance: m,
    maintenanceNow: inWindow,
  };
  const requestIds = seen.requestId ? [seen.requestId] : undefined;
  if (status.status !== "operational" || (login && login.status !== "operational") || inWindow) {
    const what =
      login && login.status !== "operational"
        ? `sign-in is ${serviceStateWords[login.status]}`
        : `the portal is ${serviceStateWords[status.status]}`;
    const until = inWindow && m ? `, until ${formatLocalTime(new Date(m.end))}` : "";
    return {
      outcome: "problem",
      summary: `The portal's status page says ${what}${until}.`,
      details,
      evidence,
      requestIds,
    };
  }
  return {
    outcome: "ok",
    summary: "The portal's status page says everything is working.",
    details,
    evidence,
    requestIds,
  };
}

function statusErrorFinding(error: unknown): ProbeFinding {
  const requestIds = error instanceof PortalError && error.requestId ? [error.requestId] : undefined;
  if (error instanceof PortalUnavailableError) {
    const wait =
      error.retryAfterSeconds !== undefined
        ? ` It asks to try again in ${formatDuration(error.retryAfterSeconds)}.`
        : "";
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
      const what =
        error.reason === "maintenance"
          ? "The portal answers with a maintenance page instead of its status."
          : `The portal answers with an error (${error.status ?? "unreadable"}) instead of its status.`;
      return { outcome: "problem", summary: `${what}${wait}`, evidence, requestIds };
    }
    // DNS, connect, TLS, timeout: the network checks say more than the status page can.
    return {
      outcome: "unknown",
      summary: `Could not reach the status page: ${trimDot(error.message)}.`,
      evidence,
    };
  }
  if (error instanceof TryLaterError) {
    return {
      outcome: "unknown",
      summary: `The portal is limiting requests right now; the status could not be read.`,
      requestIds,
    };
  }
  return {
    outcome: "unknown",
    summary: `Could not read the status page: ${trimDot(errorText(error))}.`,
    requestIds,
  };
}

function clockFinding(seen: StatusObservation): ProbeFinding {
  if (!seen.status) {
    return { outcome: "unknown", summary: "Not checked: the portal's time could not be read." };
  }
  // The server stamped its time somewhere between our send and receive: take the midpoint.
  const ours = (seen.sentAt + seen.receivedAt) / 2;
  const skew = Math.round((ours - Date.parse(seen.status.serverTime)) / 1000);
  const evidence = { skewSeconds: skew, serverTime: seen.status.serverTime };
  if (Math.abs(skew) > CLOCK_SKEW_WARN_SECONDS) {
    return {
      outcome: "problem",
      summary: `This computer's clock is ${formatDuration(Math.abs(skew))} ${skew > 0 ? "ahead of" : "behind"} the portal's.`,
      evidence,
    };
  }
  return {
    outcome: "ok",
    summary: `This computer's clock agrees with the portal's (within ${Math.max(1, Math.abs(skew))} s).`,
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

function appVersionFinding(seen: StatusObservation, inputs: Readonly<Record<string, string>>): ProbeFinding {
  const platform = inputs["app-platform"] ?? "";
  const version = inputs["app-version"] ?? "";
  if (!platform || !version) {
    return { outcome: "unknown", summary: "Not checked: the phone type or app version was not given." };
  }
  if (!seen.status) {
    return { outcome: "unknown", summary: "Not checked: the portal's app requirements could not be read." };
  }
  const apps = seen.status.apps[platform as "ios" | "android"];
  const evidence = { platform, version, minimum: apps.minimum, latest: apps.latest };
  const name = platform === "ios" ? "iPhone" : "Android";
  if (compareVersions(version, apps.minimum) < 0) {
    return {
      outcome: "problem",
      summary: `App ${version} is older than ${apps.minimum}, the oldest ${name} version the portal still accepts.`,
      evidence,
      requestIds: seen.requestId ? [seen.requestId] : undefined,
    };
  }
  const behind =
    compareVersions(version, apps.latest) < 0 ? ` (${apps.latest} is the latest; updating does no harm)` : "";
  return {
    outcome: "ok",
    summary: `App ${version} is new enough for the portal${behind}.`,
    evidence,
  };
}

// --- sign-in codes --------------------------------------------------------------------------

/** Older notes describe some other sign-in, not the one the member is asking about. */
const CODE_NOTE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

async function lastCodeFinding(penv: ProbeEnv, username: string): Promise<ProbeFinding> {
  if (!username) return { outcome: "unknown", summary: "Not checked: no username was given." };
  const note = await penv.codeRefusal(username);
  const at = note ? Date.parse(note.at) : Number.NaN;
  if (!note || !(penv.now() - at < CODE_NOTE_MAX_AGE_MS)) {
    return {
      outcome: "unknown",
      summary: `rxportal has not seen a sign-in code refused for ${username} in the last day (the website's attempts are not visible here).`,
    };
  }
  const requestIds = note.requestId ? [note.requestId] : undefined;
  const evidence = { ...note };
  const when = formatLocalTime(new Date(at));
  if (note.problem === "invalid_code" && note.resentAt && Date.parse(note.resentAt) <= at) {
    return {
      outcome: "problem",
      summary: `At ${when} the portal refused a code for ${username}, after a new code had been asked for at ${formatLocalTime(new Date(note.resentAt))}: that was most likely an older code, which stops working once a new one is sent.`,
      evidence,
      requestIds,
    };
  }
  if (note.problem === "challenge_expired") {
    return {
      outcome: "unknown",
      summary: `At ${when} the portal said the sign-in for ${username} had expired: a code works for 15 minutes, and too many wrong codes end the sign-in too.`,
      evidence,
      requestIds,
    };
  }
  return {
    outcome: "unknown",
    summary: `At ${when} the portal refused a code for ${username}; no new code had been asked for, so it was mistyped, too old, or from another sign-in.`,
    evidence,
    requestIds,
  };
}

// --- lockout ---------------------------------------------------------------------------------

async function lockoutFinding(penv: ProbeEnv, username: string): Promise<ProbeFinding> {
  if (!username) return { outcome: "unknown", summary: "Not checked: no username was given." };
  const profile = penv.profile.name;
  // The guard's record of the portal's last answer needs no request at all. (maxAttempts only
  // shapes attemptsLeft, which is not read here.)
  const known = await penv.guard.status(profile, username, 1);
  if (known.lockedUntil) return lockedFinding(penv, username, known.lockedUntil, "guard");
  const password = await penv.storedPassword(username);
  if (!password) {
    return {
      outcome: "unknown",
      summary: `rxportal has no record of a lock on ${username}; only a sign-in attempt could ask the portal, and no saved password is at hand.`,
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
        summary: `${username} is not locked: signing in with the saved password works.`,
      };
    }
    return {
      outcome: "ok",
      summary: `${username} is not locked: the portal accepted the password and asked for a sign-in code (you can ignore the code it sent).`,
    };
  } catch (error) {
    const requestIds = error instanceof PortalError && error.requestId ? [error.requestId] : undefined;
    if (error instanceof TryLaterError && error.code === "account_locked") {
      // The guard has recorded the lock, with a default length when the portal gave no end.
      const until = error.lockedUntil ?? (await penv.guard.status(profile, username, 1)).lockedUntil;
      if (until) return { ...lockedFinding(penv, username, until, "portal"), requestIds };
      return {
        outcome: "problem",
        summary: `${username} is locked; the portal did not say until when.`,
        requestIds,
      };
    }
    if (error instanceof TryLaterError && error.code === "lockout_guard") {
      return { outcome: "unknown", summary: `Not checked with the portal: ${error.message}` };
    }
    if (error instanceof PortalRefusedError && error.code === "invalid_credentials") {
      return {
        outcome: "ok",
        summary: `${username} is not locked, but the saved password was refused.`,
        details: [error.message],
        requestIds,
      };
    }
    if (error instanceof PortalRefusedError && error.code === "password_expired") {
      return {
        outcome: "ok",
        summary: `${username} is not locked, but its password has expired and must be reset.`,
        requestIds,
      };
    }
    if (error instanceof PortalRefusedError && error.code === "account_disabled") {
      return {
        outcome: "unknown",
        summary: `${username} is disabled, not locked; only support can enable it.`,
        requestIds,
      };
    }
    throw error;
  }
}

function lockedFinding(
  penv: ProbeEnv,
  username: string,
  until: Date,
  source: "guard" | "portal",
): ProbeFinding {
  const left = Math.max(0, Math.round((until.getTime() - penv.now()) / 1000));
  const from =
    source === "portal" ? "the portal says so" : "the portal said so at rxportal's last sign-in attempt";
  return {
    outcome: "problem",
    summary: `${username} is locked until ${formatLocalTime(until)} (${formatDuration(left)} from now); ${from}.`,
    evidence: { lockedUntil: until.toISOString(), secondsLeft: left, source },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function trimDot(text: string): string {
  return text.replace(/\.$/, "");
}
