// Start-up and scale benchmark of the built binary, run pair by pair: each run of a command is
// paired with a run of its baseline right beside it (in alternating order), and the table shows
// the median of the per-pair ratios with their min-max, so load from elsewhere on the machine hits
// both halves of a pair alike. The baseline is `node -e 0`, or for `health --login` a bare
// node:http script doing the same on the wire (a TCP connect, then the same five requests), or
// for the compile-cache row the same command with rxportal's own code caches.
// All portal commands run against one loopback sandbox, started once (`rxportal sandbox`, with
// `--seed` adding a member with 10,000 prescriptions and orders for the scale rows); commands that
// sign in do so with RXPORTAL_PASSWORD, after a sandbox reset (outside the timing).
// Measured as CI runs it: the environment is inherited, NODE_EXTRA_CA_CERTS included (on this
// machine kind it is set, and every Node start pays for reading it; the header says whether).
// Peak RSS comes from /usr/bin/time when it is there.
//   npm run bench                    the table, 21 pairs per row (7 for the scale rows)
//   npm run bench -- --runs 31       more pairs (--scale-runs N for the scale rows)
//   npm run bench -- --only status,orders   rows whose name contains one of these
//   npm run bench -- --check         exit 1 when a row misses its target
//   npm run bench -- --limit-ms 10000   stop a run after this long (default 30 s)
//   npm run bench -- --warm-rounds 0    no warm-up rounds for the sandbox (default 300, below)
//   npm run bench -- --only exporter    only the exporter row: health serve, 500 targets at 30 s
//   npm run bench -- --exporter-window 30   its measured window in seconds (default 10)
// The exporter row is scripts/bench-exporter.mjs on a compressed schedule (its header says how):
// every target probed once, then a window at the full schedule's load per second (500 / 30 s).
// Its columns: the median /probe answer, the exporter's CPU as a share of one core over the
// window, its peak RSS (target: 150 MiB).
// The CLI runs on the Node that runs this script: `path/to/node scripts/bench.mjs` for another.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import * as nodeModule from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(option("--runs")) || 21;
const scaleRuns = Number(option("--scale-runs")) || Math.min(runs, 7);
const only = option("--only")?.split(",");
const check = args.includes("--check");
const home = mkdtempSync(join(tmpdir(), "rxportal-bench-"));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), NO_COLOR: "1" };
for (const name of ["RXPORTAL_CONFIG", "RXPORTAL_PROFILE", "RXPORTAL_CODE_CACHE", "DBUS_SESSION_BUS_ADDRESS"])
  delete env[name];
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const bin = new URL("../bin/rxportal.js", import.meta.url).pathname;
const PASSWORD = "Sandbox-Pass-2026";
const SCALE = 10_000;

// The scale member: 10,000 prescriptions and 10,000 orders (sandbox --seed).
const scaleMember = {
  username: "bench.scale",
  scenario: "bench: 10,000 prescriptions and orders",
  memberId: "SBX990001",
  name: "Bench Scale",
  dateOfBirth: "1970-01-01",
  enrolleeType: "commercial",
  email: "bench.scale@example.com",
  phone: "555-0100",
  mfa: [],
  dependents: [],
  prescriptions: [],
  orders: [],
};
const seedFile = join(home, "seed.json");
const pad = (i) => String(i).padStart(5, "0");
// The ID card's shape is the bundled seed's: the scale member gets pat.sample's.
function writeSeed(card) {
  writeFileSync(
    seedFile,
    JSON.stringify({
      members: [{ ...scaleMember, card }],
      prescriptions: Array.from({ length: SCALE }, (_, i) => ({
        rxId: `RX-B${pad(i)}`,
        memberId: scaleMember.memberId,
        drug: `Benchmarkol ${i}`,
        strength: "10 mg",
        quantity: 30,
        daysSupply: 30,
        refillsRemaining: i % 4,
        lastFilledDaysAgo: i % 60,
        expiresInDays: 30 + (i % 400),
        autoRefill: i % 3 === 0,
      })),
      orders: Array.from({ length: SCALE }, (_, i) => ({
        orderId: `ORD-B${pad(i)}`,
        memberId: scaleMember.memberId,
        createdHoursAgo: i / 10,
        ...(i % 17 === 0 ? { cancelledAfterHours: 0.5 } : {}),
        items: [{ rxId: `RX-B${pad(i)}`, drug: `Benchmarkol ${i}` }],
      })),
    }),
  );
}
const bundled = JSON.parse(readFileSync(new URL("../fixtures/sandbox/seed.json", import.meta.url), "utf8"));
writeSeed(bundled.members.find((m) => m.username === "pat.sample").card);

