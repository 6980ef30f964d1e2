// The exporter's own metrics on /metrics (not the portals'): what it has done since it started,
// so an operator can tell "the portal is down" from "the exporter cannot probe". Counters only
// go up; the histogram's buckets suit probes of tens of milliseconds to a scrape timeout.
import { type Family, family, renderFamilies } from "./exposition.js";

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type ProbeErrorReason = "unknown_target" | "unknown_module" | "missing_target" | "setup" | "internal";

export class ExporterMetrics {
  private probes = new Map<string, number>();
  private durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private errors = new Map<string, number>();
  private logins = new Map<string, number>();
  private shared = 0;

  constructor(
    private readonly info: { version: string; startedAt: number },
    private readonly load: () => { active: number; queued: number; limit: number },
  ) {}

  /** A probe that ran (whatever it found): `success` is its probe_success. */
  probeRan(module: string, success: boolean, seconds: number): void {
    const key = `${module}\0${success ? "success" : "failure"}`;
    this.probes.set(key, (this.probes.get(key) ?? 0) + 1);
    let d = this.durations.get(module);
    if (!d) {
      d = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.durations.set(module, d);
    }
    BUCKETS.forEach((le, i) => {
      if (seconds <= le)
        (d as { buckets: number[] }).buckets[i] = ((d as { buckets: number[] }).buckets[i] ?? 0) + 1;
    });
    d.sum += seconds;
    d.count += 1;
  }

  /** A request for a probe that could not run: no such target, a setup mistake, a bug. */
  probeError(reason: ProbeErrorReason): void {
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
  }

  /** A real sign-in sent to a portal (reused results are not counted). */
  loginSent(ok: boolean): void {
    const key = ok ? "success" : "failure";
    this.logins.set(key, (this.logins.get(key) ?? 0) + 1);
  }

  /** A scrape that joined a probe of the same target already running. */
  probeShared(): void {
    this.shared += 1;
  }

  render(): string {
    const build = family(
      "rxportal_exporter_build_info",
      "gauge",
      "Always 1; the version label says which rxportal.",
    );
    build.samples.push({ labels: { version: this.info.version }, value: 1 });
    const start = family(
      "rxportal_exporter_start_time_seconds",
      "gauge",
      "When the exporter started, as a Unix timestamp.",
    );
    start.samples.push({ labels: {}, value: this.info.startedAt / 1000 });
    const probes = family("rxportal_exporter_probes_total", "counter", "Probes run, by module and result.");
    for (const [key, n] of this.probes) {
      const [module = "", result = ""] = key.split("\0");
      probes.samples.push({ labels: { module, result }, value: n });
    }
    const durations = family(
      "rxportal_exporter_probe_duration_seconds",
      "histogram",
      "How long probes took, by module.",
    );
    for (const [module, d] of this.durations) {
      for (const [i, le] of BUCKETS.entries()) {
        durations.samples.push({
          suffix: "_bucket",
          labels: { module, le: String(le) },
          value: d.buckets[i] ?? 0,
        });
      }
      durations.samples.push({ suffix: "_bucket", labels: { module, le: "+Inf" }, value: d.count });
      durations.samples.push({ suffix: "_sum", labels: { module }, value: d.sum });
      durations.samples.push({ suffix: "_count", labels: { module }, value: d.count });
    }
    const errors = family(
      "rxportal_exporter_probe_errors_total",
      "counter",
      "Probe requests that could not run, by reason (unknown_target, unknown_module, missing_target, setup, internal).",
    );
    for (const reason of ["unknown_target", "unknown_module", "missing_target", "setup", "internal"]) {
      errors.samples.push({ labels: { reason }, value: this.errors.get(reason) ?? 0 });
    }
    const logins = family(
      "rxportal_exporter_logins_total",
      "counter",
      "Real sign-ins sent to portals, by result.",
    );
    for (const result of ["success", "failure"]) {
      logins.samples.push({ labels: { result }, value: this.logins.get(result) ?? 0 });
    }
    const shared = family(
      "rxportal_exporter_shared_probes_total",
      "counter",
      "Scrapes answered by a probe of the same target that was already running.",
    );
    shared.samples.push({ labels: {}, value: this.shared });
    const { active, queued, limit } = this.load();
    const inFlight = family("rxportal_exporter_probes_in_flight", "gauge", "Probes running now.");
    inFlight.samples.push({ labels: {}, value: active });
    const waiting = family(
      "rxportal_exporter_probes_queued",
      "gauge",
      "Probes waiting for a slot (--concurrency).",
    );
    waiting.samples.push({ labels: {}, value: queued });
    const cap = family(
      "rxportal_exporter_concurrency",
      "gauge",
      "At most this many probes run at once (--concurrency).",
    );
    cap.samples.push({ labels: {}, value: limit });
    const families: Family[] = [
      build,
      start,
      probes,
      durations,
      errors,
      logins,
      shared,
      inFlight,
      waiting,
      cap,
    ];
    return renderFamilies(families);
  }
}
