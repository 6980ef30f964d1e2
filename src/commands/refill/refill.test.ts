// refill list / order / pending against msw: every way the portal can answer a refill order, and
// what is left in the journal after each.

import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeContext, type TestContext, testContext } from "../../../test/helpers/context.js";
import { problemResponse } from "../../../test/helpers/problem.js";
import { ScriptedPrompter } from "../../../test/helpers/prompter.js";
import { reportError } from "../../main.js";
import { intentLockName, type JournalEntry, RefillJournal } from "../../refill/journal.js";
import type { Prompter } from "../../ui/prompts.js";
import type { CommandResult } from "../kit.js";
import { refillListCommand } from "./list.js";
import { refillOrderCommand } from "./order.js";
import { refillPendingCommand } from "./pending.js";

const BASE = "https://portal.test/api/v1";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const ME = {
  memberId: "M1",
  name: "Alice Doe",
  dateOfBirth: "1980-01-01",
  enrolleeType: "commercial",
  recoveryEmailHint: "a***@example.com",
  phoneHint: "***-***-1234",
  dependents: [{ memberId: "M1-01", name: "Ben Doe", relationship: "child" }],
};
const rx = (rxId: string, memberId: string, drug: string, status = "active") => ({
  rxId,
  memberId,
  drug,
  strength: "10 mg",
  quantity: 30,
  daysSupply: 30,
  refillsRemaining: 2,
  lastFilled: "2026-01-01",
  nextEligibleDate: "2026-01-24",
  autoRefill: false,
  status,
});
const PRESCRIPTIONS: Record<string, ReturnType<typeof rx>[]> = {
  M1: [rx("RX-1", "M1", "Lisinopril"), rx("RX-2", "M1", "Metformin", "no_refills")],
  "M1-01": [rx("RX-7", "M1-01", "Albuterol inhaler")],
};
const created = (rxIds: string[], orderId = "ORD-1") => ({
  orderId,
  status: "received",
  items: rxIds.map((id) => ({ rxId: id, drug: "Lisinopril" })),
  estimatedDelivery: "2026-02-01",
  createdAt: "2026-01-25T10:00:00Z",
});
const problem = problemResponse;

interface Sent {
  key: string | null;
  body: { memberId: string; rxIds: string[] };
}

/** GET /me and /prescriptions as above; POST /refills answered by `answer` (nth call from 0). */
function portal(answer: (n: number, sent: Sent) => Response | Promise<Response>): Sent[] {
  const sent: Sent[] = [];
  server.use(
    http.get(`${BASE}/me`, () => HttpResponse.json(ME)),
    http.get(`${BASE}/prescriptions`, ({ request }) => {
      const member = new URL(request.url).searchParams.get("memberId") ?? "M1";
      const items = PRESCRIPTIONS[member];
      return items ? HttpResponse.json({ items }) : problem(403, "forbidden");
    }),
    http.post(`${BASE}/refills`, async ({ request }) => {
      const s = { key: request.headers.get("idempotency-key"), body: (await request.json()) as Sent["body"] };
      sent.push(s);
      return answer(sent.length - 1, s);
    }),
  );
  return sent;
}

/** GET /me answered only once the member's own list was asked for (or after `waitMs`). */
function portalSeeing(me: typeof ME, waitMs = 1000): string[] {
  const seen: string[] = [];
  let selfAsked: () => void = () => {};
  const asked = new Promise<void>((resolve) => {
    selfAsked = resolve;
  });
  server.use(
    http.get(`${BASE}/me`, async () => {
      seen.push("me asked");
      await Promise.race([asked, delay(waitMs)]);
      seen.push("me answered");
      return HttpResponse.json(me);
    }),
    http.get(`${BASE}/prescriptions`, ({ request }) => {
      const member = new URL(request.url).searchParams.get("memberId") ?? "";
      seen.push(`prescriptions ${member}`);
      if (member === me.memberId) selfAsked();
      const items = PRESCRIPTIONS[member];
      return items ? HttpResponse.json({ items }) : problem(403, "forbidden");
    }),
  );
  return seen;
}

const fast = { policy: { backoffMs: 1, sleep: async () => {} } };