// A generated tree of 20,000 nodes: 10,000 questions in a chain, each with an end beside it.
const bigTree = join(home, "tree-20000.yaml");
{
  const lines = ["version: 1", "start: q0", "branches:", "  main: q0", "nodes:"];
  for (let i = 0; i < 10_000; i++) {
    const next = i < 9_999 ? `q${i + 1}` : `e${i}`;
    lines.push(
      `  q${i}:`,
      "    kind: question",
      `    text: Generated question ${i}?`,
      "    answers:",
      `      - { value: "yes", label: "Yes", next: ${next} }`,
      `      - { value: "no", label: "No", next: e${i} }`,
      `  e${i}:`,
      "    kind: end",
      `    title: Generated end ${i}`,
      "    severity: info",
      "    remedy:",
      `      - Remedy ${i}.`,
    );
  }
  writeFileSync(bigTree, `${lines.join("\n")}\n`);
}

const sandbox = spawn(process.execPath, [bin, "sandbox", "--port", "0", "--seed", seedFile], {
  env,
  stdio: ["ignore", "pipe", "pipe"],
});
let sandboxErr = "";
sandbox.stderr.setEncoding("utf8").on("data", (d) => {
  sandboxErr += d;
});
const baseUrl = await new Promise((resolve, reject) => {
  let out = "";
  sandbox.stdout.setEncoding("utf8").on("data", (d) => {
    out += d;
    if (out.includes("\n")) resolve(out.split("\n")[0].trim());
  });
  sandbox.once("exit", (code) =>
    reject(new Error(`the sandbox exited ${code} before it listened: ${sandboxErr}`)),
  );
});
const origin = new URL(baseUrl).origin;
mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
writeFileSync(
  join(home, ".config", "rxportal", "config.yaml"),
  `defaultProfile: bench\nprofiles:\n  bench:\n    baseUrl: ${baseUrl}\n    username: pat.sample\n`,
);
// Like for like with `health --login --json`: node:http, keep-alive, and the same work on the wire:
// health's connection phase (a TCP connect to the portal, closed again), then the same five
// requests (the lockout guard reads GET /auth/policy before it sends a password).
const bare = join(home, "bare-health.mjs");
writeFileSync(
  bare,
  `import { Agent, request } from "node:http";
import { connect } from "node:net";
const base = new URL(${JSON.stringify(`${baseUrl}/`)});
await new Promise((resolve, reject) => {
  const socket = connect(Number(base.port), base.hostname, () => {
    socket.destroy();
    resolve();
  });
  socket.on("error", reject);
});
const agent = new Agent({ keepAlive: true });
const call = (method, path, headers = {}, body) =>
  new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, agent, headers: { accept: "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () => resolve(text ? JSON.parse(text) : undefined));
    });
    req.on("error", reject);
    req.end(body);
  });
const json = { "content-type": "application/json" };
await call("GET", "status");
await call("GET", "auth/policy");
const login = await call("POST", "auth/login", json, JSON.stringify({ username: "pat.sample", password: process.env.RXPORTAL_PASSWORD }));
const auth = { authorization: "Bearer " + login.accessToken };
await call("GET", "me", auth);
await call("POST", "auth/logout", auth);
agent.destroy();
`,
);
// The sandbox allows a few sign-ins a minute per address; its reset clears that (and reseeds).
const resetSandbox = () =>
  new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}/_sandbox/reset`, { method: "POST", agent: false }, (res) => {
      res
        .resume()
        .on("end", () => (res.statusCode < 300 ? resolve() : reject(new Error(`reset: ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
const signedEnv = { ...env, XDG_DATA_HOME: join(home, ".local", "share"), RXPORTAL_PASSWORD: PASSWORD };
const signedIn = { env: signedEnv, before: resetSandbox, portal: true };
const nodeCompileCache = typeof nodeModule.enableCompileCache === "function";
const MiB = 1024 * 1024;

