// From measurements to reasons: every way a probe can fall short of OK, with its state. The
// probe's state is the worst of them.
//
// What a member can do decides the state: a portal they cannot sign in to (any failed phase up to
// /me, a certificate browsers refuse, maintenance, an outage, the sign-in component down) is
// CRITICAL; a portal that works but is slow, degraded, partly down, about to lose its certificate,
// or did not end the session is WARNING.
import type { CertificateReport, HealthResult, PhaseResult, Reason } from "./result.js";
import type { Thresholds } from "./thresholds.js";

export interface EvaluateInput {
  phases: PhaseResult[];
  certificate?: CertificateReport;
  portal?: HealthResult["portal"];
  durationMs: number;
  thresholds: Thresholds;
  /** --login was asked for. */
  login: boolean;
}

const PHASE_WORDS: Record<string, string> = {
  dns: "DNS",
  connect: "connect",
  tls: "TLS",
  status: "status",
  login: "sign-in",
  me: "/me",
  logout: "sign-out",
};

const COMPONENT_WORDS: Record<string, string> = {
  login: "sign-in",
  password_reset: "password reset",
  refills: "refills",
  orders: "orders",
  id_card: "ID card",
  mobile_app: "mobile app",
};

export function evaluate(input: EvaluateInput): Reason[] {
  const reasons: Reason[] = [];
  const { thresholds } = input;
  for (const phase of input.phases) {
    const words = PHASE_WORDS[phase.name] ?? phase.name;
    if (!phase.ok) {
      // Signing out failing leaves a session open on the portal, but members can still sign in.
      reasons.push({
        state: phase.name === "logout" ? "WARNING" : "CRITICAL",
        text: `${words} failed: ${phase.message ?? phase.code}`,
      });
      continue;
    }
    const crit = thresholds.critMs[phase.name];
    const warn = thresholds.warnMs[phase.name];
    if (crit !== undefined && phase.ms > crit) {
      reasons.push({
        state: "CRITICAL",
        text: `${words} took ${Math.round(phase.ms)} ms (critical above ${crit} ms)`,
      });
    } else if (warn !== undefined && phase.ms > warn) {
      reasons.push({
        state: "WARNING",
        text: `${words} took ${Math.round(phase.ms)} ms (warning above ${warn} ms)`,
      });
    }
  }

  const failed = input.phases.some((p) => !p.ok);
  const critTotal = thresholds.critMs.total;
  const warnTotal = thresholds.warnMs.total;
  // A probe that failed already says why; its time would only repeat it.
  if (!failed && critTotal !== undefined && input.durationMs > critTotal) {
    reasons.push({
      state: "CRITICAL",
      text: `the probe took ${Math.round(input.durationMs)} ms (critical above ${critTotal} ms)`,
    });
  } else if (!failed && warnTotal !== undefined && input.durationMs > warnTotal) {
    reasons.push({
      state: "WARNING",
      text: `the probe took ${Math.round(input.durationMs)} ms (warning above ${warnTotal} ms)`,
    });
  }

  const cert = input.certificate;
  if (cert?.authorized) {
    const when = `${cert.daysLeft} day${Math.abs(cert.daysLeft) === 1 ? "" : "s"} (${cert.validTo.slice(0, 10)})`;
    if (cert.daysLeft < thresholds.certCritDays) {
      reasons.push({ state: "CRITICAL", text: `the certificate expires in ${when}` });
    } else if (cert.daysLeft < thresholds.certWarnDays) {
      reasons.push({ state: "WARNING", text: `the certificate expires in ${when}` });
    }
  }

  const portal = input.portal;
  if (portal) {
    if (portal.status === "maintenance" || portal.status === "outage") {
      const until = portal.maintenance ? ` until ${portal.maintenance.end}` : "";
      reasons.push({
        state: "CRITICAL",
        text:
          portal.status === "maintenance"
            ? `the portal is in maintenance${until}`
            : "the portal reports an outage",
      });
    } else {
      if (portal.status === "degraded")
        reasons.push({ state: "WARNING", text: "the portal reports degraded service" });
      for (const component of portal.components) {
        const name = COMPONENT_WORDS[component.name] ?? component.name;
        const down = component.status === "maintenance" || component.status === "outage";
        if (component.name === "login" && down) {
          reasons.push({ state: "CRITICAL", text: `the portal reports ${name} in ${component.status}` });
        } else if (component.name === "login" && component.status === "degraded") {
          reasons.push({ state: "WARNING", text: `the portal reports ${name} degraded` });
        } else if (down) {
          reasons.push({ state: "WARNING", text: `the portal reports ${name} in ${component.status}` });
        }
      }
    }
  }
  return reasons;
}
