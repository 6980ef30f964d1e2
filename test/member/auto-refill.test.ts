// `auto-refill` against the sandbox: the change sticks, and the portal's refusals come out in words.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { call, signIn } from "../sandbox/helpers.js";
import { json, newHome, rx } from "./helpers.js";

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

/** What the portal itself now says about one prescription's automatic refills. */
async function autoRefillOf(memberId: string, rxId: string): Promise<boolean | undefined> {
  const { accessToken } = await signIn(sb, "pat.sample");
  const res = await call(sb, "GET", `/prescriptions?memberId=${memberId}`, { token: accessToken });
  const { items } = (await res.json()) as { items: { rxId: string; autoRefill: boolean }[] };
  return items.find((p) => p.rxId === rxId)?.autoRefill;
}

describe("auto-refill against the sandbox", () => {
  it("turns automatic refills on, then off for a dependent's prescription, and the portal keeps it", async () => {
    expect(await autoRefillOf("SBX100001", "RX-100101")).toBe(false);
    const on = await rx(sb, home, ["auto-refill", "RX-100101", "on"]);
    expect(on.code).toBe(0);
    expect(on.stdout).toBe(
      "Automatic refills are now on for RX-100101: the pharmacy will refill it when it is due.\n",
    );
    expect(await autoRefillOf("SBX100001", "RX-100101")).toBe(true);

    const off = await rx(sb, home, ["auto-refill", "RX-100105", "off", "--member", "SBX100001-01", "--json"]);
    expect(off.code).toBe(0);
    expect(json(off)).toMatchObject({
      rxId: "RX-100105",
      autoRefill: false,
      memberId: "SBX100001-01",
      prescription: { drug: "Levothyroxine" },
    });
    expect(await autoRefillOf("SBX100001-01", "RX-100105")).toBe(false);
  });

  it("not_eligible: no refills left, or expired, exit 1 with why and what to do", async () => {
    const none = await rx(sb, home, ["auto-refill", "RX-100103", "on"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /cannot be turned on for RX-100103: no refills are left on the prescription\. Ask your prescriber for a new prescription.*Request id: /,
    );
    const expired = await rx(sb, home, ["auto-refill", "RX-100104", "on", "--json"]);
    expect(expired.code).toBe(1);
    expect(json(expired).error).toMatchObject({ code: "not_eligible", exitCode: 1 });
    expect(expired.stderr).toMatch(/the prescription has expired/);
    // Turning it off is always allowed.
    expect((await rx(sb, home, ["auto-refill", "RX-100104", "off"])).code).toBe(0);
  });

  it("another family's prescription is 'no prescription' (exit 1); a bad word is 64 before sign-in", async () => {
    const other = await rx(sb, home, ["auto-refill", "RX-100801", "on"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/No prescription RX-100801 for this account or its dependents/);
    expect(await autoRefillOf("SBX100001", "RX-100801")).toBeUndefined();

    const bad = await rx(sb, home, ["auto-refill", "RX-100101", "sometimes"], { password: "" });
    expect(bad.code).toBe(64);
  });
});
