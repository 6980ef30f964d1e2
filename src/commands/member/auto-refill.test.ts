// `auto-refill <rxId> on|off` against msw: the change in words, and every refusal and failure.
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseOnOff } from "./auto-refill.js";
import { BASE, oneErrorLine, problem, runMember, SHARED_FAILURES } from "./member.testing.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const RX = {
  rxId: "RX1",
  memberId: "M1-01",
  drug: "Levothyroxine",
  strength: "50 mcg",
  quantity: 90,
  daysSupply: 90,
  refillsRemaining: 0,
  autoRefill: false,
  status: "no_refills",
};

function recordPuts() {
  const bodies: unknown[] = [];
  server.use(
    http.put(`${BASE}/prescriptions/:rxId/auto-refill`, async ({ request, params }) => {
      const body = (await request.json()) as { enabled: boolean };
      bodies.push({ rxId: params.rxId, ...body });
      return HttpResponse.json({ rxId: params.rxId, autoRefill: body.enabled });
    }),
  );
  return bodies;
}

describe("auto-refill", () => {
  it("on: sends enabled true and says the new state in words", async () => {
    const bodies = recordPuts();
    const r = await runMember(["auto-refill", "RX1", "on"]);
    expect(r.code).toBe(0);
    expect(bodies).toEqual([{ rxId: "RX1", enabled: true }]);
    expect(r.stdout).toBe(
      "Automatic refills are now on for RX1: the pharmacy will refill it when it is due.\n",
    );
  });

  it("OFF (any case) with --member checks the member's list and names the drug; --json", async () => {
    const bodies = recordPuts();
    server.use(http.get(`${BASE}/prescriptions`, () => HttpResponse.json({ items: [RX] })));
    const r = await runMember(["auto-refill", "RX1", "OFF", "--member", "M1-01", "--json"]);
    expect(r.code).toBe(0);
    expect(bodies).toEqual([{ rxId: "RX1", enabled: false }]);
    expect(JSON.parse(r.stdout)).toEqual({
      rxId: "RX1",
      autoRefill: false,
      memberId: "M1-01",
      prescription: { drug: "Levothyroxine", strength: "50 mcg", status: "no_refills" },
    });
  });

  it("--member whose list lacks the prescription: exit 1 and nothing is changed", async () => {
    const bodies = recordPuts();
    server.use(http.get(`${BASE}/prescriptions`, () => HttpResponse.json({ items: [RX] })));
    const r = await runMember(["auto-refill", "RX2", "on", "--member", "M1-01"]);
    expect(r.code).toBe(1);
    expect(bodies).toEqual([]);
    expect(oneErrorLine(r.stderr)).toMatch(/Member M1-01 has no prescription RX2\./);
  });

  it("--member outside the family (403): exit 1, named", async () => {
    server.use(http.get(`${BASE}/prescriptions`, () => problem(403, "forbidden")));
    const r = await runMember(["auto-refill", "RX1", "on", "--member", "X9"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/may not act for member X9.*req-403-forbidden/);
  });

  it("a word other than on or off: exit 64 before any request", async () => {
    for (const word of ["maybe", "yes", "1"]) {
      const r = await runMember(["auto-refill", "RX1", word]);
      expect(r.code, word).toBe(64);
      expect(oneErrorLine(r.stderr)).toMatch(new RegExp(`Say "on" or "off".*not "${word}"`));
    }
    expect(() => parseOnOff(" On ")).not.toThrow();
  });

  it("a missing on|off: exit 64", async () => {
    const r = await runMember(["auto-refill", "RX1"]);
    expect(r.code).toBe(64);
  });

  it("404: exit 1, no such prescription for this account or its dependents", async () => {
    server.use(http.put(`${BASE}/prescriptions/:rxId/auto-refill`, () => problem(404, "not_found")));
    const r = await runMember(["auto-refill", "RX9", "on"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(
      /No prescription RX9 for this account or its dependents\..*\(Request id: req-404-not_found\)$/,
    );
  });

  it("422 not_eligible, expired: exit 1, says why and to ask the prescriber", async () => {
    server.use(
      http.put(`${BASE}/prescriptions/:rxId/auto-refill`, () =>
        problem(422, "not_eligible", { reason: "expired" }),
      ),
    );
    const r = await runMember(["auto-refill", "RX1", "on"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(
      /cannot be turned on for RX1: the prescription has expired\. Ask your prescriber for a new prescription.*req-422-not_eligible/,
    );
  });

  it("422 not_eligible without a reason: the status from --member's list explains it", async () => {
    server.use(
      http.get(`${BASE}/prescriptions`, () => HttpResponse.json({ items: [RX] })),
      http.put(`${BASE}/prescriptions/:rxId/auto-refill`, () => problem(422, "not_eligible")),
    );
    const r = await runMember(["auto-refill", "RX1", "on", "--member", "M1-01"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/no refills are left on the prescription\. Ask your prescriber/);
  });

  it("422 not_eligible with no reason at all still says what usually causes it", async () => {
    server.use(http.put(`${BASE}/prescriptions/:rxId/auto-refill`, () => problem(422, "not_eligible")));
    const r = await runMember(["auto-refill", "RX1", "on", "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/usually because it has expired or has no refills left/);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: "not_eligible", exitCode: 1 });
  });

  for (const failure of SHARED_FAILURES) {
    it(`${failure.name}: exit ${failure.exit}`, async () => {
      server.use(http.put(`${BASE}/prescriptions/:rxId/auto-refill`, failure.reply));
      const r = await runMember(["auto-refill", "RX1", "on"]);
      expect(r.code).toBe(failure.exit);
      expect(oneErrorLine(r.stderr)).toMatch(failure.says);
    });
  }
});
