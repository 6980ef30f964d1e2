// Reliability: `refill order` is SIGKILLed at random moments (before the journal is written, between
// journal and request, while the request travels, after the portal made the order but before the
// answer arrived, after it finished), then `refill pending` runs. Whatever the moment, the portal
// must end up with exactly one order per journal entry: none lost, none doubled.
//
// The built binary runs against a standalone sandbox (`rxportal sandbox --port 0`) through a proxy
// (./proxy.ts). The sandbox's latency fault holds each order REQUEST back (a kill then drops it,
// as a closed socket would); the proxy holds each ANSWER back (a kill then loses an order the
// portal has made). The sandbox is reset before each run, so every run starts from the seed.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PortalClient } from "../../src/portal/client.js";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";
import { type AnswerDelayProxy, startAnswerDelayProxy } from "./proxy.js";

const PASSWORD = "Sandbox-Pass-2026";
const RUNS = 24;
const REQUEST_LATENCY_MS = 150;
const ANSWER_DELAY_MS = 150;
/** One eligible prescription per member, so runs also differ in whose order it is. */
const TARGETS = [
  { rxId: "RX-100101", memberId: "SBX100001" },
  { rxId: "RX-100105", memberId: "SBX100001-01" },
  { rxId: "RX-100106", memberId: "SBX100001-02" },
];
const MEMBERS = TARGETS.map((t) => t.memberId);

let sandboxProcess: ReturnType<typeof startCli>;
let sandboxBase: string;
let origin: string;
let proxy: AnswerDelayProxy;
let home: string;

