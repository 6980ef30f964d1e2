// What one health probe found: its phases, the certificate, the portal's state, the sign-in. Plain
// data, shared by the probe that fills it and the evaluation and formatters that read it.
import type { CertificateInfo } from "../net/trace-connection.js";
import type { PortalStatus } from "../portal/schemas.js";
import type { HealthStateName, PhaseName } from "./thresholds.js";

export interface PhaseResult {
  name: PhaseName;
  ok: boolean;
  /** Milliseconds, to 0.01 ms. */
  ms: number;
  /** Why it failed: ENOTFOUND, CERT_HAS_EXPIRED, timeout, maintenance, invalid_credentials, ... */
  code?: string;
  /** One sentence for a person, when it failed. */
  message?: string;
  /** A short fact when it worked: the address, the portal's state, the username. */
  detail?: string;
  /** health serve: this login phase was measured by an earlier scrape (see --min-login-interval). */
  reused?: boolean;
}

export interface Reason {
  state: HealthStateName;
  text: string;
}

/** The certificate as net/ saw it, with how the handshake judged it. */
export interface CertificateReport extends CertificateInfo {
  protocol: string;
  authorized: boolean;
  authorizationError?: string;
}

export interface LoginReport {
  username: string;
  ok: boolean;
  /** When this login was made (ISO); older than the probe when reused. */
  at: string;
  reused: boolean;
}

export interface HealthResult {
  profile: string;
  url: string;
  state: HealthStateName;
  exitCode: number;
  /** One line: the reasons, worst first, or what worked. */
  summary: string;
  reasons: Reason[];
  startedAt: string;
  /** The whole probe, in ms. */
  durationMs: number;
  /** The overall deadline this probe ran under, in ms. */
  timeoutMs: number;
  phases: PhaseResult[];
  certificate?: CertificateReport;
  portal?: Pick<PortalStatus, "status" | "message" | "components" | "maintenance">;
  login?: LoginReport;
  /** Our clock minus the portal's (GET /status serverTime), in seconds; positive when ours is ahead. */
  clockSkewSeconds?: number;
}
