import { describe, expect, it } from "vitest";
import { lookupMx } from "./mx.js";

// No real DNS in tests: the outcome with no network is a failure with a code, never a rejection.
describe("lookupMx", () => {
  it("an aborted signal answers ABORTED at once", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await lookupMx("example.com", { timeoutMs: 1000, signal: controller.signal });
    expect(result).toMatchObject({ ok: false, code: "ABORTED" });
  });

  it("never rejects and stays within its time limit (whatever this machine's DNS does)", async () => {
    const started = performance.now();
    const result = await lookupMx("no-such-domain.invalid", { timeoutMs: 1500 });
    expect(performance.now() - started).toBeLessThan(2500);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toMatch(/^E[A-Z]+$/);
      expect(result.message).toMatch(/no-such-domain\.invalid|stopped/);
    }
  });

  it("an abort during the lookup ends it with ABORTED", async () => {
    const controller = new AbortController();
    const pending = lookupMx("slow-lookup.invalid", { timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, code: "ABORTED" });
  });
});
