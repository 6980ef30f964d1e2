// The monitoring-plugin output format (Nagios, Icinga, Naemon, Checkmk, Zabbix's agent checks):
//   RXPORTAL OK - <summary> | 'label'=value[UOM];warn;crit;min;max ...
// then, for several profiles, one line per profile (the plugin's "long output").
// Times are in seconds (UOM "s"); the certificate's days use the range "N:" (alert below N).
import type { HealthResult } from "./probe.js";
import type { HealthReport } from "./report.js";
import type { Thresholds, ThresholdTarget } from "./thresholds.js";

/** A number without exponent notation, to the microsecond. */
function num(value: number): string {
  const fixed = value.toFixed(6).replace(/\.?0+$/, "");
  return fixed === "-0" ? "0" : fixed;
}

/** Labels are single-quoted; a quote inside is doubled, '=' is not allowed at all. */
function label(text: string): string {
  return `'${text.replace(/=/g, "_").replace(/'/g, "''")}'`;
}

const secondsOrEmpty = (ms: number | undefined) => (ms === undefined ? "" : num(ms / 1000));

/** Status text must stay on one line and must not contain the perfdata separator. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "/");
}

function perfdata(result: HealthResult, thresholds: Thresholds, prefix: string): string[] {
  const data: string[] = [];
  const push = (item: string) => data.push(item.replace(/;+$/, ""));
  for (const phase of result.phases) {
    const target = phase.name as ThresholdTarget;
    push(
      `${label(prefix + phase.name)}=${num(phase.ms / 1000)}s;${secondsOrEmpty(thresholds.warnMs[target])};${secondsOrEmpty(thresholds.critMs[target])};0;`,
    );
  }
  push(
    `${label(`${prefix}time`)}=${num(result.durationMs / 1000)}s;${secondsOrEmpty(thresholds.warnMs.total)};${secondsOrEmpty(thresholds.critMs.total)};0;${num(result.timeoutMs / 1000)}`,
  );
  if (result.certificate) {
    push(
      `${label(`${prefix}cert_days`)}=${result.certificate.daysLeft};${thresholds.certWarnDays}:;${thresholds.certCritDays}:;;`,
    );
  }
  return data;
}

export function formatNagios(report: HealthReport, thresholds: Thresholds): string {
  const many = report.results.length > 1;
  const summary = many
    ? report.results.map((r) => `${r.profile} ${r.state}`).join(", ")
    : `${report.results[0]?.profile ?? "no profile"}: ${report.results[0]?.summary ?? "nothing probed"}`;
  const perf = report.results.flatMap((r) => perfdata(r, thresholds, many ? `${r.profile} ` : ""));
  const lines = [`RXPORTAL ${report.state} - ${oneLine(summary)} | ${perf.join(" ")}`];
  if (many) for (const r of report.results) lines.push(oneLine(`${r.profile}: ${r.state} - ${r.summary}`));
  return `${lines.join("\n")}\n`;
}

/**
 * The probe could not run at all (bad arguments, configuration, missing credentials): a monitor
 * still needs its one status line on stdout, or it shows "(null)" or "no output".
 */
export function formatNagiosUnknown(reason: string): string {
  return `RXPORTAL UNKNOWN - ${oneLine(reason).trim() || "the probe could not run"}\n`;
}