beforeAll(async () => {
  sandboxProcess = startCli(["sandbox", "--port", "0"]);
  sandboxBase = await firstLine(sandboxProcess);
  origin = new URL(sandboxBase).origin;
  proxy = await startAnswerDelayProxy(sandboxBase);
  home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${proxy.baseUrl}\n    timeoutMs: 5000\n`,
  );
});

afterAll(async () => {
  await proxy?.close();
  sandboxProcess?.kill("SIGKILL");
});

/** mulberry32: a seeded generator, so a failing run can be repeated with SIGKILL_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function control(path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${origin}/_sandbox${path}`, {
    method: "POST",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox control ${path}: HTTP ${res.status}`);
}

/** Every order id the portal holds for the family, asked straight from the sandbox. */
async function portalOrders(): Promise<Map<string, string[]>> {
  const anonymous = new PortalClient({ baseUrl: sandboxBase, fetch: globalThis.fetch });
  const answer = await anonymous.login({ username: "pat.sample", password: PASSWORD });
  if (answer.result !== "ok") throw new Error("pat.sample signs in without a second step");
  const client = anonymous.as(answer);
  const out = new Map<string, string[]>();
  for (const m of MEMBERS)
    out.set(
      m,
      (await client.listOrders(m)).items.map((o) => o.orderId),
    );
  return out;
}

interface Entry {
  key: string;
  memberId: string;
  rxIds: string[];
  state: string;
  orderId?: string;
  result?: { replayed?: boolean };
}

function journal(): Entry[] {
  const dir = join(home, ".local", "share", "rxportal", "refill-journal");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Entry);
}

const env = { RXPORTAL_PASSWORD: PASSWORD };

/** Runs `refill order` and SIGKILLs it after `killAfterMs` (unless it finished first). */
async function orderAndKill(rxId: string, killAfterMs: number) {
  const started = Date.now();
  // --again: every run means a new order (the sandbox is reset in between), not the one an earlier
  // run of this test placed a few seconds ago, which would otherwise be shown instead.
  const child = startCli(["refill", "order", rxId, "--yes", "--again", "--username", "pat.sample"], {
    home,
    env,
  });
  child.stdin?.end();
  child.stdout?.resume();
  child.stderr?.resume();
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  return { code, killed: signal === "SIGKILL", started, ms: Date.now() - started };
}

it(`SIGKILL at random moments, then refill pending: exactly one order per journal entry (${RUNS} runs)`, async () => {
  const seed = Number(process.env.SIGKILL_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  const tally = {
    "killed before the journal entry": 0,
    "killed after journalling, before sending": 0,
    "killed while the request travelled (no order yet)": 0,
    "killed after the portal ordered (answer lost)": 0,
    "finished before the kill": 0,
  };
  let ordersCounted = 0;
  let entriesCounted = 0;
  let replayedByPending = 0;
  let placedByPending = 0;

  // Calibration: one run left to finish, to learn when the order request leaves.
  // When the order request leaves, learnt from every run that got that far (the median, since
  // the first runs are slower while caches warm up).
  const postOffsets: number[] = [];
  let postAt = 0;
  let total = 0;
  for (let run = 0; run < RUNS; run++) {
    const target = TARGETS[run % TARGETS.length] as (typeof TARGETS)[number];
    await control("/reset");
    await control("/faults", { spec: `latency:${REQUEST_LATENCY_MS}@/refills` });
    proxy.delayAnswers("/refills", ANSWER_DELAY_MS);
    const seeded = await portalOrders();
    const keysBefore = new Set(journal().map((e) => e.key));
    const postsBefore = proxy.arrivals("/refills").length;

    // Kill moments spread over the whole run, with extra weight around the request and answer.
    let killAfter: number;
    if (run === 0) killAfter = 15_000;
    else {
      const phase = run % 4;
      killAfter =
        phase === 0
          ? rand() * postAt
          : phase === 1
            ? postAt - 40 + rand() * (REQUEST_LATENCY_MS + 40)
            : phase === 2
              ? postAt + REQUEST_LATENCY_MS + rand() * (ANSWER_DELAY_MS + 40)
              : rand() * total * 1.1;
    }
    const r = await orderAndKill(target.rxId, Math.max(0, killAfter));
    const posts = proxy.arrivals("/refills").slice(postsBefore);
    if (run === 0) {
      expect(r.code, "the calibration run must order normally").toBe(0);
      total = r.ms;
    }
    if (posts[0] !== undefined) {
      postOffsets.push(posts[0] - r.started);
      const sorted = [...postOffsets].sort((a, b) => a - b);
      postAt = sorted[Math.floor(sorted.length / 2)] ?? postAt;
    }
    // Let a request the kill cut off finish or fail at the portal before looking.
    await new Promise((resolve) => setTimeout(resolve, REQUEST_LATENCY_MS + 100));

    const mine = journal().filter((e) => !keysBefore.has(e.key));
    expect(mine.length, `run ${run}: one order command writes at most one entry`).toBeLessThanOrEqual(1);
    const entry = mine[0];
    const afterKill = await portalOrders();
    const madeBeforePending =
      (afterKill.get(target.memberId)?.length ?? 0) - (seeded.get(target.memberId)?.length ?? 0);

    if (!r.killed || entry?.state === "done") tally["finished before the kill"] += 1;
    else if (!entry) tally["killed before the journal entry"] += 1;
    else if (posts.length === 0) tally["killed after journalling, before sending"] += 1;
    else if (madeBeforePending === 0) tally["killed while the request travelled (no order yet)"] += 1;
    else tally["killed after the portal ordered (answer lost)"] += 1;

    const pending = await runCli(["refill", "pending", "--username", "pat.sample", "--json"], { home, env });
    expect(pending.code, `run ${run}: refill pending: ${pending.stderr}`).toBe(0);
    const report = JSON.parse(pending.stdout) as {
      entries: { key: string; replayed?: boolean }[];
      open: number;
    };
    expect(report.open).toBe(0);
    const settled = report.entries.find((e) => e.key === entry?.key);
    if (settled?.replayed) replayedByPending += 1;
    else if (settled) placedByPending += 1;

    // The portal's view: orders made in this run, per member.
    const after = await portalOrders();
    for (const m of MEMBERS) {
      const created = (after.get(m) ?? []).filter((id) => !(seeded.get(m) ?? []).includes(id));
      const expected = entry && m === target.memberId ? 1 : 0;
      expect(created.length, `run ${run} (kill at ${Math.round(killAfter)} ms): orders for ${m}`).toBe(
        expected,
      );
      ordersCounted += created.length;
      if (expected === 1) {
        const closed = journal().find((e) => e.key === entry?.key);
        expect(closed?.state, `run ${run}: the entry is settled`).toBe("done");
        expect(closed?.orderId, `run ${run}: the entry names the one order`).toBe(created[0]);
      }
    }
    if (entry) entriesCounted += 1;
  }

  expect(journal().filter((e) => e.state === "open")).toEqual([]);
  // Without kills between journalling and the answer, this test would have proved little.
  expect(
    tally["killed while the request travelled (no order yet)"] +
      tally["killed after the portal ordered (answer lost)"] +
      tally["killed after journalling, before sending"],
  ).toBeGreaterThan(0);
  expect(ordersCounted).toBe(entriesCounted);
  const lines = [
    `sigkill: ${RUNS} runs (seed ${seed}; kill moments around request at ~${postAt} ms of ~${total} ms)`,
    ...Object.entries(tally).map(([what, n]) => `  ${what}: ${n}`),
    `  journal entries: ${entriesCounted}; orders at the portal: ${ordersCounted}; settled by pending: ${placedByPending} placed, ${replayedByPending} replayed`,
  ];
  console.log(lines.join("\n"));
  expect(Object.values(tally).reduce((a, b) => a + b, 0)).toBe(RUNS);
}, 90_000);