async function signedIn(
  opts: { prompter?: Prompter; json?: boolean; timeout?: number; dir?: string; memberId?: string } = {},
) {
  const t = testContext({
    baseUrl: BASE,
    prompter: opts.prompter,
    dir: opts.dir,
    globals: { json: opts.json, timeout: opts.timeout ?? 3000 },
  });
  await t.credentials.store.setSession("test", "alice", {
    accessToken: "tok-abc",
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    ...(opts.memberId ? { memberId: opts.memberId } : {}),
  });
  return t;
}

/** Runs a command as main.ts would: a thrown CliError becomes its line and exit code. */
async function exec(t: TestContext, fn: () => Promise<CommandResult>): Promise<number> {
  try {
    return (await fn()) ?? 0;
  } catch (error) {
    return reportError(t.ctx, error);
  } finally {
    await closeContext(t.ctx);
  }
}

const order = (t: TestContext, rxIds: string[], opts: object = {}) =>
  exec(t, () => refillOrderCommand(t.ctx, rxIds, { username: "alice", yes: true, ...opts }, fast));
const pending = (t: TestContext) => exec(t, () => refillPendingCommand(t.ctx, { username: "alice" }, fast));
const journalOf = (t: TestContext) => new RefillJournal(join(t.dir, "data"));
const entries = async (t: TestContext): Promise<JournalEntry[]> => (await journalOf(t).list()).entries;
const oneLine = (text: string) => expect(text.trim().split("\n")).toHaveLength(1);
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe("refill list", () => {
  it("lists the member and every dependent, with --json as one document", async () => {
    portal(() => problem(500, "unexpected"));
    const t = await signedIn({ json: true });
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(0);
    const doc = JSON.parse(t.stdout.text);
    expect(
      doc.members.map((m: { memberId: string; relationship: string }) => [m.memberId, m.relationship]),
    ).toEqual([
      ["M1", "self"],
      ["M1-01", "child"],
    ]);
    expect(doc.members[1].prescriptions[0]).toMatchObject({
      rxId: "RX-7",
      drug: "Albuterol inhaler",
      status: "active",
    });
  });

  it("draws one row per prescription with member, drug and strength, status, refills, next date, auto-refill", async () => {
    portal(() => problem(500, "unexpected"));
    const t = await signedIn();
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(0);
    const lines = t.stdout.text.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(
      "Member: Alice Doe (self); Rx: RX-2; Drug: Metformin 10 mg; Status: no refills left; Refills left: 2; Next eligible: 2026-01-24; Auto-refill: off",
    );
    expect(lines[2]).toContain("Member: Ben Doe (child); Rx: RX-7");
  });

  it("--member asks for that member only; a member outside the family is refused by the portal (exit 1)", async () => {
    portal(() => problem(500, "unexpected"));
    const one = await signedIn({ json: true });
    expect(await exec(one, () => refillListCommand(one.ctx, { username: "alice", member: "M1-01" }))).toBe(0);
    expect(JSON.parse(one.stdout.text).members.map((m: { memberId: string }) => m.memberId)).toEqual([
      "M1-01",
    ]);

    const other = await signedIn();
    expect(await exec(other, () => refillListCommand(other.ctx, { username: "alice", member: "X9" }))).toBe(
      1,
    );
    expect(other.stderr.text).toContain("may not act for that member");
    expect(other.stdout.text).toBe("");
  });

  it("a rejected session is exit 77 with the next step", async () => {
    server.use(http.get(`${BASE}/me`, () => problem(401, "token_expired")));
    const t = await signedIn();
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(77);
    expect(t.stderr.text).toMatch(/expired.*rxportal login/);
  });

  it("with the member known from the sign-in, asks for the member's own list beside GET /me, the dependents' after it", async () => {
    const seen = portalSeeing(ME);
    const t = await signedIn({ json: true, memberId: "M1" });
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(0);
    expect(seen.indexOf("prescriptions M1")).toBeLessThan(seen.indexOf("me answered"));
    expect(seen.indexOf("prescriptions M1-01")).toBeGreaterThan(seen.indexOf("me answered"));
    expect(seen.filter((s) => s.startsWith("prescriptions"))).toHaveLength(2);
    const doc = JSON.parse(t.stdout.text);
    expect(
      doc.members.map((m: { prescriptions: { rxId: string }[] }) => m.prescriptions.map((p) => p.rxId)),
    ).toEqual([["RX-1", "RX-2"], ["RX-7"]]);

    // --member naming the member: the same early request; naming a dependent: none before /me.
    const own = portalSeeing(ME);
    const one = await signedIn({ json: true, memberId: "M1" });
    expect(await exec(one, () => refillListCommand(one.ctx, { username: "alice", member: "M1" }))).toBe(0);
    expect(own.indexOf("prescriptions M1")).toBeLessThan(own.indexOf("me answered"));
    const dependent = portalSeeing(ME, 50);
    const two = await signedIn({ json: true, memberId: "M1" });
    expect(await exec(two, () => refillListCommand(two.ctx, { username: "alice", member: "M1-01" }))).toBe(0);
    expect(dependent).toEqual(["me asked", "me answered", "prescriptions M1-01"]);
  });

  it("drops the early list when GET /me names another member, and asks for the one /me names", async () => {
    const seen = portalSeeing(ME, 50);
    // The session remembers M0 (the portal's ids changed since); M0's list is refused (403).
    const t = await signedIn({ json: true, memberId: "M0" });
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(0);
    expect(seen.indexOf("prescriptions M0")).toBeLessThan(seen.indexOf("me answered"));
    expect(seen.indexOf("prescriptions M1")).toBeGreaterThan(seen.indexOf("me answered"));
    const doc = JSON.parse(t.stdout.text);
    expect(doc.members.map((m: { memberId: string }) => m.memberId)).toEqual(["M1", "M1-01"]);
    expect(doc.problems).toEqual([]);
    expect(t.stderr.text).toBe("");
  });

  it("a GET /me that fails is the failure told, not the early list's", async () => {
    server.use(
      http.get(`${BASE}/me`, async () => {
        await delay(30);
        return problem(401, "token_expired");
      }),
      http.get(`${BASE}/prescriptions`, () => problem(503, "maintenance")),
    );
    const t = await signedIn({ memberId: "M1" });
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(77);
    expect(t.stderr.text).toMatch(/expired.*rxportal login/);
    noStack(t.stderr.text);
  });

  it("marks the prescriptions of an open journal entry as an unfinished order, and says how to finish it", async () => {
    portal(() => problem(500, "unexpected"));
    const t = await signedIn({ json: true });
    await journalOf(t).create({ profile: "test", username: "alice", memberId: "M1-01", rxIds: ["RX-7"] });
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(0);
    const doc = JSON.parse(t.stdout.text);
    const marks = doc.members.flatMap((m: { prescriptions: { rxId: string; unfinishedOrder: boolean }[] }) =>
      m.prescriptions.map((p) => [p.rxId, p.unfinishedOrder]),
    );
    expect(marks).toEqual([
      ["RX-1", false],
      ["RX-2", false],
      ["RX-7", true],
    ]);
    expect(t.stderr.text).toContain("1 refill order is not finished; run `rxportal refill pending`.");
  });

  it("with no journal yet, marks nothing and makes no journal folder", async () => {
    portal(() => problem(500, "unexpected"));
    const t = await signedIn({ json: true });
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(0);
    expect(JSON.parse(t.stdout.text).members[0].prescriptions[0].unfinishedOrder).toBe(false);
    expect(readdirSync(t.dir, { recursive: true }).map(String)).not.toContainEqual(
      expect.stringContaining("refill-journal"),
    );
  });

  it("a journal folder that is not one: exit 78 naming it, no stack, nothing listed", async () => {
    portal(() => problem(500, "unexpected"));
    const t = await signedIn();
    mkdirSync(join(t.dir, "data"), { recursive: true });
    writeFileSync(join(t.dir, "data", "refill-journal"), "");
    expect(await exec(t, () => refillListCommand(t.ctx, { username: "alice" }))).toBe(78);
    expect(t.stderr.text).toContain(`${join(t.dir, "data", "refill-journal")} is not a folder`);
    noStack(t.stderr.text);
    expect(t.stdout.text).toBe("");
  });
});

