// End to end, spawning bin/rxportal.js against a standalone sandbox (`rxportal sandbox --port 0`)
// through a proxy that counts what reaches the portal: exactly one order across processes, the
// window in which ordering the same prescriptions again needs --again, the lock another rxportal
// holds (exit 75), journal files that are not rxportal's (exit 78), and one budget per command
// (--timeout) with at most `rounds` requests per order.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PortalClient } from "../../src/portal/client.js";
import { firstLine, type RunResult, runCli, startCli, tempHome } from "../helpers/spawn.js";
import { type AnswerDelayProxy, startAnswerDelayProxy } from "./proxy.js";

const PASSWORD = "Sandbox-Pass-2026";
const env = { RXPORTAL_PASSWORD: PASSWORD };
const USER = ["--username", "pat.sample"];
const RUNS_AT_ONCE = 5;

let sandboxProcess: ChildProcess;
let sandboxBase: string;
let origin: string;
let proxy: AnswerDelayProxy;

beforeAll(async () => {
  sandboxProcess = startCli(["sandbox", "--port", "0"]);
  sandboxBase = await firstLine(sandboxProcess);
  origin = new URL(sandboxBase).origin;
  proxy = await startAnswerDelayProxy(sandboxBase);
});

afterAll(async () => {
  await proxy?.close();
  sandboxProcess?.kill("SIGKILL");
});

beforeEach(async () => {
  await control("/reset");
  proxy.delayAnswers("/", 0, 0);
});

