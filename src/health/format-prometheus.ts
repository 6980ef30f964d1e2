// Prometheus text exposition (format 0.0.4) for `health --format prometheus` and `health serve`.
// Names follow blackbox_exporter (probe_success, probe_http_duration_seconds{phase}) under the
// rxportal_ prefix; every series has a `profile` label so one scrape can cover many portals.
import type { HealthResult } from "./probe.js";
import type { HealthReport } from "./report.js";
import { HealthState } from "./thresholds.js";

interface Family {
  name: string;
  help: string;
  type: "gauge";
  samples: { labels: Record<string, string>; value: number }[];
}

/** Label values escape backslash, double quote and newline (the exposition format's rules). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(Math.round(value * 1e6) / 1e6);
}

const seconds = (ms: number) => ms / 1000;

const SUCCESS_HELP =
  "1 when the probe reached every phase it tried (the state may still be WARNING), 0 otherwise.";
const STATE_HELP = "The monitoring-plugin state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.";

export function formatPrometheus(report: HealthReport): string {
  const families: Family[] = [
    {
      name: "rxportal_probe_success",
      help: SUCCESS_HELP,
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_probe_state",
      help: STATE_HELP,
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_probe_duration_seconds",
      help: "Duration of each probe phase in seconds (dns, connect, tls, status, login, me, logout).",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_probe_phase_success",
      help: "1 when the phase succeeded, 0 when it failed.",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_probe_phase_error_info",
      help: "1 for a failed phase, with why it failed: the error code (ETIMEDOUT, invalid_grant, invalid_client, oidc_unavailable, ...).",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_probe_total_duration_seconds",
      help: "Duration of the whole probe in seconds.",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_cert_expiry_timestamp_seconds",
      help: "When the portal's TLS certificate expires, as a Unix timestamp.",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_cert_trusted",
      help: "1 when the portal's certificate is trusted and names its host, 0 otherwise.",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_portal_status",
      help: "The portal's own status from GET /status: 1 for the state it reports, 0 for the others.",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_component_up",
      help: "1 when the portal reports the component operational or degraded, 0 in maintenance or outage.",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_login_success",
      help: "1 when the last sign-in of the monitoring account worked, 0 when it failed.",
      type: "gauge",
      samples: [],
    },
    {
      name: "rxportal_login_age_seconds",
      help: "Seconds since that sign-in was made (health serve reuses it for --min-login-interval).",
      type: "gauge",
      samples: [],
    },
  ];
  const family = (name: string) => families.find((f) => f.name === name) as Family;
  for (const result of report.results) addResult(result, family);
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const sample of f.samples) {
      const labels = Object.entries(sample.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      lines.push(`${f.name}{${labels}} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function addResult(result: HealthResult, family: (name: string) => Family): void {
  const profile = result.profile;
  const failed = result.phases.some((p) => !p.ok);
  family("rxportal_probe_success").samples.push({ labels: { profile }, value: failed ? 0 : 1 });
  family("rxportal_probe_state").samples.push({ labels: { profile }, value: HealthState[result.state] });
  for (const phase of result.phases) {
    family("rxportal_probe_duration_seconds").samples.push({
      labels: { profile, phase: phase.name },
      value: seconds(phase.ms),
    });
    family("rxportal_probe_phase_success").samples.push({
      labels: { profile, phase: phase.name },
      value: phase.ok ? 1 : 0,
    });
    if (!phase.ok)
      family("rxportal_probe_phase_error_info").samples.push({
        labels: { profile, phase: phase.name, code: phase.code ?? "error" },
        value: 1,
      });
  }
  family("rxportal_probe_total_duration_seconds").samples.push({
    labels: { profile },
    value: seconds(result.durationMs),
  });
  if (result.certificate) {
    family("rxportal_cert_expiry_timestamp_seconds").samples.push({
      labels: { profile },
      value: Math.floor(Date.parse(result.certificate.validTo) / 1000),
    });
    family("rxportal_cert_trusted").samples.push({
      labels: { profile },
      value: result.certificate.authorized ? 1 : 0,
    });
  }
  if (result.portal) {
    for (const state of ["operational", "degraded", "maintenance", "outage"] as const) {
      family("rxportal_portal_status").samples.push({
        labels: { profile, status: state },
        value: result.portal.status === state ? 1 : 0,
      });
    }
    for (const component of result.portal.components) {
      family("rxportal_component_up").samples.push({
        labels: { profile, component: component.name },
        value: component.status === "operational" || component.status === "degraded" ? 1 : 0,
      });
    }
  }
  if (result.login) {
    family("rxportal_login_success").samples.push({ labels: { profile }, value: result.login.ok ? 1 : 0 });
    family("rxportal_login_age_seconds").samples.push({
      labels: { profile },
      value: Math.max(0, (Date.parse(result.startedAt) - Date.parse(result.login.at)) / 1000),
    });
  }
}

/**
 * The probe could not run at all (bad arguments, configuration, missing credentials): still a
 * valid exposition, so the scrape or textfile collector reports the failure instead of nothing.
 * The reason is both a comment (for people reading the file) and a label (for alert rules).
 */
export function formatPrometheusUnknown(reason: string): string {
  const text = reason.replace(/\s*\n\s*/g, " ").trim() || "the probe could not run";
  return `${[
    `# rxportal health: UNKNOWN, the probe could not run: ${text}`,
    `# HELP rxportal_probe_success ${SUCCESS_HELP}`,
    "# TYPE rxportal_probe_success gauge",
    "rxportal_probe_success 0",
    `# HELP rxportal_probe_state ${STATE_HELP}`,
    "# TYPE rxportal_probe_state gauge",
    `rxportal_probe_state ${HealthState.UNKNOWN}`,
    "# HELP rxportal_probe_unknown 1 when the probe could not run at all; the reason label says why.",
    "# TYPE rxportal_probe_unknown gauge",
    `rxportal_probe_unknown{reason="${escapeLabel(text)}"} 1`,
  ].join("\n")}\n`;
}
