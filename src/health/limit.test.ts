import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cases } from "../../test/helpers/cases.js";
import { createLimiter } from "./limit.js";

describe("createLimiter", () => {
  it("under random durations and failures never runs more than N at once, and runs every job exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.record({ ms: fc.integer({ min: 0, max: 5 }), fails: fc.boolean(), sync: fc.boolean() }), {
          minLength: 0,
          maxLength: 40,
        }),
        async (limit, jobs) => {
          const limiter = createLimiter(limit);
          let running = 0;
          let peak = 0;
          const runs = jobs.map(() => 0);
          const settled = await Promise.allSettled(
            jobs.map((job, i) =>
              limiter.run(async () => {
                running += 1;
                runs[i] = (runs[i] ?? 0) + 1;
                peak = Math.max(peak, running);
                expect(limiter.active).toBeLessThanOrEqual(limit);
                try {
                  if (!job.sync) await new Promise((resolve) => setTimeout(resolve, job.ms));
                  if (job.fails) throw new Error(`job ${i} failed`);
                  return i;
                } finally {
                  running -= 1;
                }
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(limit);
          // Enough jobs that all could overlap: the bound is used, not just respected.
          if (jobs.length >= limit && jobs.every((j) => !j.sync && j.ms > 0)) expect(peak).toBe(limit);
          expect(runs.every((n) => n === 1)).toBe(true);
          settled.forEach((s, i) => {
            expect(s.status).toBe(jobs[i]?.fails ? "rejected" : "fulfilled");
            if (s.status === "fulfilled") expect(s.value).toBe(i);
          });
          expect(limiter.active).toBe(0);
          expect(limiter.queued).toBe(0);
        },
      ),
      { numRuns: cases(200) },
    );
  });

  it("queues in arrival order", async () => {
    const limiter = createLimiter(1);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => limiter.run(async () => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it("refuses a bound below 1", () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
