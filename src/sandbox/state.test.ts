// The sandbox's per-member lists: the index the list routes read must always say what a scan of
// every record would.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import { seed } from "./seed.js";
import { SandboxState } from "./state.js";

const memberIds = (state: SandboxState) => [
  ...new Set([...state.prescriptions.values(), ...state.orders.values()].map((r) => r.memberId)),
];

describe("SandboxState lists by member", () => {
  it("hold exactly each member's seeded prescriptions and orders, and nothing for anyone else", () => {
    const state = new SandboxState(new ManualClock(Date.parse("2026-03-01T12:00:00Z")), seed);
    const members = memberIds(state);
    expect(members.length).toBeGreaterThan(3);
    for (const id of members) {
      expect(state.prescriptionsOf(id)).toEqual(
        [...state.prescriptions.values()].filter((r) => r.memberId === id),
      );
      expect(state.ordersOf(id)).toEqual([...state.orders.values()].filter((o) => o.memberId === id));
    }
    expect(state.prescriptionsOf("NOBODY")).toEqual([]);
    expect(state.ordersOf("NOBODY")).toEqual([]);
  });

  it("follow orders placed after the seed, and forget them at a reseed (generated)", () => {
    const state = new SandboxState(new ManualClock(Date.parse("2026-03-01T12:00:00Z")), seed);
    const members = [...memberIds(state), "NEW-1"];
    const seeded = new Map(members.map((id) => [id, state.ordersOf(id).length]));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...members), { maxLength: 20 }), (placedFor) => {
        state.reseed();
        for (const [i, memberId] of placedFor.entries())
          state.addOrder({ orderId: `ORD-T${i}`, memberId, items: [], createdAt: i });
        for (const id of members) {
          const scan = [...state.orders.values()].filter((o) => o.memberId === id);
          expect(state.ordersOf(id)).toEqual(scan);
          expect(scan.length).toBe((seeded.get(id) ?? 0) + placedFor.filter((m) => m === id).length);
        }
        // A record changed in place (a refill lowers refillsRemaining) is the one the list shows.
        const rx = state.prescriptions.values().next().value;
        if (rx) {
          rx.refillsRemaining += 1;
          expect(state.prescriptionsOf(rx.memberId)).toContain(rx);
        }
      }),
      { numRuns: 100 },
    );
  });
});
