// One health probe of one portal profile: the network phases (src/net), GET /status, and with
// --login a sign-in, GET /me and a logout, each timed, all inside one overall deadline. The probe
// never throws for anything the portal or the network does: that becomes a failed phase and a
// state. Only Ctrl-C (InterruptedError) and bugs escape.
import type { Profile } from "../config/load.js";
import { CliError, InterruptedError, PortalError, PortalUnavailableError } from "../errors.js";
import { traceConnection } from "../net/trace-connection.js";
import { PortalClient } from "../portal/client.js";
import { evaluate } from "./evaluate.js";
import type { CertificateReport, HealthResult, LoginReport, PhaseResult, Reason } from "./result.js";
import { HealthState, type HealthStateName, type PhaseName, type Thresholds } from "./thresholds.js";

export type { CertificateReport, HealthResult, LoginReport, PhaseResult, Reason } from "./result.js";

/** What a login step reports back: its phases (login, me, logout) and who signed in. */
export interface LoginOutcome {
  phases: PhaseResult[];
  login: LoginReport;
}

/** Signs in with `client`, reads /me and signs out. health serve wraps it to reuse recent results. */
export type LoginStep = (client: PortalClient) => Promise<LoginOutcome>;

export interface ProbeInput {
  profile: Profile;
  fetch: typeof globalThis.fetch;
  /** The overall deadline, every phase included. */
  timeoutMs: number;
  thresholds: Thresholds;
  /** Ctrl-C. */
  signal: AbortSignal;
  now: () => number;
  login?: LoginStep;
  trace?: (line: string) => void;
}

export const round2 = (ms: number) => Math.round(ms * 100) / 100;