/** A HOME of its own (so its own journal), whose profile "local" is the sandbox via the proxy. */
function home(): string {
  const dir = tempHome();
  mkdirSync(join(dir, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(dir, ".config", "rxportal", "config.yaml"),
    `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${proxy.baseUrl}\n    timeoutMs: 5000\n`,
  );
  return dir;
}

const journalDir = (h: string) => join(h, ".local", "share", "rxportal", "refill-journal");

function journal(h: string): { key: string; state: string; orderId?: string }[] {
  try {
    return readdirSync(journalDir(h))
      .filter((f) => f.endsWith(".json") && !f.startsWith("."))
      .map((f) => JSON.parse(readFileSync(join(journalDir(h), f), "utf8")));
  } catch {
    return [];
  }
}

async function control(path: string, body?: unknown, method = "POST"): Promise<void> {
  const res = await fetch(`${origin}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox control ${path}: HTTP ${res.status}`);
}

/** The orders the portal holds for a member, asked straight from the sandbox. */
async function ordersOf(memberId: string): Promise<{ orderId: string; createdAt: string }[]> {
  const anonymous = new PortalClient({ baseUrl: sandboxBase, fetch: globalThis.fetch });
  const answer = await anonymous.login({ username: "pat.sample", password: PASSWORD });
  if (answer.result !== "ok") throw new Error("pat.sample signs in without a second step");
  const client = anonymous.as(answer);
  return (await client.listOrders(memberId)).items.map((o) => ({
    orderId: o.orderId,
    createdAt: o.createdAt,
  }));
}

const order = (h: string, args: string[], timeoutMs?: number) =>
  runCli(["refill", "order", ...args, "--yes", ...USER], {
    home: h,
    env,
    ...(timeoutMs ? { timeoutMs } : {}),
  });

/** Every stderr line is one of `allowed`: no stack, no "internal error", nothing unexpected. */
function onlyLines(r: RunResult, allowed: RegExp[]): void {
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  for (const line of lines)
    expect(
      [SESSION_LINE, ...allowed].some((re) => re.test(line)),
      `unexpected stderr line: ${line}`,
    ).toBe(true);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

/** Each spawned run signs in with RXPORTAL_PASSWORD; there is no keychain in a test HOME. */
const SESSION_LINE =
  /^rxportal: signed in for this command only: there is no lasting keychain here, so a session ends with its command\.$/;
const PLAN_LINES = [/^Refills to order for Pat Sample \(member SBX100001\):$/, /^ {2}RX-\d+ {2}\S.*$/];
const WAIT_LINE =
  /^rxportal: another rxportal is ordering refills for this member; waiting for it to finish\.$/;
const ALREADY_LINE =
  /^rxportal: already ordered at \d\d:\d\d, order ORD-[0-9A-F]+; nothing was ordered now\. Use --again to order once more\.$/;

describe("exactly once across processes", () => {
  it(`${RUNS_AT_ONCE} \`refill order\` runs for the same prescription at once: exactly one order, and every run reports it`, async () => {
    const h = home();
    const before = await ordersOf("SBX100001");
    const postsBefore = proxy.forwarded("/refills");
    // The order request takes a while at the portal, so the runs overlap while it is in flight.
    await control("/faults", { spec: "latency:300@/refills" });
    const runs = await Promise.all(
      Array.from({ length: RUNS_AT_ONCE }, () => order(h, ["RX-100101", "--json"], 30_000)),
    );
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      onlyLines(r, [...PLAN_LINES, WAIT_LINE, ALREADY_LINE]);
    }
    const docs = runs.map((r) => JSON.parse(r.stdout) as { orderId: string; alreadyOrdered: boolean });
    const created = (await ordersOf("SBX100001")).filter((o) => !before.some((b) => b.orderId === o.orderId));
    expect(created).toHaveLength(1);
    expect(proxy.forwarded("/refills") - postsBefore).toBe(1);
    expect(new Set(docs.map((d) => d.orderId))).toEqual(new Set([created[0]?.orderId]));
    expect(docs.filter((d) => !d.alreadyOrdered)).toHaveLength(1);
    const waited = runs.filter((r) => r.stderr.split("\n").some((l) => WAIT_LINE.test(l))).length;
    console.log(
      `once: ${RUNS_AT_ONCE} runs at once, 1 order ${created[0]?.orderId}; ${waited} waited for the lock, ${RUNS_AT_ONCE - 1} reported it as already ordered`,
    );
    expect(journal(h)).toMatchObject([{ state: "done", orderId: created[0]?.orderId }]);
    // Locks and temp files are gone: nothing is left for the next run to wait for.
    expect(readdirSync(journalDir(h)).filter((f) => !f.endsWith(".json"))).toEqual([]);
  }, 60_000);

  it("within 10 minutes the same prescription is not ordered again: that order is shown; --again orders once more", async () => {
    const h = home();
    const seeded = await ordersOf("SBX100001");
    const newOrders = async () =>
      (await ordersOf("SBX100001")).filter((o) => !seeded.some((b) => b.orderId === o.orderId));
    const first = await order(h, ["RX-100101"]);
    expect(first.code, first.stderr).toBe(0);
    const [placed] = await newOrders();
    expect(first.stdout).toBe(
      `Order ${placed?.orderId} placed for Pat Sample (member SBX100001).\n  RX-100101  Atorvastatin\nEstimated delivery: ${first.stdout.split("Estimated delivery: ")[1]}`,
    );
    const at = new Date(placed?.createdAt ?? "").toISOString().slice(11, 16); // TZ=UTC in the child
    const posts = proxy.forwarded("/refills");

    const twice = await order(h, ["RX-100101"]);
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout).toMatch(
      new RegExp(
        `^Already ordered at ${at}: order ${placed?.orderId} for Pat Sample \\(member SBX100001\\)\\.\\n {2}RX-100101 {2}Atorvastatin\\nEstimated delivery: \\d{4}-\\d{2}-\\d{2}\\n$`,
      ),
    );
    expect(twice.stderr.trim().split("\n").at(-1)).toBe(
      `rxportal: already ordered at ${at}, order ${placed?.orderId}; nothing was ordered now. Use --again to order once more.`,
    );
    onlyLines(twice, [ALREADY_LINE]);
    // Said before the confirmation: the plan is not even shown, and nothing reached the portal.
    expect(proxy.forwarded("/refills")).toBe(posts);

    const json = await order(h, ["RX-100101", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      orderId: placed?.orderId,
      alreadyOrdered: true,
      againWindowMinutes: 10,
      memberId: "SBX100001",
      items: [{ rxId: "RX-100101", drug: "Atorvastatin" }],
    });
    expect(json.stderr.trim().split("\n").at(-1)).toMatch(ALREADY_LINE);
    onlyLines(json, [ALREADY_LINE]);
    expect(proxy.forwarded("/refills")).toBe(posts);

    // A new fill period at the portal (reset), and the member means it: --again orders.
    await control("/reset");
    const again = await order(h, ["RX-100101", "--again"]);
    expect(again.code, again.stderr).toBe(0);
    // The reset took the first order away with the rest of the portal's state.
    const [second, ...more] = await newOrders();
    expect(more).toEqual([]);
    expect(second?.orderId).not.toBe(placed?.orderId);
    expect(again.stdout.split("\n")[0]).toBe(
      `Order ${second?.orderId} placed for Pat Sample (member SBX100001).`,
    );
    onlyLines(again, PLAN_LINES);
    expect(proxy.forwarded("/refills")).toBe(posts + 1);
    expect(journal(h).map((e) => e.state)).toEqual(["done", "done"]);
  }, 60_000);

  it("a refused order does not hold back the next one: it is asked for again", async () => {
    const h = home();
    const posts = proxy.forwarded("/refills");
    for (let i = 0; i < 2; i++) {
      const r = await order(h, ["RX-100103"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n").at(-1)).toMatch(
        /^rxportal: The portal will not refill RX-100103 \(no refills left\)\. \(Request id: [0-9a-f-]+\)$/,
      );
      onlyLines(r, [
        ...PLAN_LINES,
        /^rxportal: warning: RX-100103 shows "no refills left"; the portal will probably refuse it\.$/,
        /^rxportal: The portal will not refill RX-100103/,
      ]);
    }
    expect(proxy.forwarded("/refills")).toBe(posts + 2);
    expect(journal(h).map((e) => e.state)).toEqual(["refused", "refused"]);
  }, 30_000);
});

describe("the member's ordering lock", () => {
  const lockOf = (h: string) => join(journalDir(h), "intent-local-pat.sample-SBX100001.lock");
  const holdLock = (h: string, pid: number) => {
    mkdirSync(journalDir(h), { recursive: true, mode: 0o700 });
    writeFileSync(lockOf(h), `${pid}\n`, { mode: 0o600 });
  };

  it("held by a live rxportal: waits within the budget, then exit 75 in one line, nothing ordered", async () => {
    const h = home();
    // A live process stands in for another rxportal in the middle of an order.
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      holdLock(h, holder.pid as number);
      const posts = proxy.forwarded("/refills");
      const r = await runCli(["--timeout", "5000", "refill", "order", "RX-100101", "--yes", ...USER], {
        home: h,
        env,
      });
      expect(r.code, r.stderr).toBe(75);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n").at(-1)).toBe(
        "rxportal: Another rxportal is ordering refills for this member; try again in a moment.",
      );
      onlyLines(r, [...PLAN_LINES, WAIT_LINE, /^rxportal: Another rxportal is ordering refills/]);
      expect(proxy.forwarded("/refills")).toBe(posts);
      expect(journal(h)).toEqual([]);
      // The other holder's lock is left alone.
      expect(readFileSync(lockOf(h), "utf8")).toBe(`${holder.pid}\n`);

      const json = await runCli(
        ["--timeout", "2000", "--json", "refill", "order", "RX-100101", "--yes", ...USER],
        {
          home: h,
          env,
        },
      );
      expect(json.code).toBe(75);
      expect(JSON.parse(json.stdout).error).toMatchObject({ exitCode: 75, code: "refill_in_progress" });
    } finally {
      holder.kill("SIGKILL");
    }
    await new Promise((resolve) => holder.once("exit", resolve));

    // Its holder gone, the lock is taken over at once.
    const r = await order(h, ["RX-100101"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/waiting/);
    expect(journal(h)).toMatchObject([{ state: "done" }]);
    expect(readdirSync(journalDir(h)).filter((f) => !f.endsWith(".json"))).toEqual([]);
  }, 60_000);

  it("a lock nobody has touched for a minute is stale even if its pid is alive: taken over", async () => {
    const h = home();
    holdLock(h, process.pid);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockOf(h), old, old);
    const r = await order(h, ["RX-100101", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ alreadyOrdered: false, replayed: false });
    onlyLines(r, PLAN_LINES);
  }, 30_000);
});

