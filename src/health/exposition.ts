// A small writer for the Prometheus text exposition format (0.0.4): families of gauges, counters
// and histograms, labels escaped by the format's rules. Used by /probe and the exporter's own
// /metrics; `health --format prometheus` keeps its own writer (format-prometheus.ts).
import { escapeLabel } from "./format-prometheus.js";

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
  /** Appended to the family's name: `_bucket`, `_sum`, `_count`. */
  suffix?: string;
}

export interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter" | "histogram";
  samples: Sample[];
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(Math.round(value * 1e6) / 1e6);
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length > 0 ? `{${pairs.join(",")}}` : "";
}

/** Families without samples are left out (a HELP line with no series only confuses readers). */
export function renderFamilies(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples)
      lines.push(`${f.name}${s.suffix ?? ""}${labelText(s.labels)} ${formatNumber(s.value)}`);
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

export function family(name: string, type: Family["type"], help: string): Family {
  return { name, type, help, samples: [] };
}
