// The default output: per profile a headline with the state, then one aligned row per phase.
// Plain text on purpose (no box drawing, no table library to load): it reads the same in a
// terminal, a log and a screen reader; colour only marks the state words.
import type { Style } from "../ui/style.js";
import type { HealthResult } from "./probe.js";
import type { HealthReport } from "./report.js";
import type { HealthStateName } from "./thresholds.js";

function paint(style: Style, state: HealthStateName, text: string): string {
  if (state === "OK") return style.color.green(text);
  if (state === "WARNING") return style.color.yellow(text);
  return style.color.red(text);
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function renderResult(result: HealthResult, style: Style): string[] {
  const lines = [
    `${paint(style, result.state, result.state)} ${result.profile} (${result.url}): ${result.summary}`,
  ];
  const rows = result.phases.map((p) => [
    p.name,
    formatMs(p.ms),
    p.ok ? "ok" : "FAILED",
    p.ok
      ? `${p.detail ?? ""}${p.reused ? " (from an earlier sign-in)" : ""}`
      : `${p.code}: ${p.message ?? ""}`,
  ]);
  rows.push(["total", formatMs(result.durationMs), "", ""]);
  const head = ["phase", "time", "result", "detail"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd()}`;
  lines.push(format(head));
  for (const row of rows) lines.push(format(row));
  const cert = result.certificate;
  if (cert) {
    lines.push(
      `  certificate: ${cert.subject}, issued by ${cert.issuer}, valid until ${cert.validTo.slice(0, 10)} (${cert.daysLeft} days)${cert.authorized ? "" : `, NOT TRUSTED (${cert.authorizationError})`}`,
    );
  }
  for (const reason of result.reasons)
    lines.push(`  ${paint(style, reason.state, reason.state)}: ${reason.text}`);
  return lines;
}

export function formatHuman(report: HealthReport, style: Style): string {
  const blocks = report.results.map((r) => renderResult(r, style).join("\n"));
  if (report.results.length > 1) blocks.push(`Overall: ${paint(style, report.state, report.state)}`);
  return `${blocks.join("\n\n")}\n`;
}