/** Times `work` as one phase; portal errors become a failed phase, Ctrl-C and bugs propagate. */
export async function timePhase(
  name: PhaseName,
  work: () => Promise<string | undefined>,
): Promise<PhaseResult> {
  const started = performance.now();
  try {
    const detail = await work();
    return { name, ok: true, ms: round2(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    if (!(error instanceof CliError)) throw error;
    const code = error instanceof PortalError ? error.code : ((error as { code?: string }).code ?? "error");
    return { name, ok: false, ms: round2(performance.now() - started), code, message: error.message };
  }
}

export async function probeProfile(input: ProbeInput): Promise<HealthResult> {
  const { profile, timeoutMs } = input;
  const started = performance.now();
  const startedAt = new Date(input.now()).toISOString();
  // One deadline for everything: a portal that accepts the connection and never answers must not
  // hold a monitor past --timeout. The client throws this reason when the deadline aborts a call.
  const deadline = new AbortController();
  const timeout = new PortalUnavailableError(`The portal did not finish answering within ${timeoutMs} ms.`, {
    reason: "timeout",
    code: "timeout",
  });
  const timer = setTimeout(() => deadline.abort(timeout), timeoutMs);
  const onInterrupt = () => deadline.abort(new InterruptedError());
  if (input.signal.aborted) onInterrupt();
  else input.signal.addEventListener("abort", onInterrupt, { once: true });

  const phases: PhaseResult[] = [];
  let certificate: CertificateReport | undefined;
  let portal: HealthResult["portal"];
  let login: LoginReport | undefined;
  let clockSkewSeconds: number | undefined;
  try {
    const net = await traceConnection(profile.baseUrl, {
      timeoutMs,
      signal: deadline.signal,
      now: input.now,
    });
    const timedOut = () => deadline.signal.reason === timeout;
    const netPhase = (
      name: PhaseName,
      phase: { ok: true; ms: number } | { ok: false; ms: number; code: string; message: string },
      detail?: string,
    ): boolean => {
      if (phase.ok) {
        phases.push({ name, ok: true, ms: phase.ms, ...(detail ? { detail } : {}) });
        return true;
      }
      const code = phase.code === "ABORTED" && timedOut() ? "ETIMEDOUT" : phase.code;
      phases.push({
        name,
        ok: false,
        ms: phase.ms,
        code,
        message: code === phase.code ? phase.message : timeout.message,
      });
      return false;
    };
    let reachable = netPhase("dns", net.dns, net.dns.ok ? net.dns.detail.addresses.join(" ") : undefined);
    if (reachable && net.connect) {
      reachable = netPhase(
        "connect",
        net.connect,
        net.connect.ok ? `${net.connect.detail.address}:${net.port}` : undefined,
      );
    }
    if (reachable && net.tls) {
      if (net.tls.ok) {
        const tls = net.tls.detail;
        certificate = {
          ...tls.certificate,
          protocol: tls.protocol,
          authorized: tls.authorized,
          ...(tls.authorizationError ? { authorizationError: tls.authorizationError } : {}),
        };
        if (tls.authorized) {
          phases.push({
            name: "tls",
            ok: true,
            ms: net.tls.ms,
            detail: `${tls.protocol}, ${tls.certificate.daysLeft} days left`,
          });
        } else {
          // The portal client would refuse this certificate, and so would members' browsers.
          phases.push({
            name: "tls",
            ok: false,
            ms: net.tls.ms,
            code: tls.authorizationError ?? "UNTRUSTED",
            message: tls.authorizationMessage ?? "The portal's certificate is not trusted.",
          });
          reachable = false;
        }
      } else {
        reachable = netPhase("tls", net.tls);
      }
    }
    if (input.signal.aborted) throw new InterruptedError();

    if (reachable) {
      const client = new PortalClient({
        baseUrl: profile.baseUrl,
        fetch: input.fetch,
        timeoutMs,
        paths: profile.paths,
        trace: input.trace,
        signal: deadline.signal,
        // A monitor wants the first answer as it is: a retry would hide a flaky portal, and a
        // failed sign-in is never repeated (lockout).
        maxRetries: 0,
        userAgent: "rxportal-health",
      });
      const status = await timePhase("status", async () => {
        const data = await client.getStatus();
        // Sign-in codes (TOTP) and session expiry go wrong when the clocks disagree by minutes.
        const served = Date.parse(data.serverTime);
        if (Number.isFinite(served)) clockSkewSeconds = Math.round(input.now() - served) / 1000;
        portal = {
          status: data.status,
          components: data.components,
          ...(data.message !== undefined ? { message: data.message } : {}),
          ...(data.maintenance ? { maintenance: data.maintenance } : {}),
        };
        return data.status;
      });
      phases.push(status);
      const down = portal?.status === "maintenance" || portal?.status === "outage";
      if (status.ok && !down && input.login) {
        const outcome = await input.login(client);
        phases.push(...outcome.phases);
        login = outcome.login;
      }
    }
  } finally {
    clearTimeout(timer);
    input.signal.removeEventListener("abort", onInterrupt);
  }
  if (input.signal.aborted) throw new InterruptedError();

  const durationMs = round2(performance.now() - started);
  const reasons = evaluate({
    phases,
    certificate,
    portal,
    durationMs,
    thresholds: input.thresholds,
    login: input.login !== undefined,
  });
  const state = reasons.reduce<HealthStateName>(
    (acc, r) => (HealthState[r.state] > 0 && rank(r.state) > rank(acc) ? r.state : acc),
    "OK",
  );
  return {
    profile: profile.name,
    url: profile.baseUrl,
    state,
    exitCode: HealthState[state],
    summary: summarize(state, reasons, phases, portal, durationMs),
    reasons,
    startedAt,
    durationMs,
    timeoutMs,
    phases,
    ...(certificate ? { certificate } : {}),
    ...(portal ? { portal } : {}),
    ...(login ? { login } : {}),
    ...(clockSkewSeconds !== undefined ? { clockSkewSeconds } : {}),
  };
}

function rank(state: HealthStateName): number {
  return { OK: 0, WARNING: 1, UNKNOWN: 2, CRITICAL: 3 }[state];
}

function summarize(
  state: HealthStateName,
  reasons: Reason[],
  phases: PhaseResult[],
  portal: HealthResult["portal"],
  durationMs: number,
): string {
  if (reasons.length > 0) {
    return [...reasons]
      .sort((a, b) => rank(b.state) - rank(a.state))
      .map((r) => r.text)
      .join("; ");
  }
  // An OIDC profile's --login signs in with its token phase (src/health/oidc-login.ts).
  const signedIn = phases.some((p) => (p.name === "login" || p.name === "token") && p.ok);
  const what = signedIn ? "sign-in works" : `portal ${portal?.status ?? "answers"}`;
  return `${what} (${state === "OK" ? "all phases ok" : state}, ${Math.round(durationMs)} ms)`;
}
