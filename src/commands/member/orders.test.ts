// `orders list` and `orders show` against msw: what they print, and every way the portal can fail.
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { orderTimeline, timelineWords } from "../../member/orders.js";
import { BASE, oneErrorLine, problem, runMember, SHARED_FAILURES } from "./member.testing.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const SHIPPED = {
  orderId: "ORD-1",
  memberId: "M1",
  status: "shipped",
  items: [{ rxId: "RX1", drug: "Lisinopril" }],
  createdAt: "2026-03-01T10:00:00Z",
  updatedAt: "2026-03-02T10:00:00Z",
  tracking: { carrier: "Parcel Co", number: "PC123", url: "https://track.example/PC123" },
};
const RECEIVED = {
  orderId: "ORD-2",
  memberId: "M1-01",
  status: "received",
  items: [{ rxId: "RX2", drug: "Levothyroxine\u001b[2J" }],
  createdAt: "2026-03-03T10:00:00Z",
  updatedAt: "2026-03-03T10:00:00Z",
};
const ME = {
  memberId: "M1",
  name: "Alice",
  dateOfBirth: "1980-01-01",
  enrolleeType: "commercial",
  recoveryEmailHint: "a***@example.com",
  phoneHint: "***-1234",
  dependents: [{ memberId: "M1-01", name: "Bo", relationship: "child" }],
};