const baseline = { name: "node -e 0", argv: ["-e", "0"] };
const help = { name: "rxportal --help", argv: [bin, "--help"] };
const bareHealth = {
  name: "bare node:http: connect, status, policy, login, me, logout",
  argv: [bare],
  ...signedIn,
};
const rows = [
  { ...help, target: { ratio: 1.3 } },
  {
    name: "rxportal contacts --enrollee medicare --json",
    argv: [bin, "contacts", "--enrollee", "medicare", "--json"],
    target: { ratio: 1.3 },
  },
  // The same in Spanish, from the locale as most members would have it (--help stays English, but
  // reads the locale on the way).
  {
    name: "rxportal --help, LANG=es_US.UTF-8",
    argv: [bin, "--help"],
    env: { ...env, LANG: "es_US.UTF-8" },
    target: { ratio: 1.3 },
  },
  {
    name: "rxportal contacts --enrollee medicare, LANG=es_US.UTF-8 (Spanish text)",
    argv: [bin, "contacts", "--enrollee", "medicare"],
    env: { ...env, LANG: "es_US.UTF-8" },
    target: { ratio: 1.3 },
  },
  {
    name: "rxportal check-link <official url>",
    argv: [bin, "--profile", "express-scripts", "check-link", "https://www.express-scripts.com/login"],
  },
  { name: "rxportal tree lint", argv: [bin, "tree", "lint"], target: { ratio: 1.5 } },
  // A kept session lives in the keychain, which the bench has none of (no Secret Service, as in
  // CI): whoami answers that nobody is signed in (exit 77) after reading config and state.
  {
    name: "rxportal whoami --json (no keychain: exit 77)",
    argv: [bin, "whoami", "--json"],
    env: signedEnv,
    exitCode: 77,
    target: { ratio: 1.6, rss: 70 },
  },
  {
    name: "rxportal status --json",
    argv: [bin, "status", "--json"],
    portal: true,
    target: { ratio: 1.6, rss: 70 },
  },
  {
    name: "rxportal refill list --json",
    argv: [bin, "refill", "list", "--json"],
    ...signedIn,
    target: { ratio: 1.6, rss: 70 },
  },
  {
    name: "rxportal orders --json",
    argv: [bin, "orders", "--json"],
    ...signedIn,
    target: { ratio: 1.6, rss: 70 },
  },
  {
    name: "rxportal doctor (unattended, sandbox path)",
    argv: [
      bin,
      "doctor",
      "--plain",
      ...["start=locked", "username=lee.locked", "lockout-someone=no", "lockout-choice=wait"].flatMap((a) => [
        "--answer",
        a,
      ]),
    ],
    ...signedIn,
  },
  {
    name: "rxportal health --login --json",
    argv: [bin, "health", "--login", "--json"],
    ...signedIn,
    baseline: bareHealth,
    target: { ratio: 1.3 },
  },
  {
    name: "rxportal --help, without code caches",
    argv: [bin, "--help"],
    env: { ...env, RXPORTAL_CODE_CACHE: "0" },
    note: "compiled from source, as a first run",
  },
  ...(nodeCompileCache
    ? [
        {
          name: "rxportal --help, Node's compile cache",
          argv: [bin, "--help"],
          env: { ...env, RXPORTAL_CODE_CACHE: "node" },
          baseline: help,
          note: "vs rxportal's own code caches (src/loader.ts)",
        },
      ]
    : []),
  {
    name: `rxportal orders --json, ${SCALE} orders`,
    argv: [bin, "orders", "--json", "--username", scaleMember.username],
    ...signedIn,
    scale: true,
    target: { ms: 1200, rss: 160 },
  },
  {
    name: `rxportal refill list --json, ${SCALE} prescriptions`,
    argv: [bin, "refill", "list", "--json", "--username", scaleMember.username],
    ...signedIn,
    scale: true,
  },
  {
    name: "rxportal tree lint, 20,000 nodes",
    argv: [bin, "tree", "lint", bigTree],
    scale: true,
    target: { ms: 2000 },
  },
].filter((r) => !only || only.some((o) => r.name.includes(o)));

const EXPORTER_ROW = "health serve exporter, 500 targets at 30 s (/probe)";
const exporterWindow = Number(option("--exporter-window")) || 10;
const wantExporter = !only || only.some((o) => EXPORTER_ROW.includes(o));

