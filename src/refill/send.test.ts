// The sender's rounds on a fake clock: one request per round, never more than `rounds`, and no
// round or wait that would end past the command's budget (--timeout) or the ceiling.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CliError, PortalRefusedError, PortalUnavailableError, TryLaterError } from "../errors.js";
import type { PortalClient } from "../portal/client.js";
import { RefillJournal } from "./journal.js";
import { MIN_ROUND_MS, type RetryPolicy, sendOrder } from "./send.js";

interface Scenario {
  rounds: number;
  backoffMs: number;
  ceilingMs: number;
  /** The command's budget, or undefined for no --timeout. */
  budgetMs: number | undefined;
  /** How long each request takes on the fake clock. */
  requestMs: number;
  /** What each request answers with: an error kind and a Retry-After, or success. */
  answers: {
    kind: "ok" | "maintenance" | "rate_limited" | "reset" | "refused" | "bad_port";
    retryAfter?: number;
  }[];
}

function errorOf(a: Scenario["answers"][number]): CliError | undefined {
  switch (a.kind) {
    case "ok":
      return undefined;
    case "maintenance":
      return new PortalUnavailableError("The portal is down for maintenance.", {
        reason: "maintenance",
        status: 503,
        retryAfterSeconds: a.retryAfter,
      });
    case "rate_limited":
      return new TryLaterError("Too many requests.", {
        status: 429,
        code: "rate_limited",
        retryAfterSeconds: a.retryAfter,
      });
    case "reset":
      return new PortalUnavailableError("The connection was cut.", { reason: "reset" });
    case "bad_port":
      return new PortalUnavailableError("Nothing listens there.", { reason: "connect", code: "bad_port" });
    case "refused":
      return new PortalRefusedError("Not allowed.", {
        status: 422,
        code: "refill_not_allowed",
        problem: { items: [{ rxId: "RX-1", reason: "too_soon" }] },
      });
  }
}

async function play(s: Scenario) {
  let now = 0;
  const requests: { at: number; maxRetries?: number; key: string }[] = [];
  const waits: { at: number; ms: number }[] = [];
  const budget =
    s.budgetMs === undefined ? undefined : { remaining: () => Math.max(0, (s.budgetMs ?? 0) - now) };
  const client = {
    async orderRefills(
      body: { memberId: string; rxIds: string[] },
      key: string,
      opts: { maxRetries?: number } = {},
    ) {
      requests.push({
        at: now,
        key,
        ...(opts.maxRetries === undefined ? {} : { maxRetries: opts.maxRetries }),
      });
      now += s.requestMs;
      const answer = s.answers[requests.length - 1] ?? { kind: "ok" };
      const error = errorOf(answer);
      if (error) throw error;
      return {
        order: {
          orderId: "ORD-1",
          status: "received",
          items: body.rxIds.map((rxId) => ({ rxId, drug: "X" })),
          createdAt: new Date(now).toISOString(),
        },
        replayed: requests.length > 1,
        requestId: "req",
      };
    },
  } as unknown as PortalClient;
  const policy: RetryPolicy = {
    rounds: s.rounds,
    backoffMs: s.backoffMs,
    budgetMs: s.ceilingMs,
    ...(budget ? { budget } : {}),
    now: () => now,
    sleep: async (ms) => {
      waits.push({ at: now, ms });
      now += ms;
    },
  };
  const journal = new RefillJournal(mkdtempSync(join(tmpdir(), "rxportal-send-")), { now: () => 0 });
  const entry = await journal.create({ profile: "p", username: "u", memberId: "M1", rxIds: ["RX-1"] });
  const outcome = await sendOrder(journal, client, entry, policy);
  return { outcome, requests, waits, entry, journal, now };
}

const answer = fc.record(
  {
    kind: fc.constantFrom("ok", "maintenance", "rate_limited", "reset", "refused", "bad_port"),
    retryAfter: fc.integer({ min: 0, max: 40 }),
  },
  { requiredKeys: ["kind"] },
) as fc.Arbitrary<Scenario["answers"][number]>;