describe("journal files that rxportal did not write", () => {
  const KEY = "0f8fad5b-d9cb-469f-a165-70867728950e";
  const cases: { what: string; make: (file: string) => void; problem: RegExp }[] = [
    { what: "a folder", make: (f) => mkdirSync(f), problem: /is not a regular file \(a folder\)/ },
    {
      what: "a FIFO (a read would block forever)",
      make: (f) => {
        const made = spawnSync("mkfifo", [f]);
        if (made.status !== 0) throw new Error(`mkfifo: ${made.stderr}`);
      },
      problem: /is not a regular file \(a FIFO\)/,
    },
    {
      what: "a symbolic link",
      make: (f) => symlinkSync("/etc/hostname", f),
      problem: /is not a regular file \(a symbolic link\)/,
    },
    {
      what: "a file larger than any entry",
      make: (f) => writeFileSync(f, `{"pad":"${"x".repeat(70_000)}"}`),
      problem: /is 70\d\d\d bytes, more than a journal entry can be \(at most 65536\)/,
    },
  ];

  for (const c of cases) {
    it(`${c.what}: refill pending (and refill order) stop with exit 78 naming it, nothing ordered`, async () => {
      const h = home();
      mkdirSync(journalDir(h), { recursive: true, mode: 0o700 });
      const file = join(journalDir(h), `${KEY}.json`);
      c.make(file);
      const posts = proxy.forwarded("/refills");
      // `refill order` signs in first, so it runs once (for the FIFO, which could hang a read).
      const commands = [["refill", "pending", ...USER]];
      if (c.what.startsWith("a FIFO")) commands.push(["refill", "order", "RX-100101", "--yes", ...USER]);
      for (const args of commands) {
        const r = await runCli(args, { home: h, env, timeoutMs: 10_000 });
        expect(r.code, r.stderr).toBe(78);
        expect(r.stdout).toBe("");
        const last = r.stderr.trim().split("\n").at(-1) ?? "";
        expect(last.startsWith(`rxportal: ${file} `)).toBe(true);
        expect(last).toMatch(c.problem);
        expect(last).toContain("the refill journal holds only files rxportal wrote.");
        expect(last).toContain("Move it out of the journal folder");
        onlyLines(r, [...PLAN_LINES, /^rxportal: \//]);
      }
      expect(proxy.forwarded("/refills")).toBe(posts);
    }, 30_000);
  }
});

describe("one budget per command, one retry loop per order", () => {
  it("--timeout 8000 and a Retry-After longer than what is left: no wait, the entry stays open for `refill pending`", async () => {
    const h = home();
    await control("/faults", { spec: "maintenance:30@/refills" });
    const posts = proxy.forwarded("/refills");
    const r = await runCli(["--timeout", "8000", "refill", "order", "RX-100101", "--yes", ...USER], {
      home: h,
      env,
    });
    expect(r.code, r.stderr).toBe(69);
    expect(r.stdout).toBe("");
    // Far from the 30-second wait, and from the whole budget: it did not wait at all.
    expect(r.ms).toBeLessThan(8000);
    expect(proxy.forwarded("/refills") - posts).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(
      /^rxportal: The refill order for RX-100101 is not confirmed: The portal is down for maintenance \(HTTP 503[^)]*\); it asks to retry in 30 seconds\. --timeout 8000 leaves no time to ask again; `rxportal refill pending` will finish it; do not order again\. \(Request id: [0-9a-f-]+\)$/,
    );
    onlyLines(r, [...PLAN_LINES, /^rxportal: The refill order for RX-100101 is not confirmed: /]);
    expect(journal(h)).toMatchObject([{ state: "open" }]);

    await control("/faults", undefined, "DELETE");
    const p = await runCli(["refill", "pending", ...USER], { home: h, env });
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(
      /^RX-100101 for member SBX100001: order ORD-[0-9A-F]+ \(the first request had not arrived; placed now\)\n$/,
    );
    expect(journal(h)).toMatchObject([{ state: "done" }]);
  }, 30_000);

  it("a portal that keeps failing gets at most 3 requests per order (not 3 rounds x 3 attempts), fewer within --timeout", async () => {
    await control("/faults", { spec: "status:500@/refills" });
    const unlimited = home();
    let posts = proxy.forwarded("/refills");
    const r = await order(unlimited, ["RX-100101"], 30_000);
    expect(r.code, r.stderr).toBe(69);
    expect(r.stdout).toBe("");
    expect(proxy.forwarded("/refills") - posts).toBe(3);
    const retries = r.stderr.split("\n").filter((l) => l.includes("asking again in"));
    expect(retries).toHaveLength(2);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(
      /^rxportal: The refill order for RX-100101 is not confirmed: .*`rxportal refill pending` will finish it; do not order again\./,
    );
    onlyLines(r, [
      ...PLAN_LINES,
      /^rxportal: not confirmed yet \(.*\); asking again in \d+ seconds? with the same order key\.$/,
      /^rxportal: The refill order for RX-100101 is not confirmed: /,
    ]);

    const timed = home();
    posts = proxy.forwarded("/refills");
    const t = await runCli(["--timeout", "3000", "refill", "order", "RX-100101", "--yes", ...USER], {
      home: timed,
      env,
    });
    expect(t.code, t.stderr).toBe(69);
    // 1 s then 2 s of backoff: both waits cannot fit in 3 seconds, so no third request.
    expect(proxy.forwarded("/refills") - posts).toBeLessThanOrEqual(2);
    expect(journal(timed).every((e) => e.state === "open")).toBe(true);
  }, 60_000);
});