describe("orders list", () => {
  it("--all names a dependent the portal listed but rxportal could not read, and lists the rest", async () => {
    server.use(
      http.get(`${BASE}/me`, () =>
        HttpResponse.json(
          { ...ME, dependents: [...ME.dependents, { name: "No id" }] },
          { headers: { "x-request-id": "req-me" } },
        ),
      ),
      http.get(`${BASE}/orders`, ({ request }) =>
        HttpResponse.json({
          items: new URL(request.url).searchParams.get("memberId") === "M1" ? [SHIPPED] : [RECEIVED],
        }),
      ),
    );
    const r = await runMember(["orders", "--all", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.orders.map((o: { orderId: string }) => o.orderId)).toEqual(["ORD-2", "ORD-1"]);
    expect(doc.problems).toEqual([
      {
        field: "dependents",
        index: 1,
        reason: expect.stringMatching(/^memberId: missing/),
        requestId: "req-me",
      },
    ]);
  });

  it("lists the member's own orders as plain lines, asking for no memberId", async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/orders`, ({ request }) => {
        asked.push(new URL(request.url).searchParams.get("memberId"));
        return HttpResponse.json({ items: [SHIPPED] });
      }),
    );
    const r = await runMember(["orders", "--plain"]);
    expect(r.code).toBe(0);
    expect(asked).toEqual([null]);
    expect(r.stdout).toBe(
      "Order: ORD-1; Member: M1; Status: shipped, on its way; Items: Lisinopril; Ordered: Sun, 1 Mar 2026, 10:00 UTC; Last change: Mon, 2 Mar 2026, 10:00 UTC; Tracking: PC123\n",
    );
    expect(r.stderr).toBe("");
  });

  it("--all asks for the member and each dependent, newest first, with names; escape codes defused", async () => {
    const asked: (string | null)[] = [];
    server.use(
      http.get(`${BASE}/me`, () => HttpResponse.json(ME)),
      http.get(`${BASE}/orders`, ({ request }) => {
        const memberId = new URL(request.url).searchParams.get("memberId");
        asked.push(memberId);
        return HttpResponse.json({ items: memberId === "M1" ? [SHIPPED] : [RECEIVED] });
      }),
    );
    const r = await runMember(["orders", "list", "--all", "--plain"]);
    expect(r.code).toBe(0);
    expect(asked).toEqual(["M1", "M1-01"]);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^Order: ORD-2; Member: Bo \(M1-01\); Status: received, not yet being filled; Items: Levothyroxine \[2J;.*Tracking: none yet$/,
    );
    expect(lines[1]).toMatch(/^Order: ORD-1; Member: Alice \(M1\); Status: shipped, on its way;/);
    expect(r.stdout).not.toContain("\u001b");
  });

  it("--json prints one document with the members asked for and statusText", async () => {
    server.use(http.get(`${BASE}/orders`, () => HttpResponse.json({ items: [SHIPPED] })));
    const r = await runMember(["orders", "--member", "M1", "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.members).toEqual([{ memberId: "M1" }]);
    expect(doc.orders[0]).toMatchObject({ orderId: "ORD-1", statusText: "shipped, on its way" });
    expect(doc.orders[0].tracking.number).toBe("PC123");
  });

  it("says so when there are no orders", async () => {
    server.use(http.get(`${BASE}/orders`, () => HttpResponse.json({ items: [] })));
    const r = await runMember(["orders", "--member", "M1-01"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("No orders for member M1-01.\n");
  });

  it("403 for a member outside the family: exit 1, named, with the request id", async () => {
    server.use(http.get(`${BASE}/orders`, () => problem(403, "forbidden")));
    const r = await runMember(["orders", "--member", "X9"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(
      /may not act for member X9: only for yourself and your dependents\. `rxportal whoami`.*\(Request id: req-403-forbidden\)$/,
    );
    expect(r.stdout).toBe("");
  });

  it("--member with --all is a usage error (64) before any request", async () => {
    const r = await runMember(["orders", "--all", "--member", "M1"]);
    expect(r.code).toBe(64);
    expect(oneErrorLine(r.stderr)).toMatch(/--member <id> or --all, not both/);
  });

  it("a member id with a control character, or a blank one, is a usage error (64)", async () => {
    expect((await runMember(["orders", "--member", "M1\u0007"])).code).toBe(64);
    expect((await runMember(["orders", "--member", "  "])).code).toBe(64);
  });

  for (const failure of SHARED_FAILURES) {
    it(`${failure.name}: exit ${failure.exit}, one line with the request id`, async () => {
      server.use(http.get(`${BASE}/orders`, failure.reply));
      const r = await runMember(["orders"]);
      expect(r.code).toBe(failure.exit);
      expect(oneErrorLine(r.stderr)).toMatch(failure.says);
      expect(r.stdout).toBe("");
    });
  }

  it("not signed in and no way to sign in: exit 77 without a request", async () => {
    const r = await runMember(["orders"], { signedIn: false });
    expect(r.code).toBe(77);
    expect(oneErrorLine(r.stderr)).toMatch(/not signed in.*rxportal login/);
  });
});

describe("orders show", () => {
  it("prints status, progress, items and tracking in words", async () => {
    server.use(http.get(`${BASE}/orders/ORD-1`, () => HttpResponse.json(SHIPPED)));
    const r = await runMember(["orders", "show", "ORD-1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Order ORD-1 for member M1",
        "Status: shipped, on its way (since Mon, 2 Mar 2026, 10:00 UTC)",
        "Progress: received (done), being filled (done), shipped (now), delivered (to come)",
        "Items: Lisinopril (RX1)",
        "Ordered: Sun, 1 Mar 2026, 10:00 UTC",
        "Tracking: Parcel Co, number PC123",
        "Track it at: https://track.example/PC123",
        "",
      ].join("\n"),
    );
  });

  it("an order not shipped yet says the tracking number comes later", async () => {
    server.use(http.get(`${BASE}/orders/ORD-2`, () => HttpResponse.json(RECEIVED)));
    const r = await runMember(["orders", "show", "ORD-2"]);
    expect(r.stdout).toContain("Tracking: none yet; a tracking number appears once the order ships.");
    expect(r.stdout).toContain("Progress: received (now), being filled (to come)");
  });

  it("--json adds statusText and the timeline", async () => {
    server.use(http.get(`${BASE}/orders/ORD-1`, () => HttpResponse.json(SHIPPED)));
    const r = await runMember(["orders", "show", "ORD-1", "--json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.statusText).toBe("shipped, on its way");
    expect(doc.timeline.map((s: { state: string }) => s.state)).toEqual(["done", "done", "now", "next"]);
    expect(doc.tracking).toEqual(SHIPPED.tracking);
  });

  it("404: exit 1, 'No order <id> for this account or its dependents', with the request id", async () => {
    server.use(http.get(`${BASE}/orders/ORD-404`, () => problem(404, "not_found")));
    const r = await runMember(["orders", "show", "ORD-404"]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(
      /^rxportal: No order ORD-404 for this account or its dependents\. .*\(Request id: req-404-not_found\)$/,
    );
  });

  it("404 with --json: the error as one JSON document on stdout", async () => {
    server.use(http.get(`${BASE}/orders/ORD-404`, () => problem(404, "not_found")));
    const r = await runMember(["orders", "show", "ORD-404", "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: "not_found",
      exitCode: 1,
      requestId: "req-404-not_found",
    });
  });

  for (const failure of SHARED_FAILURES) {
    it(`${failure.name}: exit ${failure.exit}`, async () => {
      server.use(http.get(`${BASE}/orders/ORD-1`, failure.reply));
      const r = await runMember(["orders", "show", "ORD-1"]);
      expect(r.code).toBe(failure.exit);
      expect(oneErrorLine(r.stderr)).toMatch(failure.says);
    });
  }

  it("a missing order id is a usage error (64)", async () => {
    const r = await runMember(["orders", "show"]);
    expect(r.code).toBe(64);
  });
});

describe("order timeline", () => {
  it("a delivered order has every step done; a cancelled one has none", () => {
    expect(orderTimeline("delivered").every((s) => s.state === "done")).toBe(true);
    expect(orderTimeline("cancelled")).toEqual([]);
    expect(timelineWords("cancelled")).toMatch(/^cancelled/);
    expect(timelineWords("processing")).toBe(
      "received (done), being filled (now), shipped (to come), delivered (to come)",
    );
  });
});