const scenario: fc.Arbitrary<Scenario> = fc.record({
  rounds: fc.integer({ min: 1, max: 5 }),
  backoffMs: fc.integer({ min: 1, max: 3000 }),
  ceilingMs: fc.integer({ min: 0, max: 60_000 }),
  budgetMs: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
  requestMs: fc.integer({ min: 0, max: 3000 }),
  answers: fc.array(answer, { minLength: 0, maxLength: 6 }),
});

describe("sendOrder", () => {
  it("sends one request per round (the client never retries an order), at most `rounds`, always with the entry's key", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { requests, entry } = await play(s);
        expect(requests.length).toBeGreaterThanOrEqual(1);
        expect(requests.length).toBeLessThanOrEqual(s.rounds);
        for (const r of requests) {
          expect(r.maxRetries).toBe(0);
          expect(r.key).toBe(entry.key);
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it("no wait begins, and so no round after it starts, that would end past the budget or the ceiling", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { waits, requests } = await play(s);
        const started = requests[0]?.at ?? 0;
        for (const w of waits) {
          const end = w.at + w.ms + MIN_ROUND_MS;
          expect(end - started).toBeLessThanOrEqual(s.ceilingMs);
          if (s.budgetMs !== undefined) expect(end).toBeLessThanOrEqual(s.budgetMs);
        }
        // Every round after the first starts within what was left.
        for (const r of requests.slice(1)) {
          if (s.budgetMs !== undefined) expect(r.at + MIN_ROUND_MS).toBeLessThanOrEqual(s.budgetMs);
        }
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it("settles on 201 or 422, leaves the entry open otherwise; a wait that does not fit says so (outOfTime)", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { outcome, requests, journal, entry } = await play(s);
        const last = s.answers[requests.length - 1] ?? { kind: "ok" };
        const stored = await journal.get(entry.key);
        if (last.kind === "ok") {
          expect(outcome.state).toBe("done");
          expect(stored?.state).toBe("done");
        } else if (last.kind === "refused") {
          expect(outcome.state).toBe("refused");
          expect(stored?.state).toBe("refused");
        } else {
          expect(outcome.state).toBe("open");
          expect(stored?.state).toBe("open");
          if (outcome.state !== "open") return;
          const permanent = last.kind === "bad_port";
          // Stopped early only for lack of time: rounds were left and the error was transient.
          if (!permanent && requests.length < s.rounds) expect(outcome.outOfTime).toBe(true);
          if (permanent || requests.length === s.rounds) expect(outcome.outOfTime).toBeUndefined();
        }
      }),
      { numRuns: 150, seed: 13 },
    );
  });

  it("a Retry-After longer than what --timeout leaves: one request, no wait, the entry stays open", async () => {
    const { outcome, requests, waits } = await play({
      rounds: 3,
      backoffMs: 1000,
      ceilingMs: 45_000,
      budgetMs: 2000,
      requestMs: 50,
      answers: [{ kind: "maintenance", retryAfter: 30 }],
    });
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(outcome).toMatchObject({ state: "open", outOfTime: true });
  });

  it("without --timeout the ceiling still bounds the waits; a short Retry-After is waited for (at least the backoff)", async () => {
    const { outcome, requests, waits } = await play({
      rounds: 3,
      backoffMs: 1000,
      ceilingMs: 45_000,
      budgetMs: undefined,
      requestMs: 50,
      answers: [
        { kind: "rate_limited", retryAfter: 0 },
        { kind: "maintenance", retryAfter: 5 },
        { kind: "ok" },
      ],
    });
    expect(requests).toHaveLength(3);
    expect(waits.map((w) => w.ms)).toEqual([1000, 5000]);
    expect(outcome.state).toBe("done");
  });
});
