import { describe, expect, it } from "vitest";
import { BudgetExpired, createBudget, unlimitedBudget } from "./budget.js";

describe("createBudget", () => {
  it("without a total never runs out", async () => {
    const b = createBudget(undefined);
    expect(b).toBe(unlimitedBudget);
    expect(b.remaining()).toBe(Number.POSITIVE_INFINITY);
    expect(await b.paused(async () => 7)).toBe(7);
    expect(b.signal.aborted).toBe(false);
  });

  it("counts down on its clock, and counts from startedAt when given", () => {
    let t = 1000;
    const b = createBudget(2000, { now: () => t, startedAt: 400 });
    expect(b.remaining()).toBe(1400);
    t = 2000;
    expect(b.remaining()).toBe(400);
    t = 5000;
    expect(b.remaining()).toBe(0);
  });

  it("stops the clock while paused (a person at a prompt), nested pauses included", async () => {
    let t = 0;
    const b = createBudget(1000, { now: () => t });
    t = 300;
    await b.paused(async () => {
      t = 10_000;
      await b.paused(async () => {
        t = 20_000;
      });
      expect(b.remaining()).toBe(700);
    });
    expect(b.remaining()).toBe(700);
    t = 20_500;
    expect(b.remaining()).toBe(200);
  });

  it("aborts its signal with BudgetExpired when the time is up (real timer)", async () => {
    const b = createBudget(50);
    const started = performance.now();
    const reason = await new Promise((resolve) =>
      b.signal.addEventListener("abort", () => resolve(b.signal.reason)),
    );
    expect(reason).toBeInstanceOf(BudgetExpired);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(b.expired).toBe(true);
    expect(b.remaining()).toBe(0);
  });

  it("does not abort while paused, and aborts after the pause for what was left", async () => {
    const b = createBudget(60);
    await b.paused(() => new Promise((r) => setTimeout(r, 120)));
    expect(b.expired).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.expired).toBe(true);
  });

  it("a budget already spent at creation (start-up took it all) is expired at once", async () => {
    const b = createBudget(100, { now: () => 500, startedAt: 0 });
    expect(b.remaining()).toBe(0);
    await new Promise((r) => setTimeout(r, 5));
    expect(b.expired).toBe(true);
  });
});