describe("refill order", () => {
  it("journals the entry before sending, sends its key, and closes it with the order", async () => {
    let t: TestContext | undefined;
    let onDisk: JournalEntry[] = [];
    const sent = portal(async () => {
      // What is on disk while the request is in flight.
      onDisk = await entries(t as TestContext);
      return HttpResponse.json(created(["RX-1"]), { status: 201, headers: { "X-Request-Id": "req-ok" } });
    });
    t = await signedIn({ prompter: new ScriptedPrompter([true]) });
    expect(await exec(t, () => refillOrderCommand(t.ctx, ["RX-1"], { username: "alice" }, fast))).toBe(0);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.key).toMatch(UUID_V4);
    expect(sent[0]?.body).toEqual({ memberId: "M1", rxIds: ["RX-1"] });
    expect(onDisk).toHaveLength(1);
    expect(onDisk[0]).toMatchObject({ key: sent[0]?.key, state: "open", memberId: "M1", rxIds: ["RX-1"] });
    expect(await entries(t)).toMatchObject([{ key: sent[0]?.key, state: "done", orderId: "ORD-1" }]);

    expect(t.stdout.text).toBe(
      "Order ORD-1 placed for Alice Doe (member M1).\n  RX-1  Lisinopril\nEstimated delivery: 2026-02-01\n",
    );
    expect(t.stderr.text).toContain("RX-1  Lisinopril 10 mg");
  });

  it("with the member known from the sign-in, asks for the member's own list beside GET /me and orders for the member whose list holds it", async () => {
    const sent = portal(() => HttpResponse.json(created(["RX-7"]), { status: 201 }));
    const seen = portalSeeing(ME);
    const t = await signedIn({ memberId: "M1" });
    expect(
      await exec(t, () => refillOrderCommand(t.ctx, ["RX-7"], { username: "alice", yes: true }, fast)),
    ).toBe(0);
    expect(seen.indexOf("prescriptions M1")).toBeLessThan(seen.indexOf("me answered"));
    expect(seen.indexOf("prescriptions M1-01")).toBeGreaterThan(seen.indexOf("me answered"));
    expect(sent.map((x) => x.body)).toEqual([{ memberId: "M1-01", rxIds: ["RX-7"] }]);
  });

  it("without a terminal and without --yes: exit 64 naming --yes, nothing journalled or sent", async () => {
    const sent = portal(() => HttpResponse.json(created(["RX-1"]), { status: 201 }));
    const t = testContext({ baseUrl: BASE });
    await t.credentials.store.setSession("test", "alice", {
      accessToken: "tok",
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    // The real prompter, which refuses to wait without a terminal.
    const { createPrompter } = await import("../../ui/prompts.js");
    Object.defineProperty(t.ctx, "prompter", { value: createPrompter(t.ctx) });
    expect(await exec(t, () => refillOrderCommand(t.ctx, ["RX-1"], { username: "alice" }, fast))).toBe(64);
    expect(t.stderr.text).toMatch(/no terminal to ask on; pass --yes/);
    expect(sent).toHaveLength(0);
    expect(await entries(t)).toEqual([]);
  });

  it("a 'no' at the prompt orders nothing", async () => {
    const sent = portal(() => HttpResponse.json(created(["RX-1"]), { status: 201 }));
    const t = await signedIn({ prompter: new ScriptedPrompter([false]) });
    expect(await exec(t, () => refillOrderCommand(t.ctx, ["RX-1"], { username: "alice" }, fast))).toBe(0);
    expect(sent).toHaveLength(0);
    expect(t.stdout.text).toBe("");
    expect(await entries(t)).toEqual([]);
  });

  it("finds the dependent a prescription belongs to, and refuses ids that are unknown or span members", async () => {
    const sent = portal(() => HttpResponse.json(created(["RX-7"]), { status: 201 }));
    const t = await signedIn({ json: true });
    expect(await order(t, ["RX-7"])).toBe(0);
    expect(sent[0]?.body).toEqual({ memberId: "M1-01", rxIds: ["RX-7"] });
    expect(JSON.parse(t.stdout.text)).toMatchObject({
      orderId: "ORD-1",
      memberId: "M1-01",
      memberName: "Ben Doe",
    });

    const unknown = await signedIn();
    expect(await order(unknown, ["RX-404"])).toBe(64);
    expect(unknown.stderr.text).toMatch(/RX-404 is not a prescription of you or your dependents/);
    const mixed = await signedIn();
    expect(await order(mixed, ["RX-1", "RX-7"])).toBe(64);
    expect(mixed.stderr.text).toMatch(/different members/);
    expect(sent).toHaveLength(1);
  });

  it("403 for a member outside the family: exit 1, nothing journalled or sent", async () => {
    const sent = portal(() => HttpResponse.json(created(["RX-1"]), { status: 201 }));
    const t = await signedIn();
    expect(await order(t, ["RX-1"], { member: "X9" })).toBe(1);
    expect(t.stderr.text).toMatch(/may not act for that member.*\(Request id: req-403\)/);
    expect(sent).toHaveLength(0);
    expect(await entries(t)).toEqual([]);
  });

  it("401 on the order itself: exit 77, the entry stays open, sign in then `refill pending`", async () => {
    const sent = portal(() => problem(401, "token_expired"));
    const t = await signedIn();
    expect(await order(t, ["RX-1"])).toBe(77);
    expect(sent).toHaveLength(1);
    expect(await entries(t)).toMatchObject([{ state: "open", key: sent[0]?.key }]);
    oneLine(t.stderr.text.split("\n").slice(-2).join("\n"));
    expect(t.stderr.text).toContain(
      "Run `rxportal login`, then `rxportal refill pending` to finish it; do not order again.",
    );
  });

  it("409 (never from us): exit 1, not retried, the entry stays open and is reported", async () => {
    const sent = portal(() => problem(409, "idempotency_conflict"));
    const t = await signedIn({ json: true });
    expect(await order(t, ["RX-1"])).toBe(1);
    expect(sent).toHaveLength(1);
    expect(await entries(t)).toMatchObject([{ state: "open" }]);
    expect(JSON.parse(t.stdout.text).error).toMatchObject({
      exitCode: 1,
      code: "order_not_confirmed",
      cause: "idempotency_conflict",
      requestId: "req-409",
      key: sent[0]?.key,
    });
    expect(t.stderr.text).toMatch(/already used for a different refill order.*bug in rxportal/);
  });

  it("422 closes the entry as refused with the portal's reasons: exit 1", async () => {
    const sent = portal(() =>
      problem(422, "refill_not_allowed", { items: [{ rxId: "RX-2", reason: "no_refills" }] }),
    );
    const t = await signedIn({ json: true });
    expect(await order(t, ["RX-2"])).toBe(1);
    expect(sent).toHaveLength(1);
    const [entry] = await entries(t);
    expect(entry).toMatchObject({
      state: "refused",
      result: {
        kind: "refused",
        code: "refill_not_allowed",
        reasons: [{ rxId: "RX-2", reason: "no_refills" }],
      },
    });
    expect(JSON.parse(t.stdout.text).error).toMatchObject({
      exitCode: 1,
      items: [{ rxId: "RX-2", reason: "no_refills" }],
      requestId: "req-422",
    });
    expect(t.stderr.text).toContain('warning: RX-2 shows "no refills left"');
    expect(t.stderr.text).toContain(
      "rxportal: The portal will not refill RX-2 (no refills left). (Request id: req-422)",
    );
  });

  it("429s are retried in the sender's rounds, one request each, always with the same key and body", async () => {
    const sent = portal((n) =>
      n < 2
        ? problem(429, "rate_limited", {}, { "Retry-After": "0" })
        : HttpResponse.json(created(["RX-1"]), { status: 201 }),
    );
    const t = await signedIn();
    expect(await order(t, ["RX-1"])).toBe(0);
    // The client does not retry an order itself: 3 rounds are 3 requests, not 3 x 3.
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.key)).size).toBe(1);
    expect(new Set(sent.map((s) => JSON.stringify(s.body))).size).toBe(1);
    expect(await entries(t)).toMatchObject([{ state: "done", key: sent[0]?.key }]);
    expect(t.stderr.text).toContain("asking again in");
  });

  it("a 429 that does not clear: exit 75 (try later), the entry stays open with its key", async () => {
    const sent = portal(() => problem(429, "rate_limited", {}, { "Retry-After": "0" }));
    const t = await signedIn();
    expect(await order(t, ["RX-1"])).toBe(75);
    expect(new Set(sent.map((s) => s.key)).size).toBe(1);
    expect(await entries(t)).toMatchObject([{ state: "open", key: sent[0]?.key }]);
    expect(t.stderr.text).toContain("`rxportal refill pending` will finish it; do not order again.");
  });

  it("a 503 HTML page that does not go away: exit 69, entry open, `refill pending` finishes it with the same key", async () => {
    const page = () =>
      new HttpResponse("<!doctype html><html><body>Maintenance</body></html>", {
        status: 503,
        headers: { "Content-Type": "text/html", "X-Request-Id": "req-html" },
      });
    const sent = portal(() => page());
    const t = await signedIn();
    expect(await order(t, ["RX-1"])).toBe(69);
    // 3 rounds of one request each (the client's own retries would have made it 9).
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.key)).size).toBe(1);
    const last = t.stderr.text.trim().split("\n").at(-1) ?? "";
    expect(last).toMatch(
      /^rxportal: The refill order for RX-1 is not confirmed: The portal is down for maintenance \(HTTP 503, HTML page\)\./,
    );
    expect(last).toContain(
      "`rxportal refill pending` will finish it; do not order again. (Request id: req-html)",
    );
    noStack(t.stderr.text);
    const [open] = await entries(t);
    expect(open).toMatchObject({ state: "open", key: sent[0]?.key });

    server.resetHandlers();
    const later = portal(() => HttpResponse.json(created(["RX-1"], "ORD-9"), { status: 201 }));
    const p = await signedIn({ dir: t.dir });
    expect(await pending(p)).toBe(0);
    expect(later.map((s) => s.key)).toEqual([open?.key]);
    expect(later[0]?.body).toEqual({ memberId: "M1", rxIds: ["RX-1"] });
    expect(p.stdout.text).toBe(
      "RX-1 for member M1: order ORD-9 (the first request had not arrived; placed now)\n",
    );
    expect(await entries(p)).toMatchObject([{ state: "done", orderId: "ORD-9" }]);

    const again = await signedIn({ dir: t.dir });
    expect(await pending(again)).toBe(0);
    expect(again.stdout.text).toBe("No unfinished refill orders.\n");
    expect(later).toHaveLength(1);
  });

  it("a timeout leaves the entry open (exit 69) and the JSON error names its key", async () => {
    const sent = portal(async () => {
      await delay(5000);
      return HttpResponse.json(created(["RX-1"]), { status: 201 });
    });
    const t = await signedIn({ json: true, timeout: 1500 });
    expect(await order(t, ["RX-1"])).toBe(69);
    // --timeout is the whole command's: the first request spends it, no round follows.
    expect(sent).toHaveLength(1);
    const [entry] = await entries(t);
    expect(entry?.state).toBe("open");
    const doc = JSON.parse(t.stdout.text);
    expect(doc.error).toMatchObject({
      exitCode: 69,
      code: "order_not_confirmed",
      cause: "timeout",
      key: entry?.key,
    });
    expect(doc.error.message).toMatch(/within the command.s time limit \(--timeout 1500/);
  });

  it("a replayed answer closes the entry and says nothing was ordered twice", async () => {
    portal(() =>
      HttpResponse.json(created(["RX-1"]), { status: 201, headers: { "Idempotent-Replayed": "true" } }),
    );
    const t = await signedIn({ json: true });
    expect(await order(t, ["RX-1"])).toBe(0);
    expect(JSON.parse(t.stdout.text)).toMatchObject({ orderId: "ORD-1", replayed: true, resumed: false });
    expect(await entries(t)).toMatchObject([{ state: "done", result: { replayed: true } }]);
    expect(t.stderr.text).toContain("nothing was ordered twice");
  });

  it("an open entry for the same prescriptions is finished with its own key instead of a new order", async () => {
    const t = await signedIn();
    const earlier = await journalOf(t).create({
      profile: "test",
      username: "alice",
      memberId: "M1",
      rxIds: ["RX-1"],
    });
    const sent = portal(() =>
      HttpResponse.json(created(["RX-1"], "ORD-5"), {
        status: 201,
        headers: { "Idempotent-Replayed": "true" },
      }),
    );
    expect(await order(t, ["RX-1"])).toBe(0);
    expect(sent.map((s) => s.key)).toEqual([earlier.key]);
    expect(await entries(t)).toMatchObject([{ key: earlier.key, state: "done", orderId: "ORD-5" }]);
    expect(t.stderr.text).toContain("finishing it with its own key instead of ordering again");
  });

  it("the same prescriptions settled as ordered less than 10 minutes ago: shown before any prompt, nothing sent; older or refused ones do not count", async () => {
    const sent = portal(() => HttpResponse.json(created(["RX-1"], "ORD-NEW"), { status: 201 }));
    const minutes = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
    const seed = async (t: TestContext, rxIds: string[], settledAt: string, refused = false) => {
      const e = await journalOf(t).create({ profile: "test", username: "ALICE", memberId: "M1", rxIds });
      await journalOf(t).close(
        e,
        refused
          ? { kind: "refused", code: "refill_not_allowed", message: "no", reasons: [], settledAt }
          : {
              kind: "ordered",
              orderId: "ORD-OLD",
              items: rxIds.map((rxId) => ({ rxId, drug: "Lisinopril" })),
              orderCreatedAt: "2026-01-25T10:07:00Z",
              replayed: false,
              settledAt,
            },
      );
      return e;
    };

    // Nine minutes ago, the same set typed in another order: reported, and no question asked.
    const prompter = new ScriptedPrompter([]);
    const t = await signedIn({ prompter, dir: undefined });
    const earlier = await seed(t, ["RX-2", "RX-1"], minutes(9));
    expect(
      await exec(t, () => refillOrderCommand(t.ctx, ["RX-1", "RX-2"], { username: "alice" }, fast)),
    ).toBe(0);
    expect(prompter.asked).toEqual([]);
    expect(sent).toHaveLength(0);
    // The portal's time of the order, on the local clock (10:07 UTC).
    const at = new Date("2026-01-25T10:07:00Z");
    const hhmm = [at.getHours(), at.getMinutes()].map((n) => String(n).padStart(2, "0")).join(":");
    expect(t.stdout.text).toBe(
      `Already ordered at ${hhmm}: order ORD-OLD for Alice Doe (member M1).\n  RX-2  Lisinopril\n  RX-1  Lisinopril\nEstimated delivery: not given by the portal\n`,
    );
    expect(t.stderr.text).toBe(
      `rxportal: already ordered at ${hhmm}, order ORD-OLD; nothing was ordered now. Use --again to order once more.\n`,
    );
    const json = await signedIn({ json: true, dir: t.dir });
    expect(await order(json, ["RX-1", "RX-2"])).toBe(0);
    expect(JSON.parse(json.stdout.text)).toMatchObject({
      orderId: "ORD-OLD",
      alreadyOrdered: true,
      key: earlier.key,
      againWindowMinutes: 10,
    });

    // A different set (a subset) is a different order.
    const subset = await signedIn({ dir: t.dir });
    expect(await order(subset, ["RX-1"])).toBe(0);
    expect(sent).toHaveLength(1);

    // Eleven minutes ago, or refused a minute ago: ordered.
    const old = await signedIn();
    await seed(old, ["RX-1"], minutes(11));
    await seed(old, ["RX-1"], minutes(1), true);
    expect(await order(old, ["RX-1"])).toBe(0);
    expect(sent).toHaveLength(2);
    expect(old.stdout.text).toContain("Order ORD-NEW placed");

    // --again: ordered even within the window.
    const again = await signedIn({ json: true, dir: t.dir });
    expect(await order(again, ["RX-1", "RX-2"], { again: true })).toBe(0);
    expect(sent).toHaveLength(3);
    expect(JSON.parse(again.stdout.text)).toMatchObject({ orderId: "ORD-NEW", alreadyOrdered: false });
  });

  it("another rxportal holding this member's lock: exit 75 in one line within the budget, nothing journalled or sent", async () => {
    const sent = portal(() => HttpResponse.json(created(["RX-1"]), { status: 201 }));
    const t = await signedIn({ timeout: 1500 });
    const journal = journalOf(t);
    await journal.withLock(intentLockName("test", "alice", "M1"), async () => {
      expect(await order(t, ["RX-1"])).toBe(75);
    });
    expect(sent).toHaveLength(0);
    expect(await entries(t)).toEqual([]);
    const lines = t.stderr.text.trim().split("\n");
    expect(lines.at(-1)).toBe(
      "rxportal: Another rxportal is ordering refills for this member; try again in a moment.",
    );
    expect(lines).toContain(
      "rxportal: another rxportal is ordering refills for this member; waiting for it to finish.",
    );
    noStack(t.stderr.text);
  });

  it("an open entry that overlaps is settled first; if it stays open, no new order is sent", async () => {
    const t = await signedIn();
    const earlier = await journalOf(t).create({
      profile: "test",
      username: "alice",
      memberId: "M1",
      rxIds: ["RX-1", "RX-2"],
    });
    const sent = portal(() => problem(503, "maintenance", {}, { "Retry-After": "3600" }));
    expect(await order(t, ["RX-1"])).toBe(69);
    expect(sent.map((s) => s.key)).toEqual([earlier.key]);
    expect(await entries(t)).toHaveLength(1);
  });
});

