import { execFileSync, spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatHuman } from "./format-human.js";
import { formatNagios, formatNagiosUnknown } from "./format-nagios.js";
import { escapeLabel, formatPrometheus, formatPrometheusUnknown } from "./format-prometheus.js";
import type { HealthResult } from "./probe.js";
import { combine } from "./report.js";
import { buildThresholds } from "./thresholds.js";

function sampleResult(overrides: Partial<HealthResult> = {}): HealthResult {
  return {
    profile: "acme",
    url: "https://portal.acme.example/api/v1",
    state: "OK",
    exitCode: 0,
    summary: "sign-in works (all phases ok, 210 ms)",
    reasons: [],
    startedAt: "2026-11-23T12:00:00.000Z",
    durationMs: 210.25,
    timeoutMs: 10_000,
    phases: [
      { name: "dns", ok: true, ms: 1.5, detail: "203.0.113.7" },
      { name: "connect", ok: true, ms: 12.25, detail: "203.0.113.7:443" },
      { name: "tls", ok: true, ms: 30, detail: "TLSv1.3, 40 days left" },
      { name: "status", ok: true, ms: 50, detail: "operational" },
      { name: "login", ok: true, ms: 80, detail: "monitor" },
      { name: "me", ok: true, ms: 20, detail: "SBX1" },
      { name: "logout", ok: true, ms: 10 },
    ],
    certificate: {
      subject: "CN=portal.acme.example",
      issuer: "CN=Some CA",
      validFrom: "2026-10-01T00:00:00.000Z",
      validTo: "2027-01-02T12:00:00.000Z",
      daysLeft: 40,
      selfSigned: false,
      hostMatches: true,
      fingerprint256: "AB:CD",
      protocol: "TLSv1.3",
      authorized: true,
    },
    portal: {
      status: "operational",
      components: [
        { name: "login", status: "operational" },
        { name: "refills", status: "maintenance" },
      ],
    },
    login: { username: "monitor", ok: true, at: "2026-11-23T11:58:00.000Z", reused: true },
    ...overrides,
  };
}

const failing = () =>
  sampleResult({
    profile: 'we"ird\\name',
    state: "CRITICAL",
    exitCode: 2,
    summary: "DNS failed: The name | portal could not be found.",
    reasons: [{ state: "CRITICAL", text: "DNS failed" }],
    phases: [{ name: "dns", ok: false, ms: 3, code: "ENOTFOUND", message: "x" }],
    certificate: undefined,
    portal: undefined,
    login: undefined,
  });

/** A small parser for the text exposition format: enough to check what Prometheus would read. */
function parseExposition(text: string) {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (m) {
      help.set(m[1] as string, m[2] as string);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram|summary|untyped)$/.exec(line);
    if (m) {
      expect(type.has(m[1] as string), `one TYPE line for ${m[1]}`).toBe(false);
      type.set(m[1] as string, m[2] as string);
      continue;
    }
    // Any other comment is allowed, but must not look like a broken HELP or TYPE line.
    if (line.startsWith("#")) {
      expect(line, "a comment").toMatch(/^# (?!HELP |TYPE )/);
      continue;
    }
    m =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (\S+)$/.exec(
        line,
      );
    expect(m, `sample line: ${line}`).not.toBeNull();
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    const value = Number(m[3]);
    expect(Number.isNaN(value), `value of ${line}`).toBe(false);
    expect(type.get(m[1] as string), `TYPE before samples of ${m[1]}`).toBe("gauge");
    samples.push({ name: m[1] as string, labels, value });
  }
  return { help, type, samples };
}

function promtool(): boolean {
  return spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;
}

