// The doctor's checks of an `auth: {type: oidc}` profile's sign-in provider: its discovery
// document answers and names the configured issuer (as `rxportal login` compares them), its
// signing keys (JWKS) can be read and are not empty, its clock agrees with this computer's within
// the ID-token tolerance (the Date header of its answers, and the iat of a kept token), and its
// certificate (the doctor's own TLS check, against the issuer's host).
//
// One observation serves the first four: discovery and the JWKS are fetched once, through
// src/auth/oidc/provider.ts (the same discovery client `login` uses) over a fetch that notes each
// answer's status, Date header and times. oauth4webapi, jose and src/auth/oidc load only here, and
// only when a probe runs on an OIDC profile: the imports below are types, the rest is lazy (through
// src/auth/oidc, so the bundle splits them as it did before).
import type { OidcDeps, OidcProvider } from "../auth/oidc/provider.js";
import type { OidcSettings, Profile } from "../config/load.js";
import type { DoctorWords } from "../i18n/messages/doctor.js";
import type { ConnectionTrace } from "../net/trace-connection.js";
import type { ProbeFinding, ProbeSpec } from "./engine.js";

/** What the OIDC checks need from the run, beyond the ProbeEnv. */
export interface OidcProbeDeps {
  /** Ctrl-C. */
  signal: AbortSignal;
  /** Tests inject a fetch; otherwise rxportal's transport (proxy variables, NODE_EXTRA_CA_CERTS). */
  fetch?: typeof globalThis.fetch;
  cleanups: (() => Promise<void> | void)[];
  /** The run ends with the process (AppContext.endsWithProcess). */
  endsWithProcess?: boolean;
  trace?: (line: string) => void;
  /** The access token kept for this profile's member, if any: its iat is the provider's clock too. */
  keptToken?(): Promise<string | undefined>;
}

export interface OidcProbeEnv {
  profile: Profile;
  env: Record<string, string | undefined>;
  now(): number;
  timeoutMs: number;
  oidc?: OidcProbeDeps;
}

/** One answer of the provider, as this computer saw it. */
export interface ProviderAnswer {
  url: string;
  status: number;
  /** This computer's clock when the request left and when the answer came (ms). */
  sentAt: number;
  receivedAt: number;
  /** The answer's Date header, as sent. */
  date?: string;
}

interface ProviderObservation {
  answers: ProviderAnswer[];
  /** The discovery document as the provider sent it, when it was JSON. */
  document?: Record<string, unknown>;
  provider?: OidcProvider;
  discoveryError?: unknown;
  jwks?: { keys: unknown[] };
  jwksError?: unknown;
  /** iat of the kept access token, when there is one and it is a JWT, and when we read it. */
  tokenIat?: number;
  tokenAt: number;
  /** The ID-token clock tolerance of src/auth/oidc/id-token.ts, in seconds. */
  tolerance: number;
}

type OidcProbeName = "oidc-discovery" | "oidc-issuer" | "oidc-jwks" | "oidc-clock" | "oidc-tls";

export function createOidcProbes(
  penv: OidcProbeEnv,
  t: DoctorWords,
  tls: (trace: ConnectionTrace) => ProbeFinding,
): Record<OidcProbeName, ProbeSpec> {
  const settings = penv.profile.auth?.type === "oidc" ? penv.profile.auth : undefined;
  const applies = settings !== undefined && penv.oidc !== undefined;
  let seen: Promise<ProviderObservation> | undefined;
  const observe = (signal: AbortSignal) => {
    if (!settings || !penv.oidc) throw new Error("doctor: an OIDC probe ran on a profile without OIDC");
    seen ??= observeProvider(penv, settings, penv.oidc, signal);
    return seen;
  };
  const notOidc = async (): Promise<ProbeFinding> => ({ outcome: "unknown", summary: t.oidcNotOidc });
  const spec = (
    run: (o: ProviderObservation, s: OidcSettings) => ProbeFinding | Promise<ProbeFinding>,
  ): ProbeSpec => ({
    eager: true,
    applies,
    run: async ({ runSignal }) => (settings ? run(await observe(runSignal), settings) : notOidc()),
  });
  return {
    "oidc-discovery": spec((o, s) => discoveryFinding(t, o, s)),
    "oidc-issuer": spec((o, s) => issuerFinding(t, o, s)),
    "oidc-jwks": spec((o) => jwksFinding(t, o)),
    "oidc-clock": spec((o) => clockFinding(t, o)),
    "oidc-tls": {
      eager: true,
      applies,
      run: async ({ runSignal }) => {
        if (!settings) return notOidc();
        const { traceConnection } = await import("../net/trace-connection.js");
        return tls(
          await traceConnection(settings.issuer, {
            timeoutMs: penv.timeoutMs,
            now: penv.now,
            signal: runSignal,
          }),
        );
      },
    },
  };
}

