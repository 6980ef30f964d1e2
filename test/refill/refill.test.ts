// refill list / order / pending against the real sandbox portal, in process.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { refillOrderCommand } from "../../src/commands/refill/order.js";
import { reportError, run } from "../../src/main.js";
import { PortalClient } from "../../src/portal/client.js";
import { RefillJournal } from "../../src/refill/journal.js";
import { parseFaultSpec } from "../../src/sandbox/faults.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, testContext } from "../helpers/context.js";
import { type AnswerDelayProxy, startAnswerDelayProxy } from "./proxy.js";

const PASSWORD = "Sandbox-Pass-2026";
const USER = ["--username", "pat.sample"];
let sandbox: RunningSandbox;
// The CLI talks to the sandbox through this proxy, which can hold back the portal's answers.
let proxy: AnswerDelayProxy;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  proxy = await startAnswerDelayProxy(sandbox.baseUrl);
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
  proxy.delayAnswers("/", 0, 0);
});

/**
 * A context signed in through RXPORTAL_PASSWORD, sharing `dir` (and so the journal) when given.
 * `requestTimeoutMs` is the profile's limit per request (--timeout would limit the whole command).
 */
function cli(dir?: string, globals: { timeout?: number } = {}, requestTimeoutMs?: number) {
  const t = testContext({ baseUrl: proxy.baseUrl, dir, env: { RXPORTAL_PASSWORD: PASSWORD }, globals });
  if (requestTimeoutMs !== undefined) {
    writeFileSync(
      join(t.dir, "config", "config.yaml"),
      `defaultProfile: test\nprofiles:\n  test:\n    baseUrl: ${proxy.baseUrl}\n    timeoutMs: ${requestTimeoutMs}\n`,
    );
  }
  return t;
}

/** The orders the portal holds for a member, asked directly. */
async function ordersOf(memberId: string): Promise<string[]> {
  const anonymous = new PortalClient({ baseUrl: sandbox.baseUrl, fetch: globalThis.fetch });
  const answer = await anonymous.login({ username: "pat.sample", password: PASSWORD });
  if (answer.result !== "ok") throw new Error("pat.sample signs in without a second step");
  const client = anonymous.as(answer);
  return (await client.listOrders(memberId)).items.map((o) => o.orderId);
}