describe("formatPrometheus", () => {
  const report = combine([sampleResult(), failing()]);
  const text = formatPrometheus(report);

  it("parses as the text exposition format, every family with HELP and TYPE", () => {
    const { help, type, samples } = parseExposition(text);
    for (const name of [
      "rxportal_probe_success",
      "rxportal_probe_duration_seconds",
      "rxportal_cert_expiry_timestamp_seconds",
      "rxportal_component_up",
    ]) {
      expect(help.has(name), name).toBe(true);
      expect(type.get(name)).toBe("gauge");
    }
    const get = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    expect(get("rxportal_probe_success", { profile: "acme" })).toBe(1);
    expect(get("rxportal_probe_success", { profile: 'we"ird\\name' })).toBe(0);
    expect(get("rxportal_probe_state", { profile: 'we"ird\\name' })).toBe(2);
    expect(get("rxportal_probe_duration_seconds", { profile: "acme", phase: "connect" })).toBe(0.01225);
    expect(get("rxportal_probe_duration_seconds", { profile: "acme", phase: "logout" })).toBe(0.01);
    expect(get("rxportal_cert_expiry_timestamp_seconds", { profile: "acme" })).toBe(
      Date.parse("2027-01-02T12:00:00Z") / 1000,
    );
    expect(get("rxportal_component_up", { profile: "acme", component: "login" })).toBe(1);
    expect(get("rxportal_component_up", { profile: "acme", component: "refills" })).toBe(0);
    expect(get("rxportal_portal_status", { profile: "acme", status: "operational" })).toBe(1);
    expect(get("rxportal_login_age_seconds", { profile: "acme" })).toBe(120);
    expect(get("rxportal_login_success", { profile: "acme" })).toBe(1);
  });

  it("escapes label values", () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(text).toContain('profile="we\\"ird\\\\name"');
  });

  it.skipIf(!promtool())("passes promtool check metrics", () => {
    const out = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${out.stdout}${out.stderr}`).toBe("");
    expect(out.status).toBe(0);
  });

  it.runIf(!promtool())(
    "promtool check metrics: SKIPPED, promtool is not installed (apt-get install prometheus; CI installs it)",
    () => {
      expect(process.env.CI, "promtool must be installed in CI (.ci/run's apt step)").not.toBe("true");
    },
  );

  it("promtool itself rejects broken exposition text (so the check above can fail)", () => {
    if (!promtool()) return;
    const bad = execFileSync(
      "bash",
      ["-c", "printf 'bad metric{x=1} 1\\n' | promtool check metrics 2>&1 || true"],
      {
        encoding: "utf8",
      },
    );
    expect(bad).not.toBe("");
  });
});

/** Perfdata items; labels are quoted and may contain spaces. */
const perfItems = (text: string) => {
  const items = [...text.matchAll(/'(?:[^']|'')+'=\S*/g)].map((m) => m[0]);
  // Nothing may sit between the items but single spaces.
  expect(items.join(" ")).toBe(text);
  return items;
};

// The plugin output format: https://nagios-plugins.org/doc/guidelines.html#AEN200
const STATUS_LINE = /^RXPORTAL (OK|WARNING|CRITICAL|UNKNOWN) - ([^|\n]+) \| (.+)$/;
const PERFDATA =
  /^'([^'=]|'')+'=-?\d+(\.\d+)?(s|ms|us|%|B|KB|MB|TB|c)?(;(\d+(\.\d+)?:?)?){0,2}(;(-?\d+(\.\d+)?)?){0,2}$/;

describe("formatNagios", () => {
  const thresholds = buildThresholds({ warnMs: ["2000", "tls=500"], critMs: ["5000", "tls=1000"] });

  it("one status line with the state and summary, then perfdata in 'label'=value[UOM];warn;crit;min;max", () => {
    const text = formatNagios(combine([sampleResult()]), thresholds);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    const m = STATUS_LINE.exec(lines[0] as string);
    expect(m, lines[0]).not.toBeNull();
    expect(m?.[1]).toBe("OK");
    expect(m?.[2]).toBe("acme: sign-in works (all phases ok, 210 ms)");
    const perf = perfItems(m?.[3] as string);
    for (const item of perf) expect(item, item).toMatch(PERFDATA);
    expect(perf).toContain("'tls'=0.03s;0.5;1;0");
    expect(perf).toContain("'time'=0.21025s;2;5;0;10");
    expect(perf).toContain("'cert_days'=40;14:;3:");
  });

  it("several profiles: the worst state, each profile on its own long-output line, labels prefixed", () => {
    const text = formatNagios(combine([sampleResult(), failing()]), thresholds);
    const [first, ...rest] = text.trimEnd().split("\n");
    const m = STATUS_LINE.exec(first as string);
    expect(m?.[1]).toBe("CRITICAL");
    for (const item of perfItems(m?.[3] as string)) expect(item).toMatch(PERFDATA);
    expect(m?.[3]).toContain("'acme dns'=0.0015s");
    expect(rest).toHaveLength(2);
    // The summary's "|" would start perfdata early; it is replaced.
    expect(rest[1]).toBe('we"ird\\name: CRITICAL - DNS failed: The name / portal could not be found.');
  });

  it("a regex that would accept anything is not what we test with", () => {
    expect("RXPORTAL FINE - x | a=1").not.toMatch(STATUS_LINE);
    expect("'dns'=fast").not.toMatch(PERFDATA);
    expect("dns=1s").not.toMatch(PERFDATA);
  });
});

describe("formatHuman", () => {
  it("a headline per profile, aligned phase rows, the certificate and the reasons", () => {
    const style = { color: new Proxy({}, { get: () => (s: string) => s }) } as never;
    const text = formatHuman(combine([sampleResult(), failing()]), style);
    expect(text).toContain("OK acme (https://portal.acme.example/api/v1): sign-in works");
    expect(text).toMatch(/^ {2}connect +12 ms +ok +203\.0\.113\.7:443$/m);
    expect(text).toMatch(/^ {2}dns +3\.0 ms +FAILED +ENOTFOUND: x$/m);
    expect(text).toContain(
      "certificate: CN=portal.acme.example, issued by CN=Some CA, valid until 2027-01-02 (40 days)",
    );
    expect(text).toContain("Overall: CRITICAL");
  });
});

describe("UNKNOWN: the probe could not run", () => {
  // Reasons as error messages can be: quotes, backslashes, newlines, pipes, non-ASCII.
  const reason = fc.string({
    unit: fc.constantFrom("a", " ", '"', "\\", "\n", "|", "=", "é", "{", "}", "#"),
    maxLength: 40,
  });

  it("nagios: exactly one status line RXPORTAL UNKNOWN - <reason>, no perfdata separator in it", () => {
    fc.assert(
      fc.property(reason, (text) => {
        const out = formatNagiosUnknown(text);
        expect(out.endsWith("\n")).toBe(true);
        const lines = out.slice(0, -1).split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^RXPORTAL UNKNOWN - [^|\n]+$/);
      }),
      { numRuns: 200, seed: 5 },
    );
    expect(formatNagiosUnknown('No profile named "nope".')).toBe(
      'RXPORTAL UNKNOWN - No profile named "nope".\n',
    );
  });

  it("prometheus: a valid exposition with probe_success 0, state 3 and the reason as a label", () => {
    fc.assert(
      fc.property(reason, (text) => {
        const { samples } = parseExposition(formatPrometheusUnknown(text));
        expect(samples.find((s) => s.name === "rxportal_probe_success")?.value).toBe(0);
        expect(samples.find((s) => s.name === "rxportal_probe_state")?.value).toBe(3);
        const unknown = samples.find((s) => s.name === "rxportal_probe_unknown");
        expect(unknown?.value).toBe(1);
        const expected = text.replace(/\s*\n\s*/g, " ").trim() || "the probe could not run";
        expect(unknown?.labels.reason).toBe(expected);
      }),
      { numRuns: 200, seed: 6 },
    );
  });

  it.skipIf(!promtool())("prometheus: promtool accepts it", () => {
    const text = formatPrometheusUnknown('No profile named "a\\b";\nknown: x');
    const out = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${out.stdout}${out.stderr}`).toBe("");
    expect(out.status).toBe(0);
  });
});