// --- the observation ---------------------------------------------------------------------------

/** Wraps a fetch so that every answer's status, Date header and times are noted. */
function noting(
  fetch: typeof globalThis.fetch,
  now: () => number,
  answers: ProviderAnswer[],
  bodies: Map<string, string>,
): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const sentAt = now();
    const answer = (await fetch(input, init)) as unknown as {
      status: number;
      ok?: boolean;
      headers: { get(name: string): string | null };
      text(): Promise<string>;
    };
    const receivedAt = now();
    answers.push({
      url,
      status: answer.status,
      sentAt,
      receivedAt,
      date: answer.headers.get("date") ?? undefined,
    });
    // The provider module reads bodies with text() (its transport) or json() (a Response):
    // hand it one with the body kept here too.
    const text = await answer.text();
    bodies.set(url, text);
    const empty = answer.status === 204 || answer.status === 304;
    const headers = new Headers();
    for (const name of ["content-type", "date", "cache-control", "www-authenticate", "retry-after"]) {
      const value = answer.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    return new Response(empty ? null : text, { status: answer.status, headers });
  }) as typeof globalThis.fetch;
}

async function observeProvider(
  penv: OidcProbeEnv,
  settings: OidcSettings,
  deps: OidcProbeDeps,
  runSignal: AbortSignal,
): Promise<ProviderObservation> {
  const [{ OidcProvider }, { ID_TOKEN_TOLERANCE_SECONDS }] = await Promise.all([
    import("../auth/oidc/provider.js"),
    import("../auth/oidc/id-token.js"),
  ]);
  const answers: ProviderAnswer[] = [];
  const bodies = new Map<string, string>();
  const base =
    deps.fetch ??
    ((await import("../portal/transport.js")).portalTransport(
      { env: penv.env, cleanups: deps.cleanups, endsWithProcess: deps.endsWithProcess },
      penv.timeoutMs,
    ) as unknown as typeof globalThis.fetch);
  const oidcDeps: OidcDeps = {
    clock: { now: penv.now },
    signal: AbortSignal.any([deps.signal, runSignal]),
    fetchOverride: noting(base, penv.now, answers, bodies),
    env: penv.env,
    cleanups: deps.cleanups,
    trace: deps.trace,
  };
  const seen: ProviderObservation = { answers, tolerance: ID_TOKEN_TOLERANCE_SECONDS, tokenAt: 0 };
  try {
    seen.provider = await OidcProvider.discover(oidcDeps, settings);
  } catch (error) {
    seen.discoveryError = error;
  }
  const discovery = answers.find((a) => a.url.includes("/.well-known/"));
  if (discovery) seen.document = jsonObject(bodies.get(discovery.url));
  if (seen.provider) {
    try {
      seen.jwks = await seen.provider.keys(true);
    } catch (error) {
      seen.jwksError = error;
    }
  }
  seen.tokenIat = await deps
    .keptToken?.()
    .then((token) => (token ? iatOf(token) : undefined))
    .catch(() => undefined);
  seen.tokenAt = penv.now();
  return seen;
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The iat of a JWT, unverified: only a clock reading, never trusted for anything else. Read by
 * hand (base64url JSON), so that this path adds no chunk of its own to the bundle's OIDC code.
 */
export function iatOf(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const { iat } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { iat?: unknown };
    return typeof iat === "number" && Number.isFinite(iat) ? iat : undefined;
  } catch {
    return undefined;
  }
}

// --- findings ----------------------------------------------------------------------------------

function hostOf(settings: OidcSettings): string {
  try {
    return new URL(settings.issuer).host;
  } catch {
    return settings.issuer;
  }
}

/** The network code somewhere in an error's cause chain (ECONNREFUSED, CERT_HAS_EXPIRED, ...). */
function netCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      /^(E[A-Z]+|ERR_(SSL|TLS)\w*|\w*CERT\w*|UNABLE_TO_\w+|UND_ERR_\w+)$/.test(code)
    )
      return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