describe("refill pending", () => {
  it("with nothing open, says so without signing in", async () => {
    // No session and no password: signing in would fail with 77.
    const t = testContext({ baseUrl: BASE, globals: { json: true } });
    expect(await pending(t)).toBe(0);
    expect(JSON.parse(t.stdout.text)).toMatchObject({ entries: [], settled: 0, open: 0 });
  });

  it("reports each entry: replayed, refused, still open; exit 69 while any stays open", async () => {
    const t = await signedIn({ json: true });
    // A second apart, as orders are: entries made within one millisecond have no order of their own.
    let at = Date.now() - 60_000;
    const journal = new RefillJournal(join(t.dir, "data"), { now: () => (at += 1000) });
    const a = await journal.create({ profile: "test", username: "alice", memberId: "M1", rxIds: ["RX-1"] });
    const b = await journal.create({ profile: "test", username: "alice", memberId: "M1", rxIds: ["RX-2"] });
    const c = await journal.create({
      profile: "test",
      username: "alice",
      memberId: "M1-01",
      rxIds: ["RX-7"],
    });
    await journal.create({ profile: "other", username: "alice", memberId: "M1", rxIds: ["RX-1"] });
    const sent = portal((_n, s) => {
      if (s.key === a.key)
        return HttpResponse.json(created(["RX-1"]), {
          status: 201,
          headers: { "Idempotent-Replayed": "true" },
        });
      if (s.key === b.key)
        return problem(422, "refill_not_allowed", { items: [{ rxId: "RX-2", reason: "no_refills" }] });
      return problem(503, "maintenance", {}, { "Retry-After": "3600" });
    });
    expect(await pending(t)).toBe(69);
    expect(sent.map((s) => s.key)).toEqual([a.key, b.key, c.key]);
    const doc = JSON.parse(t.stdout.text);
    expect(doc.entries.map((e: { key: string; state: string }) => [e.key, e.state])).toEqual([
      [a.key, "done"],
      [b.key, "refused"],
      [c.key, "open"],
    ]);
    expect(doc).toMatchObject({ settled: 2, open: 1, elsewhere: [{ profile: "other" }] });
    expect(doc.entries[2].error).toMatchObject({ code: "maintenance", requestId: "req-503" });
    expect(t.stderr.text).toContain("belongs to alice on profile other");
    expect(t.stderr.text).toContain("1 of 3 refill orders are still not confirmed");
  });

  it("warns about a journal file it cannot read, and leaves it alone", async () => {
    const t = testContext({ baseUrl: BASE });
    const { mkdirSync, writeFileSync, existsSync } = await import("node:fs");
    const dir = join(t.dir, "data", "refill-journal");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "torn.json"), "{");
    expect(await pending(t)).toBe(0);
    expect(t.stderr.text).toContain(`${join(dir, "torn.json")} is not valid JSON; it is left as it is`);
    expect(existsSync(join(dir, "torn.json"))).toBe(true);
  });

  it("an entry older than the portal keeps keys is matched in the order history, not replayed", async () => {
    const t = await signedIn({ json: true });
    const old = new RefillJournal(join(t.dir, "data"), { now: () => Date.now() - 3 * 86_400_000 });
    const entry = await old.create({ profile: "test", username: "alice", memberId: "M1", rxIds: ["RX-1"] });
    const sent = portal(() => problem(500, "should_not_be_sent"));
    server.use(
      http.get(`${BASE}/orders`, () =>
        HttpResponse.json({
          items: [
            {
              orderId: "ORD-OLD",
              memberId: "M1",
              status: "shipped",
              items: [{ rxId: "RX-1", drug: "Lisinopril" }],
              createdAt: new Date(Date.now() - 3 * 86_400_000 + 2000).toISOString(),
              updatedAt: new Date().toISOString(),
            },
          ],
        }),
      ),
    );
    expect(await pending(t)).toBe(0);
    expect(sent).toHaveLength(0);
    expect(await entries(t)).toMatchObject([{ key: entry.key, state: "done", orderId: "ORD-OLD" }]);
    expect(JSON.parse(t.stdout.text).entries[0]).toMatchObject({ foundInHistory: true });
  });
});

it("never writes the session token into the journal", async () => {
  portal(() => HttpResponse.json(created(["RX-1"]), { status: 201 }));
  const t = await signedIn();
  expect(await order(t, ["RX-1"])).toBe(0);
  const dir = join(t.dir, "data", "refill-journal");
  const { readFileSync } = await import("node:fs");
  for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), "utf8")).not.toContain("tok-abc");
});
