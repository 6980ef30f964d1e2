// /probe's exposition: one probe of one target, named as blackbox_exporter names what both
// exporters measure (probe_success, probe_duration_seconds, probe_dns_lookup_time_seconds,
// probe_ssl_earliest_cert_expiry, probe_tls_version_info) and, for what only rxportal measures,
// probe_rxportal_* after blackbox's per-prober prefixes (probe_http_duration_seconds{phase} there,
// probe_rxportal_duration_seconds{phase} here). No target label: Prometheus adds `instance` (and
// whatever relabel_configs give) to every series of the scrape, as with blackbox_exporter.
import { type Family, family, renderFamilies } from "./exposition.js";
import type { HealthResult } from "./result.js";
import { HealthState } from "./thresholds.js";

export const PROBE_MODULES = ["status", "login"] as const;
export type ProbeModule = (typeof PROBE_MODULES)[number];

/**
 * probe_success: the portal works as a member needs it. Every phase tried worked and nothing
 * made the state CRITICAL (maintenance, outage, an untrusted certificate, --crit-ms); WARNING
 * still counts as success, as a slow but working answer does for blackbox_exporter.
 */
export function probeSucceeded(result: HealthResult): boolean {
  return result.phases.length > 0 && result.phases.every((p) => p.ok) && result.state !== "CRITICAL";
}

export function formatProbe(result: HealthResult, module: ProbeModule): string {
  const success = family(
    "probe_success",
    "gauge",
    "1 when every phase tried worked and the state is OK or WARNING; 0 when a phase failed or the state is CRITICAL (maintenance, outage, bad certificate).",
  );
  const duration = family("probe_duration_seconds", "gauge", "How long the whole probe took, in seconds.");
  const phaseDuration = family(
    "probe_rxportal_duration_seconds",
    "gauge",
    "Duration of each phase in seconds: dns, connect, tls, status, and with module login also login, me, logout.",
  );
  const phaseSuccess = family(
    "probe_rxportal_phase_success",
    "gauge",
    "1 when the phase worked, 0 when it failed.",
  );
  const dns = family(
    "probe_dns_lookup_time_seconds",
    "gauge",
    "How long resolving the portal's host took, in seconds.",
  );
  const certExpiry = family(
    "probe_ssl_earliest_cert_expiry",
    "gauge",
    "When the portal's TLS certificate expires, as a Unix timestamp.",
  );
  const tlsVersion = family("probe_tls_version_info", "gauge", "The TLS version the portal negotiated.");
  const certTrusted = family(
    "probe_rxportal_cert_trusted",
    "gauge",
    "1 when the portal's certificate is trusted and names its host, 0 otherwise.",
  );
  const state = family(
    "probe_rxportal_state",
    "gauge",
    "The monitoring-plugin state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
  );
  const portalStatus = family(
    "probe_rxportal_portal_status",
    "gauge",
    "The portal's own status from GET /status: 1 for the state it reports, 0 for the others.",
  );
  const componentUp = family(
    "probe_rxportal_component_up",
    "gauge",
    "1 when the portal reports the component operational or degraded, 0 in maintenance or outage.",
  );
  const loginSuccess = family(
    "probe_rxportal_login_success",
    "gauge",
    "1 when the last sign-in of the monitoring account worked, 0 when it failed.",
  );
  const loginAge = family(
    "probe_rxportal_login_age_seconds",
    "gauge",
    "Seconds since that sign-in was made (sign-ins are reused for --min-login-interval).",
  );
  const skew = family(
    "probe_rxportal_clock_skew_seconds",
    "gauge",
    "The exporter's clock minus the portal's (GET /status serverTime), in seconds.",
  );
  const timeout = family(
    "probe_rxportal_timeout_seconds",
    "gauge",
    "The deadline this probe ran under: the profile's timeout, or less to fit the scrape timeout.",
  );

  success.samples.push({ labels: {}, value: probeSucceeded(result) ? 1 : 0 });
  duration.samples.push({ labels: {}, value: result.durationMs / 1000 });
  state.samples.push({ labels: {}, value: HealthState[result.state] });
  timeout.samples.push({ labels: {}, value: result.timeoutMs / 1000 });
  for (const phase of result.phases) {
    phaseDuration.samples.push({ labels: { phase: phase.name }, value: phase.ms / 1000 });
    phaseSuccess.samples.push({ labels: { phase: phase.name }, value: phase.ok ? 1 : 0 });
    if (phase.name === "dns") dns.samples.push({ labels: {}, value: phase.ms / 1000 });
  }
  if (result.certificate) {
    certExpiry.samples.push({ labels: {}, value: Math.floor(Date.parse(result.certificate.validTo) / 1000) });
    tlsVersion.samples.push({ labels: { version: tlsVersionName(result.certificate.protocol) }, value: 1 });
    certTrusted.samples.push({ labels: {}, value: result.certificate.authorized ? 1 : 0 });
  }
  if (result.portal) {
    for (const s of ["operational", "degraded", "maintenance", "outage"] as const) {
      portalStatus.samples.push({ labels: { status: s }, value: result.portal.status === s ? 1 : 0 });
    }
    for (const c of result.portal.components) {
      componentUp.samples.push({
        labels: { component: c.name },
        value: c.status === "operational" || c.status === "degraded" ? 1 : 0,
      });
    }
  }
  if (module === "login") {
    // A login probe that never reached the sign-in (portal down) still says so: 0, not nothing,
    // so "sign-in down" alerts do not go quiet exactly when the portal is down.
    loginSuccess.samples.push({ labels: {}, value: result.login?.ok ? 1 : 0 });
    if (result.login) {
      loginAge.samples.push({
        labels: {},
        value: Math.max(0, (Date.parse(result.startedAt) - Date.parse(result.login.at)) / 1000),
      });
    }
  }
  if (result.clockSkewSeconds !== undefined)
    skew.samples.push({ labels: {}, value: result.clockSkewSeconds });
  const families: Family[] = [
    success,
    duration,
    phaseDuration,
    phaseSuccess,
    dns,
    certExpiry,
    tlsVersion,
    certTrusted,
    state,
    portalStatus,
    componentUp,
    loginSuccess,
    loginAge,
    skew,
    timeout,
  ];
  return renderFamilies(families);
}

/** blackbox_exporter's spelling: "TLS 1.3" (Node says "TLSv1.3"). */
function tlsVersionName(protocol: string): string {
  const m = /^TLSv(\d(?:\.\d)?)$/.exec(protocol);
  return m ? `TLS ${m[1]}` : protocol;
}