async function whyNot(
  t: DoctorWords,
  host: string,
  error: unknown,
  answer: ProviderAnswer | undefined,
): Promise<string> {
  const code = netCode(error);
  if (code) {
    const { describeNetProblem } = await import("../net/trace-connection.js");
    return t.netProblem(code, host, describeNetProblem(code, host));
  }
  if (answer && answer.status !== 200) return t.oidcHttpStatus(host, answer.status);
  if (answer) return t.oidcUnreadable(host);
  return error instanceof Error ? error.message : String(error);
}

function aborted(error: unknown): boolean {
  return error instanceof Error && (error.name === "InterruptedError" || error.name === "AbortError");
}

/** Whether the provider's `issuer` is the configured one, as oauth4webapi compares them (as URLs). */
export function sameIssuer(found: string, configured: string): boolean {
  try {
    return new URL(found).href === new URL(configured).href;
  } catch {
    return found === configured;
  }
}

async function discoveryFinding(
  t: DoctorWords,
  seen: ProviderObservation,
  settings: OidcSettings,
): Promise<ProbeFinding> {
  const host = hostOf(settings);
  const doc = seen.document;
  const answer = seen.answers.find((a) => a.url.includes("/.well-known/"));
  const evidence: Record<string, unknown> = { issuer: settings.issuer, status: answer?.status };
  if (!doc || answer?.status !== 200) {
    if (aborted(seen.discoveryError)) return { outcome: "unknown", summary: t.oidcNotRead };
    const why = await whyNot(t, host, seen.discoveryError, answer);
    const code = netCode(seen.discoveryError);
    return { outcome: "problem", summary: t.oidcDown(host, why), evidence: { ...evidence, code } };
  }
  // Read, but not usable as a provider's description (other than naming another issuer, which
  // is the issuer check's finding): login would stop here too.
  const mismatch = typeof doc.issuer === "string" && !sameIssuer(doc.issuer, settings.issuer);
  if (seen.discoveryError && !mismatch && !aborted(seen.discoveryError)) {
    return { outcome: "problem", summary: t.oidcDown(host, t.oidcUnreadable(host)), evidence };
  }
  const device = typeof doc.device_authorization_endpoint === "string";
  const web = typeof doc.authorization_endpoint === "string";
  const details = [t.oidcFlows(device, web)];
  Object.assign(evidence, {
    deviceFlow: device,
    webFlow: web,
    revocation: typeof doc.revocation_endpoint === "string",
    jwksUri: doc.jwks_uri,
  });
  if (!device && !web) return { outcome: "problem", summary: t.oidcNoFlow(host), details, evidence };
  return { outcome: "ok", summary: t.oidcAnswers(host), details, evidence };
}

function issuerFinding(t: DoctorWords, seen: ProviderObservation, settings: OidcSettings): ProbeFinding {
  const doc = seen.document;
  if (!doc) return { outcome: "unknown", summary: t.oidcNotRead };
  const found = doc.issuer;
  if (typeof found !== "string")
    return { outcome: "problem", summary: t.oidcIssuerMissing, evidence: { configured: settings.issuer } };
  const evidence = { configured: settings.issuer, found };
  if (!sameIssuer(found, settings.issuer))
    return { outcome: "problem", summary: t.oidcIssuerMismatch(found, settings.issuer), evidence };
  return { outcome: "ok", summary: t.oidcIssuerOk(found), evidence };
}

async function jwksFinding(t: DoctorWords, seen: ProviderObservation): Promise<ProbeFinding> {
  if (!seen.provider) return { outcome: "unknown", summary: t.oidcNotRead };
  const uri = seen.provider.as.jwks_uri;
  if (!uri) return { outcome: "problem", summary: t.oidcJwksNoUri };
  if (seen.jwks) {
    const keys = seen.jwks.keys.length;
    return keys === 0
      ? { outcome: "problem", summary: t.oidcJwksEmpty, evidence: { jwksUri: uri, keys } }
      : { outcome: "ok", summary: t.oidcJwksOk(keys), evidence: { jwksUri: uri, keys } };
  }
  if (aborted(seen.jwksError)) return { outcome: "unknown", summary: t.oidcNotRead };
  const answer = seen.answers.findLast((a) => a.url === uri);
  let host = uri;
  try {
    host = new URL(uri).host;
  } catch {}
  const why = await whyNot(t, host, seen.jwksError, answer);
  return {
    outcome: "problem",
    summary: t.oidcJwksDown(why),
    evidence: { jwksUri: uri, status: answer?.status, code: netCode(seen.jwksError) },
  };
}

