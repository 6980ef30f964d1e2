// The exporter at scale: `health serve` probed for 500 targets at a 30 s interval, as Prometheus
// would scrape /probe?target=<profile> for 500 profiles, spread evenly over the interval. Every
// profile points at one loopback sandbox (`rxportal sandbox`). Reports the exporter's CPU (user +
// system seconds per wall second, from /proc) and its peak RSS (VmHWM), and the share of probes
// that succeeded. Linux only (/proc).
//   node scripts/bench-exporter.mjs                 500 targets, 30 s interval, two intervals
//   node scripts/bench-exporter.mjs --targets 1000 --interval 15 --rounds 3 --check
//   node scripts/bench-exporter.mjs --window 10     the compressed schedule `npm run bench` uses
//   node scripts/bench-exporter.mjs --json          one JSON line instead of the sentence
// --check exits 1 when peak RSS is above 150 MiB or a probe failed.
// --window <s>, the compressed schedule: every target is probed once first, as fast as the
// exporter's --concurrency lets it (so the exporter holds all of them, as after its first
// interval), then the measured window runs the same load per second as the full schedule
// (targets / interval probes a second, going on round the targets) for <s> seconds. CPU is
// counted over the window only; the peak RSS (VmHWM) covers the whole run, the first pass's
// burst included, so it is if anything higher than in the steady state.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const TARGETS = option("--targets", 500);
const INTERVAL_S = option("--interval", 30);
const ROUNDS = option("--rounds", 2);
const WINDOW_S = option("--window", 0);
const json = args.includes("--json");
const RSS_TARGET_MIB = 150;
const check = args.includes("--check");
const bin = new URL("../bin/rxportal.js", import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), "rxportal-bench-exporter-"));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), NO_COLOR: "1" };
const CLK_TCK = 100; // getconf CLK_TCK on Linux

function start(argv) {
  const child = spawn(process.execPath, [bin, ...argv], { env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d) => {
    err += d;
  });
  const first = new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0].trim());
    });
    child.once("exit", (code) => reject(new Error(`${argv.join(" ")} exited ${code}: ${err}`)));
  });
  return { child, first };
}

function cpuSeconds(pid) {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const statusKiB = (pid, key) =>
  Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);

const sandbox = start(["sandbox", "--port", "0"]);
let exporter;
try {
  const baseUrl = await sandbox.first;
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  const profiles = Array.from({ length: TARGETS }, (_, i) => `  p${i}:\n    baseUrl: ${baseUrl}\n`);
  writeFileSync(join(home, ".config", "rxportal", "config.yaml"), `profiles:\n${profiles.join("")}`);
  exporter = start(["health", "serve", "--port", "0", "--profile", "p0"]);
  const metricsUrl = await exporter.first;
  const origin = new URL(metricsUrl).origin;
  const pid = exporter.child.pid;
  const spacingMs = (INTERVAL_S * 1000) / TARGETS;
  let ok = 0;
  let failed = 0;
  const answers = [];
  const pending = new Set();
  const probe = (n, timed = true) => {
    const t0 = performance.now();
    const p = fetch(`${origin}/probe?target=p${n % TARGETS}`, {
      headers: { "X-Prometheus-Scrape-Timeout-Seconds": "10" },
    })
      .then((r) => r.text())
      .then((text) => {
        if (timed) answers.push(performance.now() - t0);
        if (/^probe_success 1$/m.test(text)) ok += 1;
        else failed += 1;
      })
      .catch(() => {
        failed += 1;
      })
      .finally(() => pending.delete(p));
    pending.add(p);
    return p;
  };
  if (WINDOW_S > 0) {
    // The first pass: every target once, not timed (the exporter queues past its --concurrency).
    await Promise.all(Array.from({ length: TARGETS }, (_, n) => probe(n, false)));
  }
  const total = WINDOW_S > 0 ? Math.round((WINDOW_S * 1000) / spacingMs) : TARGETS * ROUNDS;
  const cpu0 = cpuSeconds(pid);
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    const due = started + n * spacingMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    probe(n);
  }
  await Promise.all(pending);
  const wall = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const hwm = statusKiB(pid, "VmHWM") / 1024;
  const rss = statusKiB(pid, "VmRSS") / 1024;
  answers.sort((a, b) => a - b);
  const pct = (q) => answers[Math.min(answers.length - 1, Math.floor(q * answers.length))] ?? 0;
  const verdict = hwm <= RSS_TARGET_MIB && failed === 0 ? `ok (<= ${RSS_TARGET_MIB} MiB)` : "MISSED";
  const schedule =
    WINDOW_S > 0
      ? `every target once, then ${WINDOW_S} s at ${(TARGETS / INTERVAL_S).toFixed(1)} probes/s`
      : `${ROUNDS} intervals`;
  if (json) {
    console.log(
      JSON.stringify({
        targets: TARGETS,
        intervalSeconds: INTERVAL_S,
        schedule,
        probes: ok + failed,
        ok,
        failed,
        cpuCoreShare: cpu / wall,
        peakRssMiB: hwm,
        rssMiB: rss,
        answerMs: { p50: pct(0.5), p99: pct(0.99), max: pct(1) },
        rssTargetMiB: RSS_TARGET_MIB,
        verdict,
      }),
    );
  } else {
    console.log(
      `health serve, ${TARGETS} targets at ${INTERVAL_S} s (/probe, ${schedule}, ${ok + failed} probes): ` +
        `CPU ${(cpu / wall).toFixed(3)} s/s (${((cpu / wall) * 100).toFixed(1)}% of one core), ` +
        `peak RSS ${hwm.toFixed(1)} MiB (now ${rss.toFixed(1)}), ${ok} ok / ${failed} failed, ` +
        `answers p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms, max ${pct(1).toFixed(0)} ms: ${verdict}`,
    );
  }
  if (check && verdict === "MISSED") process.exitCode = 1;
} finally {
  for (const c of [exporter?.child, sandbox.child]) {
    if (c && c.exitCode === null) {
      const exited = new Promise((resolve) => c.once("exit", resolve));
      c.kill("SIGTERM");
      await exited;
    }
  }
  rmSync(home, { recursive: true, force: true });
}