describe("refill against the sandbox", () => {
  it("lists the member and both dependents with their prescriptions", async () => {
    const t = cli();
    expect(await run(["refill", "list", ...USER, "--json"], t.ctx)).toBe(0);
    const doc = JSON.parse(t.stdout.text) as {
      members: {
        memberId: string;
        relationship: string;
        prescriptions: { rxId: string; status: string }[];
      }[];
    };
    expect(doc.members.map((m) => [m.memberId, m.relationship])).toEqual([
      ["SBX100001", "self"],
      ["SBX100001-01", "spouse"],
      ["SBX100001-02", "child"],
    ]);
    const statuses = new Set(doc.members.flatMap((m) => m.prescriptions.map((p) => p.status)));
    expect([...statuses].sort()).toEqual(["active", "expired", "no_refills", "too_soon"]);
    expect(doc.members[1]?.prescriptions.map((p) => p.rxId)).toEqual(["RX-100105"]);
  });

  it("orders a dependent's refill once; a second order within the window shows it, --again asks the portal (too soon)", async () => {
    const before = await ordersOf("SBX100001-02");
    const t = cli();
    expect(
      await run(
        ["refill", "order", "RX-100106", "--member", "SBX100001-02", "--yes", "--json", ...USER],
        t.ctx,
      ),
    ).toBe(0);
    const doc = JSON.parse(t.stdout.text);
    expect(doc).toMatchObject({
      memberId: "SBX100001-02",
      memberName: "Robin Sample",
      items: [{ rxId: "RX-100106", drug: "Albuterol inhaler" }],
      replayed: false,
    });
    expect(doc.estimatedDelivery).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const after = await ordersOf("SBX100001-02");
    expect(after.filter((id) => !before.includes(id))).toEqual([doc.orderId]);

    // Within the window: the first order is the answer, nothing is sent.
    const twice = cli(t.dir);
    expect(await run(["refill", "order", "RX-100106", "--yes", "--json", ...USER], twice.ctx)).toBe(0);
    expect(JSON.parse(twice.stdout.text)).toMatchObject({ orderId: doc.orderId, alreadyOrdered: true });
    expect(twice.stderr.text).toContain(`order ${doc.orderId}; nothing was ordered now. Use --again`);
    expect((await new RefillJournal(`${t.dir}/data`).list()).entries).toHaveLength(1);

    const again = cli(t.dir);
    expect(await run(["refill", "order", "RX-100106", "--yes", "--again", ...USER], again.ctx)).toBe(1);
    expect(again.stderr.text).toMatch(
      /The portal will not refill RX-100106 \(too soon\)\. \(Request id: [0-9a-f-]+\)/,
    );
    const entries = (await new RefillJournal(`${t.dir}/data`).list()).entries;
    expect(entries.map((e) => e.state)).toEqual(["done", "refused"]);
    expect(await ordersOf("SBX100001-02")).toHaveLength(after.length);
  });

  it("an answer lost to a timeout is replayed with the same key: one order, marked replayed", async () => {
    const before = await ordersOf("SBX100001");
    // The portal makes the order at once, but its answer arrives after the request's time limit.
    proxy.delayAnswers("/refills", 700, 1);
    const t = cli(undefined, {}, 300);
    expect(await run(["refill", "order", "RX-100101", "--yes", "--json", ...USER], t.ctx)).toBe(0);
    const doc = JSON.parse(t.stdout.text);
    expect(doc.replayed).toBe(true);
    expect(t.stderr.text).toMatch(/asking again in 1 second with the same order key/);
    const created = (await ordersOf("SBX100001")).filter((id) => !before.includes(id));
    expect(created).toEqual([doc.orderId]);
  });

  it("refill pending finishes what order left open: one order placed now, one replayed", async () => {
    const t = cli();
    const fast = { policy: { rounds: 1 } };
    const order = async (rx: string) => {
      const c = cli(t.dir);
      try {
        return (await refillOrderCommand(c.ctx, [rx], { username: "pat.sample", yes: true }, fast)) ?? 0;
      } catch (error) {
        return reportError(c.ctx, error);
      } finally {
        await closeContext(c.ctx);
      }
    };
    const selfBefore = await ordersOf("SBX100001");
    const spouseBefore = await ordersOf("SBX100001-01");

    // Never arrives: the connection is cut before the portal reads the order (one round, one
    // request: the client does not retry an order on its own).
    sandbox.addFault(parseFaultSpec("reset@/refills#1"));
    expect(await order("RX-100101")).toBe(69);
    // Arrives, but the answer comes after the request's time limit.
    proxy.delayAnswers("/refills", 600, 1);
    const slow = cli(t.dir, {}, 250);
    try {
      expect(
        await refillOrderCommand(slow.ctx, ["RX-100105"], { username: "pat.sample", yes: true }, fast).catch(
          (error: unknown) => reportError(slow.ctx, error),
        ),
      ).toBe(69);
    } finally {
      await closeContext(slow.ctx);
    }
    expect(slow.stderr.text).toContain("`rxportal refill pending` will finish it; do not order again.");
    await new Promise((r) => setTimeout(r, 600));
    expect((await ordersOf("SBX100001")).length).toBe(selfBefore.length);
    expect((await ordersOf("SBX100001-01")).length).toBe(spouseBefore.length + 1);

    const p = cli(t.dir);
    expect(await run(["refill", "pending", ...USER, "--json"], p.ctx)).toBe(0);
    const doc = JSON.parse(p.stdout.text);
    expect(doc).toMatchObject({ settled: 2, open: 0 });
    expect(doc.entries.map((e: { rxIds: string[]; replayed: boolean }) => [e.rxIds[0], e.replayed])).toEqual([
      ["RX-100101", false],
      ["RX-100105", true],
    ]);
    expect((await ordersOf("SBX100001")).length).toBe(selfBefore.length + 1);
    expect((await ordersOf("SBX100001-01")).length).toBe(spouseBefore.length + 1);

    const again = cli(t.dir);
    expect(await run(["refill", "pending", ...USER], again.ctx)).toBe(0);
    expect(again.stdout.text).toBe("No unfinished refill orders.\n");
  });
});
