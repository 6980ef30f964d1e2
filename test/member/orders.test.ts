// `orders` against the sandbox: the member's orders, the family's, and an order moving on the clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { json, newHome, rx } from "./helpers.js";

const HOUR = 3_600_000;
let sb: RunningSandbox;
let home: string;

beforeAll(async () => {
  sb = await startSandbox({ port: 0 });
});
afterAll(() => sb.close());
beforeEach(() => {
  sb.reset();
  home = newHome();
});

type Listed = { orderId: string; memberId: string; status: string; statusText: string; tracking?: unknown };

describe("orders against the sandbox", () => {
  it("lists the member's own orders, newest first, in every state so far", async () => {
    const r = await rx(sb, home, ["orders", "--json"]);
    expect(r.code).toBe(0);
    const orders = json(r).orders as Listed[];
    expect(orders.map((o) => [o.orderId, o.status])).toEqual([
      ["ORD-200101", "received"],
      ["ORD-200102", "processing"],
      ["ORD-200104", "delivered"],
    ]);
    expect(orders.every((o) => o.memberId === "SBX100001")).toBe(true);
    expect(orders[2]?.statusText).toBe("delivered");
  });

  it("--all adds the spouse's shipped order and the child's cancelled one, with names", async () => {
    const r = await rx(sb, home, ["orders", "--all", "--plain"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith("Order: ORD-200103;"))).toMatch(
      /Member: Casey Sample \(SBX100001-01\); Status: shipped, on its way;.*Tracking: SBX0000200103$/,
    );
    expect(lines.find((l) => l.startsWith("Order: ORD-200105;"))).toMatch(
      /Member: Robin Sample \(SBX100001-02\); Status: cancelled, nothing will be sent;.*Tracking: none$/,
    );
  });

  it("an order moves received → processing → shipped with tracking as the sandbox clock runs", async () => {
    const first = await rx(sb, home, ["orders", "show", "ORD-200101"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Status: received, not yet being filled");
    expect(first.stdout).toContain("Tracking: none yet");

    sb.advanceClock(1 * HOUR);
    const processing = await rx(sb, home, ["orders", "show", "ORD-200101", "--json"]);
    expect(json(processing)).toMatchObject({
      status: "processing",
      statusText: "being filled at the pharmacy",
    });
    expect(json(processing).tracking).toBeUndefined();

    sb.advanceClock(23 * HOUR);
    const shipped = await rx(sb, home, ["orders", "show", "ORD-200101"]);
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toContain("Status: shipped, on its way");
    expect(shipped.stdout).toContain(
      "Progress: received (done), being filled (done), shipped (now), delivered (to come)",
    );
    expect(shipped.stdout).toContain("Tracking: Sandbox Parcel (fictional), number SBX0000200101");
    expect(shipped.stdout).toContain("Track it at: https://tracking.example.com/track/SBX0000200101");
  });

  it("an order of another family is 'no order' (exit 1), and another member's list is forbidden", async () => {
    const r = await rx(sb, home, ["orders", "show", "ORD-200101"], { username: "wren.medicare" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No order ORD-200101 for this account or its dependents\..*Request id: /);
    const forbidden = await rx(sb, home, ["orders", "--member", "SBX100008"]);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/may not act for member SBX100008/);
  });

  it("the orders service in maintenance: exit 69", async () => {
    sb.addFault({ kind: "maintenance", value: 120, path: "/orders" });
    const r = await rx(sb, home, ["orders"]);
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/down for maintenance/);
  });
});
