import { describe, expect, it } from "vitest";
import type { PortalClient } from "../portal/client.js";
import type { LoginOutcome } from "./probe.js";
import { throttleLogin } from "./serve.js";

const client = {} as PortalClient;

function countingStep(ok = true) {
  let calls = 0;
  const step = async (): Promise<LoginOutcome> => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return {
      phases: [{ name: "login", ok, ms: 20 }],
      login: { username: "monitor", ok, at: new Date().toISOString(), reused: false },
    };
  };
  return { step, calls: () => calls };
}

describe("throttleLogin", () => {
  it("signs in at most once per interval; in between the last outcome comes back marked reused", async () => {
    let now = 1_000_000;
    const { step, calls } = countingStep();
    const throttled = throttleLogin(step, 300_000, () => now);
    const first = await throttled(client);
    expect(first.login.reused).toBe(false);
    now += 299_000;
    const second = await throttled(client);
    expect(calls()).toBe(1);
    expect(second.login).toMatchObject({ reused: true, at: first.login.at });
    expect(second.phases.every((p) => p.reused)).toBe(true);
    now += 1_000;
    const third = await throttled(client);
    expect(calls()).toBe(2);
    expect(third.login.reused).toBe(false);
  });

  it("a failed sign-in is reused too: a wrong password costs one attempt per interval, however often scraped", async () => {
    let now = 0;
    const { step, calls } = countingStep(false);
    const throttled = throttleLogin(step, 60_000, () => now);
    for (let i = 0; i < 50; i++) {
      const outcome = await throttled(client);
      expect(outcome.login.ok).toBe(false);
      now += 1_000;
    }
    expect(calls()).toBe(1);
  });

  it("overlapping scrapes share the sign-in in progress", async () => {
    const { step, calls } = countingStep();
    const throttled = throttleLogin(step, 60_000, () => 0);
    const outcomes = await Promise.all([throttled(client), throttled(client), throttled(client)]);
    expect(calls()).toBe(1);
    expect(outcomes.map((o) => o.login.reused)).toEqual([false, true, true]);
  });
});
