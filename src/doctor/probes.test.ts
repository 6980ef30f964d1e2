import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LockoutGuard } from "../auth/lockout-guard.js";
import { ManualClock } from "../clock.js";
import { resolveProfile } from "../config/load.js";
import type { MxResult } from "../net/mx.js";
import type { PortalClient } from "../portal/client.js";
import { compareVersions, createProbes, type ProbeEnv } from "./probes.js";

const clock = new ManualClock(Date.parse("2026-11-23T12:00:00Z"));

function env(overrides: Partial<ProbeEnv> = {}): ProbeEnv {
  const profile = resolveProfile({ file: "none", from: "default", exists: false, data: {} }, { env: {} });
  return {
    profile,
    env: {},
    now: () => clock.now(),
    timeoutMs: 1000,
    portal: () => Promise.reject(new Error("no portal in this test")) as Promise<PortalClient>,
    guard: new LockoutGuard(mkdtempSync(join(tmpdir(), "rxportal-probes-")), clock),
    storedPassword: async () => undefined,
    codeRefusal: async () => undefined,
    submitPassword: () => Promise.reject(new Error("no sign-in in this test")),
    ...overrides,
  };
}

const run = (
  penv: ProbeEnv,
  name: keyof ReturnType<typeof createProbes>,
  inputs: Record<string, string> = {},
) => {
  const signal = new AbortController().signal;
  return createProbes(penv)[name].run({ inputs, signal, runSignal: signal });
};

describe("mx probe", () => {
  const withMx = (result: MxResult, seen: string[] = []) =>
    env({
      lookupMx: async (domain) => {
        seen.push(domain);
        return result;
      },
    });

  it("looks up the domain after the last @, in lower case", async () => {
    const seen: string[] = [];
    const found = await run(withMx({ ok: true, exchanges: ["mx1.mail.example"] }, seen), "mx", {
      email: "Pat@Mail.Example",
    });
    expect(seen).toEqual(["mail.example"]);
    expect(found).toMatchObject({ outcome: "ok", details: ["Mail servers: mx1.mail.example"] });
  });

  it("a domain that does not exist or has no mail servers is a problem; a DNS failure is unknown", async () => {
    const nx = await run(withMx({ ok: false, code: "ENOTFOUND", message: "No such domain." }), "mx", {
      email: "a@gmial.example",
    });
    expect(nx).toMatchObject({ outcome: "problem", summary: "No such domain." });
    const none = await run(withMx({ ok: false, code: "ENODATA", message: "No MX." }), "mx", {
      email: "a@b.example",
    });
    expect(none.outcome).toBe("problem");
    const timeout = await run(withMx({ ok: false, code: "ETIMEOUT", message: "DNS did not answer." }), "mx", {
      email: "a@b.example",
    });
    expect(timeout).toMatchObject({ outcome: "unknown", summary: "Could not check: DNS did not answer." });
  });

  it("a skipped email is not checked", async () => {
    expect((await run(env(), "mx", { email: "" })).outcome).toBe("unknown");
  });
});

describe("last-code probe", () => {
  const at = (minutesAgo: number) => new Date(clock.now() - minutesAgo * 60_000).toISOString();

  it("an invalid code after a resend points at the older code", async () => {
    const found = await run(
      env({
        codeRefusal: async () => ({
          at: at(2),
          problem: "invalid_code",
          resentAt: at(3),
          firstSentAt: at(5),
          requestId: "req-9",
        }),
      }),
      "last-code",
      { username: "erin" },
    );
    expect(found.outcome).toBe("problem");
    expect(found.summary).toMatch(/most likely an older code/);
    expect(found.requestIds).toEqual(["req-9"]);
  });

  it("without a resend, an expired sign-in, or an old note, it cannot tell", async () => {
    const plain = await run(
      env({ codeRefusal: async () => ({ at: at(2), problem: "invalid_code", firstSentAt: at(4) }) }),
      "last-code",
      { username: "erin" },
    );
    expect(plain).toMatchObject({ outcome: "unknown" });
    expect(plain.summary).toMatch(/no new code had been asked for/);
    const expired = await run(
      env({ codeRefusal: async () => ({ at: at(2), problem: "challenge_expired", firstSentAt: at(20) }) }),
      "last-code",
      { username: "erin" },
    );
    expect(expired.summary).toMatch(/had expired/);
    const old = await run(
      env({
        codeRefusal: async () => ({
          at: at(60 * 25),
          problem: "invalid_code",
          resentAt: at(60 * 25 + 1),
          firstSentAt: at(60 * 26),
        }),
      }),
      "last-code",
      { username: "erin" },
    );
    expect(old.outcome).toBe("unknown");
    expect(old.summary).toMatch(/has not seen a sign-in code refused/);
  });
});

describe("lockout probe without a portal answer", () => {
  it("a lock rxportal recorded is reported with its end, without asking the portal", async () => {
    // No portal and no sign-in here (both reject): the guard's record alone must be enough.
    const penv = env({ storedPassword: async () => "would-be-used-if-asked" });
    await penv.guard.recordLocked("sandbox", "lee", 5, new Date(clock.now() + 20 * 60_000));
    const found = await run(penv, "lockout", { username: "lee" });
    expect(found.outcome).toBe("problem");
    expect(found.summary).toMatch(
      /^lee is locked until .* \(20 minutes from now\); the portal said so at rxportal's last sign-in attempt\.$/,
    );
    expect(found.evidence).toMatchObject({ secondsLeft: 1200, source: "guard" });
  });
});

describe("compareVersions", () => {
  it("compares numerically, missing parts as zero", () => {
    expect(compareVersions("5.10.0", "5.9.9")).toBe(1);
    expect(compareVersions("5.2", "5.2.0")).toBe(0);
    expect(compareVersions("4.99", "5")).toBe(-1);
  });
});
