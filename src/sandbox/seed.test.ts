import { describe, expect, it } from "vitest";
import { loadSeed, SANDBOX_PASSWORD, seed } from "./seed.js";

describe("the bundled seed", () => {
  it("has a member for every branch of the troubleshooting tree", () => {
    expect(seed.members.map((m) => m.scenario).sort()).toEqual([
      "disabled",
      "healthy",
      "locked",
      "medicare",
      "mfa-email",
      "mfa-sms",
      "mfa-totp",
      "password-expired",
      "tricare",
    ]);
    const byScenario = Object.fromEntries(seed.members.map((m) => [m.scenario, m]));
    expect(byScenario["mfa-email"]?.mfa[0]).toBe("email");
    expect(byScenario["mfa-sms"]?.mfa[0]).toBe("sms");
    expect(byScenario["mfa-totp"]?.totpSecret).toBeDefined();
    expect(byScenario.locked?.lockedAtStart).toBe(true);
    expect(byScenario["password-expired"]?.passwordExpired).toBe(true);
    expect(byScenario.disabled?.disabled).toBe(true);
    expect(byScenario.medicare?.enrolleeType).toBe("medicare");
    expect(byScenario.tricare?.enrolleeType).toBe("tricare");
    const healthy = byScenario.healthy;
    expect(healthy?.dependents.map((d) => d.relationship).sort()).toEqual(["child", "spouse"]);
    expect(new Set(healthy?.orders.map((o) => o.createdHoursAgo > 72)).size).toBe(2);
  });

  it("uses fictional addresses and documents the shared password", () => {
    expect(SANDBOX_PASSWORD).toBe("Sandbox-Pass-2026");
    expect(seed.notice).toMatch(/password/i);
    for (const m of seed.members) expect(m.email).toMatch(/@example\.(com|org)$/);
  });

  it("refuses a broken seed with the path of the problem", () => {
    const broken = structuredClone(seed);
    const totp = broken.members.find((m) => m.totpSecret);
    if (totp) delete totp.totpSecret;
    expect(() => loadSeed(broken)).toThrow(/a TOTP member needs a secret/);
    const foreign = structuredClone(seed);
    const first = foreign.members[0];
    if (first?.prescriptions[0]) first.prescriptions[0].memberId = "SOMEONE-ELSE";
    expect(() => loadSeed(foreign)).toThrow(/not in the family/);
    expect(() => loadSeed({ members: [] })).toThrow(/The sandbox seed is invalid/);
  });
});
