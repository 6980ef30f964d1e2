import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { evaluate } from "./evaluate.js";
import type { CertificateReport, PhaseResult } from "./probe.js";
import { buildThresholds, parseMsThresholds, type Thresholds, worst } from "./thresholds.js";

const none: Thresholds = buildThresholds({});
const ok = (name: PhaseResult["name"], ms: number): PhaseResult => ({ name, ok: true, ms });
const components = (login = "operational", refills = "operational") =>
  [
    { name: "login", status: login },
    { name: "refills", status: refills },
  ] as never;

describe("parseMsThresholds", () => {
  it("a bare number is the whole probe; phase=ms names one phase; repeats and commas combine", () => {
    expect(parseMsThresholds("--crit-ms", ["2000", "tls=500", "login=3000,me=800"])).toEqual({
      total: 2000,
      tls: 500,
      login: 3000,
      me: 800,
    });
    expect(parseMsThresholds("--warn-ms", undefined)).toEqual({});
  });

  it("refuses unknown phases and non-numbers with a usage error naming the phases", () => {
    for (const bad of ["soon", "tsl=500", "tls=", "-5", "tls=5ms"]) {
      expect(() => parseMsThresholds("--crit-ms", [bad]), bad).toThrow(UsageError);
    }
    expect(() => parseMsThresholds("--crit-ms", ["tsl=1"])).toThrow(
      /dns, connect, tls, status, login, me, logout/,
    );
  });

  it("buildThresholds refuses a critical limit below the warning one", () => {
    expect(() => buildThresholds({ warnMs: ["tls=500"], critMs: ["tls=100"] })).toThrow(/critical limit/);
    expect(() => buildThresholds({ certWarnDays: 5, certCritDays: 10 })).toThrow(UsageError);
    expect(buildThresholds({})).toMatchObject({ certWarnDays: 14, certCritDays: 3 });
  });
});

describe("worst", () => {
  it("ranks CRITICAL over UNKNOWN over WARNING over OK", () => {
    expect(worst("OK", "WARNING")).toBe("WARNING");
    expect(worst("WARNING", "UNKNOWN")).toBe("UNKNOWN");
    expect(worst("CRITICAL", "UNKNOWN")).toBe("CRITICAL");
    expect(worst("UNKNOWN", "OK")).toBe("UNKNOWN");
  });
});

describe("evaluate", () => {
  const base = { durationMs: 100, thresholds: none, login: false };

  it("nothing to say when every phase worked and the portal is operational", () => {
    expect(
      evaluate({
        ...base,
        phases: [ok("dns", 1), ok("status", 50)],
        portal: { status: "operational", components: components() },
      }),
    ).toEqual([]);
  });

  it("a failed phase is CRITICAL, except sign-out which is WARNING", () => {
    const reasons = evaluate({
      ...base,
      phases: [
        ok("status", 5),
        { name: "login", ok: true, ms: 5 },
        { name: "logout", ok: false, ms: 5, code: "server_error", message: "HTTP 500." },
      ],
    });
    expect(reasons).toEqual([{ state: "WARNING", text: "sign-out failed: HTTP 500." }]);
    expect(
      evaluate({
        ...base,
        phases: [{ name: "dns", ok: false, ms: 1, code: "ENOTFOUND", message: "Not found." }],
      }),
    ).toEqual([{ state: "CRITICAL", text: "DNS failed: Not found." }]);
  });

  it("per-phase and total thresholds: above warn is WARNING, above crit is CRITICAL", () => {
    const thresholds = buildThresholds({ warnMs: ["tls=100", "300"], critMs: ["tls=500", "1000"] });
    expect(evaluate({ ...base, thresholds, phases: [ok("tls", 99)] })).toEqual([]);
    expect(evaluate({ ...base, thresholds, phases: [ok("tls", 101)] })[0]?.state).toBe("WARNING");
    expect(evaluate({ ...base, thresholds, phases: [ok("tls", 501)] })).toEqual([
      { state: "CRITICAL", text: "TLS took 501 ms (critical above 500 ms)" },
    ]);
    expect(evaluate({ ...base, thresholds, durationMs: 400, phases: [ok("tls", 1)] })[0]).toEqual({
      state: "WARNING",
      text: "the probe took 400 ms (warning above 300 ms)",
    });
    expect(evaluate({ ...base, thresholds, durationMs: 1200, phases: [ok("tls", 1)] })[0]?.state).toBe(
      "CRITICAL",
    );
  });

  it("certificate days: below --cert-warn-days WARNING, below --cert-crit-days CRITICAL", () => {
    const cert = (daysLeft: number): CertificateReport => ({
      subject: "CN=x",
      issuer: "CN=ca",
      validFrom: "2026-01-01T00:00:00.000Z",
      validTo: "2026-12-03T00:00:00.000Z",
      daysLeft,
      selfSigned: false,
      hostMatches: true,
      fingerprint256: "AA",
      protocol: "TLSv1.3",
      authorized: true,
    });
    expect(evaluate({ ...base, phases: [], certificate: cert(30) })).toEqual([]);
    expect(evaluate({ ...base, phases: [], certificate: cert(10) })).toEqual([
      { state: "WARNING", text: "the certificate expires in 10 days (2026-12-03)" },
    ]);
    expect(evaluate({ ...base, phases: [], certificate: cert(1) })[0]?.state).toBe("CRITICAL");
  });

  it("portal status: degraded WARNING, maintenance and outage CRITICAL; sign-in component down CRITICAL, others WARNING", () => {
    const states = (status: string, login?: string, refills?: string) =>
      evaluate({
        ...base,
        phases: [],
        portal: { status, components: components(login, refills) } as never,
      }).map((r) => r.state);
    expect(states("degraded")).toEqual(["WARNING"]);
    expect(states("maintenance")).toEqual(["CRITICAL"]);
    expect(states("outage")).toEqual(["CRITICAL"]);
    expect(states("operational", "outage")).toEqual(["CRITICAL"]);
    expect(states("operational", "degraded")).toEqual(["WARNING"]);
    expect(states("operational", "operational", "maintenance")).toEqual(["WARNING"]);
    expect(states("operational", "operational", "degraded")).toEqual([]);
  });
});