const timeOut = join(home, "time.out");
// A run still going after this is stopped; its row is measured once and reported as over it.
const RUN_LIMIT_MS = Number(option("--limit-ms")) || 30_000;
async function time(c) {
  await c.before?.();
  const [cmd, argv] = timeBin
    ? [timeBin, ["-o", timeOut, "-f", "%M", process.execPath, ...c.argv]]
    : [process.execPath, c.argv];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, {
    env: c.env ?? env,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * MiB,
    timeout: RUN_LIMIT_MS,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.signal === "SIGTERM" && ms >= RUN_LIMIT_MS) return { ms, rss: undefined, stopped: true };
  if (r.status !== (c.exitCode ?? 0))
    throw new Error(`${c.name} exited ${r.status}: ${r.stderr}${String(r.stdout).slice(0, 2000)}`);
  const rss = timeBin
    ? (Number(readFileSync(timeOut, "utf8").trim().split("\n").pop()) * 1024) / MiB
    : undefined;
  return { ms, rss };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x, d = 2) => x.toFixed(d);
let failed = false;
console.log(
  `node ${process.version}; ${runs} pairs per row (${scaleRuns} for scale rows); NODE_EXTRA_CA_CERTS ${
    process.env.NODE_EXTRA_CA_CERTS ? "set (each Node start reads it, as in CI)" : "not set"
  }; ${timeBin ? "peak RSS from /usr/bin/time" : "no /usr/bin/time: no peak RSS"}`,
);
console.log(
  `${"command".padEnd(52)} ${"median ms".padStart(9)}  ${"ratio [min-max]".padEnd(18)} ${"vs".padEnd(10)} ${"RSS MiB".padStart(7)}  verdict`,
);
function report({ row, base, pairs }) {
  const ratios = pairs.map((p) => p.run.ms / p.base.ms);
  const ms = median(pairs.map((p) => p.run.ms));
  const ratio = median(ratios);
  const measured = pairs.map((p) => p.run.rss).filter((x) => x !== undefined);
  const rss = measured.length ? median(measured) : undefined;
  const misses = [];
  if (pairs.some((p) => p.run.stopped)) misses.push(`stopped after ${RUN_LIMIT_MS} ms`);
  if (row.target?.ratio && ratio > row.target.ratio) misses.push(`ratio above ${row.target.ratio}`);
  if (row.target?.ms && ms > row.target.ms) misses.push(`above ${row.target.ms} ms`);
  if (row.target?.rss && rss !== undefined && rss > row.target.rss)
    misses.push(`RSS above ${row.target.rss} MiB`);
  if (misses.length) failed = true;
  const goals = [
    row.target?.ratio && `<= ${row.target.ratio}x`,
    row.target?.ms && `< ${row.target.ms} ms`,
    row.target?.rss && `<= ${row.target.rss} MiB`,
  ].filter(Boolean);
  const verdict = row.target
    ? misses.length
      ? `MISSED: ${misses.join(", ")}`
      : `ok (${goals.join(", ")})`
    : (row.note ?? "reported");
  const vs = base === baseline ? "node -e 0" : base === bareHealth ? "bare http" : "own cache";
  console.log(
    `${row.name.padEnd(52)} ${f(ms, 1).padStart(9)}  ${`${f(ratio)} [${f(Math.min(...ratios))}-${f(Math.max(...ratios))}]`.padEnd(18)} ${vs.padEnd(10)} ${rss === undefined ? "".padStart(7) : f(rss, 1).padStart(7)}  ${verdict}`,
  );
}