/**
 * Where the provider's clock stands against this computer's, from its answers' Date headers: a
 * range in milliseconds (provider minus ours) that certainly holds the truth. A Date header was
 * written between our send and receive, in whole seconds (so up to a second later than it says).
 */
export function providerOffset(
  answers: readonly Pick<ProviderAnswer, "sentAt" | "receivedAt" | "date">[],
): { low: number; high: number } | undefined {
  let low = Number.NEGATIVE_INFINITY;
  let high = Number.POSITIVE_INFINITY;
  let any = false;
  for (const a of answers) {
    const date = a.date === undefined ? Number.NaN : Date.parse(a.date);
    if (!Number.isFinite(date)) continue;
    any = true;
    low = Math.max(low, date - a.receivedAt);
    high = Math.min(high, date + 1000 - a.sentAt);
  }
  if (!any) return undefined;
  // Readings that contradict each other (a clock that jumped): the widest honest range.
  if (low > high) [low, high] = [high, low];
  return { low, high };
}

/**
 * The verdict on a provider's clock: beyond the tolerance only when the whole range is, so a
 * slow answer never makes a good clock look wrong. `skew` is ours minus the provider's, in
 * seconds; `within` bounds the difference when it is ok.
 */
export function judgeClock(
  range: { low: number; high: number },
  toleranceSeconds: number,
): { outcome: "ok" | "problem"; skew: number; within: number } {
  const tolerance = toleranceSeconds * 1000;
  const skew = Math.round(-(range.low + range.high) / 2 / 1000);
  if (range.low > tolerance || range.high < -tolerance) return { outcome: "problem", skew, within: 0 };
  const worst = Math.max(Math.abs(range.low), Math.abs(range.high));
  return { outcome: "ok", skew, within: Math.max(1, Math.ceil(Math.min(worst, tolerance) / 1000)) };
}

/**
 * A token's iat was written at or before the provider's present, and we read it later still: the
 * provider is ahead of us by at least iat - now. Seconds this computer is behind by, when that
 * is certainly beyond the tolerance.
 */
export function tokenBehind(iat: number, now: number, toleranceSeconds: number): number | undefined {
  const ahead = iat * 1000 - now;
  return ahead > toleranceSeconds * 1000 ? Math.round(ahead / 1000) : undefined;
}

function clockFinding(t: DoctorWords, seen: ProviderObservation): ProbeFinding {
  const range = providerOffset(seen.answers);
  const behind =
    seen.tokenIat === undefined ? undefined : tokenBehind(seen.tokenIat, seen.tokenAt, seen.tolerance);
  if (!range && behind === undefined) return { outcome: "unknown", summary: t.oidcClockUnknown };
  const verdict = range ? judgeClock(range, seen.tolerance) : undefined;
  const evidence: Record<string, unknown> = {
    skewSeconds: verdict?.skew,
    toleranceSeconds: seen.tolerance,
    providerDate: seen.answers.find((a) => a.date)?.date,
    tokenIat: seen.tokenIat,
  };
  if (verdict?.outcome === "problem") {
    const seconds = Math.abs(verdict.skew);
    return {
      outcome: "problem",
      summary:
        verdict.skew > 0
          ? t.oidcClockAhead(seconds, seen.tolerance)
          : t.oidcClockBehind(seconds, seen.tolerance),
      details: behind === undefined ? [] : [t.oidcClockFromToken(behind)],
      evidence,
    };
  }
  // The Date header agrees (or was not seen), but a kept token was stamped in our future: a
  // provider node whose clock is off, or this computer's clock set back since.
  if (behind !== undefined) {
    return {
      outcome: "problem",
      summary: t.oidcClockBehind(behind, seen.tolerance),
      details: [t.oidcClockFromToken(behind)],
      evidence: { ...evidence, tokenSkewSeconds: -behind },
    };
  }
  return {
    outcome: "ok",
    summary: t.oidcClockOk(verdict?.within ?? 1, seen.tolerance),
    evidence,
  };
}