// The sandbox is a Node process too, started just now: until V8 has compiled its request
// handlers, each answer costs it more, and the rows measured first (refill list makes six
// requests) would pay for its warm-up rather than for rxportal. So before the first row that talks
// to it, it answers rounds of the requests those rows make (--warm-rounds N, 0 for none).
const warmRounds = Number(option("--warm-rounds") ?? 300);
async function warmSandbox() {
  const agent = new HttpAgent({ keepAlive: true });
  const call = (method, url, headers = {}, body) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(url, { method, agent, headers }, (res) => {
        let text = "";
        res
          .setEncoding("utf8")
          .on("data", (d) => {
            text += d;
          })
          .on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.end(body);
    });
  const json = { "content-type": "application/json" };
  const started = Date.now();
  for (let i = 0; i < warmRounds; i++) {
    // The sign-in limit per address: a reset every few rounds, as the rows do before each run.
    if (i % 3 === 0) await resetSandbox();
    await call("GET", `${baseUrl}/status`);
    await call("GET", `${baseUrl}/auth/policy`);
    const login = JSON.parse(
      await call(
        "POST",
        `${baseUrl}/auth/login`,
        json,
        JSON.stringify({ username: "pat.sample", password: PASSWORD }),
      ),
    );
    const auth = { authorization: `Bearer ${login.accessToken}` };
    const me = JSON.parse(await call("GET", `${baseUrl}/me`, auth));
    for (const id of [me.memberId, ...me.dependents.map((d) => d.memberId)]) {
      await call("GET", `${baseUrl}/prescriptions?memberId=${id}`, auth);
      await call("GET", `${baseUrl}/orders?memberId=${id}`, auth);
    }
    await call("POST", `${baseUrl}/auth/logout`, auth);
  }
  agent.destroy();
  await resetSandbox();
  return Date.now() - started;
}

const results = [];
try {
  let warmed = false;
  for (const row of rows) {
    if (row.portal && !warmed && warmRounds > 0) {
      warmed = true;
      console.log(
        `  (the sandbox answered ${warmRounds} rounds of the rows' requests first: ${await warmSandbox()} ms)`,
      );
    }
    const base = row.baseline ?? baseline;
    await time(base); // warm the file cache (and the code caches)
    const warm = await time(row);
    const pairs = [];
    if (warm.stopped) {
      results.push({ row, base, pairs: [{ base: await time(base), run: warm }] });
      report(results.at(-1));
      continue;
    }
    for (let i = 0; i < (row.scale ? scaleRuns : runs); i++) {
      // Alternating which half goes first, so neither always runs on a machine the other warmed.
      if (i % 2) {
        const b = await time(base);
        pairs.push({ base: b, run: await time(row) });
      } else {
        const r = await time(row);
        pairs.push({ base: await time(base), run: r });
      }
    }
    results.push({ row, base, pairs });
    report(results.at(-1));
  }
  if (wantExporter) reportExporter();
} finally {
  // The sandbox writes to the bench's home as it stops (its code cache): wait for it to go first.
  if (sandbox.exitCode === null && sandbox.signalCode === null) {
    const exited = new Promise((resolve) => sandbox.once("exit", resolve));
    sandbox.kill();
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
}

function reportExporter() {
  const r = spawnSync(
    process.execPath,
    [
      new URL("./bench-exporter.mjs", import.meta.url).pathname,
      ...["--targets", "500", "--interval", "30", "--window", String(exporterWindow), "--json"],
    ],
    { env, encoding: "utf8", timeout: (exporterWindow + 120) * 1000 },
  );
  const line = r.stdout?.trim().split("\n").pop();
  let m;
  try {
    m = JSON.parse(line ?? "");
  } catch {
    failed = true;
    console.log(
      `${EXPORTER_ROW.padEnd(52)} MISSED: the exporter bench did not finish (${r.status}): ${r.stderr}`,
    );
    return;
  }
  const misses = [];
  if (m.peakRssMiB > m.rssTargetMiB) misses.push(`RSS above ${m.rssTargetMiB} MiB`);
  if (m.failed > 0) misses.push(`${m.failed} probes failed`);
  if (misses.length) failed = true;
  const cpu = `CPU ${f(m.cpuCoreShare * 100, 1)}% core`;
  const verdict = misses.length
    ? `MISSED: ${misses.join(", ")}`
    : `ok (<= ${m.rssTargetMiB} MiB); ${m.probes} probes, p99 ${f(m.answerMs.p99, 0)} ms; ${m.schedule}`;
  console.log(
    `${EXPORTER_ROW.padEnd(52)} ${f(m.answerMs.p50, 1).padStart(9)}  ${cpu.padEnd(18)} ${"".padEnd(10)} ${f(m.peakRssMiB, 1).padStart(7)}  ${verdict}`,
  );
}

for (const b of [baseline, bareHealth]) {
  const own = results.filter((r) => r.base === b).flatMap((r) => r.pairs.map((p) => p.base.ms));
  if (own.length) console.log(`  baseline ${b.name}: median ${f(median(own), 1)} ms over ${own.length} runs`);
}
if (check && failed) process.exitCode = 1;
