// Start-up benchmark: median wall time of rxportal commands as a ratio to `node -e 0`, all
// measured in this one run, interleaved so that machine noise hits every command alike.
// `health --login --json` is measured against a loopback sandbox portal and compared with a bare
// Node script making the same four requests (status, login, me, logout) with Node's own fetch.
//   npm run bench              print the table
//   npm run bench -- --runs 31 more runs
//   npm run bench -- --check   exit 1 when a ratio is above its target
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 21;
const check = args.includes("--check");
const home = mkdtempSync(join(tmpdir(), "rxportal-bench-"));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), NO_COLOR: "1" };
delete env.RXPORTAL_CONFIG;
delete env.RXPORTAL_PROFILE;

const bin = new URL("../bin/rxportal.js", import.meta.url).pathname;

// A sandbox portal of its own, on a free loopback port, for the health case.
const sandbox = spawn(process.execPath, [bin, "sandbox", "--port", "0"], {
  env,
  stdio: ["ignore", "pipe", "ignore"],
});
const baseUrl = await new Promise((resolve, reject) => {
  let out = "";
  sandbox.stdout.setEncoding("utf8").on("data", (d) => {
    out += d;
    const line = out.split("\n")[0];
    if (out.includes("\n")) resolve(line.trim());
  });
  sandbox.once("exit", (code) => reject(new Error(`the sandbox exited ${code} before it listened`)));
});
const origin = new URL(baseUrl).origin;
mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
writeFileSync(
  join(home, ".config", "rxportal", "config.yaml"),
  `defaultProfile: bench\nprofiles:\n  bench:\n    baseUrl: ${baseUrl}\n    username: pat.sample\n`,
);
const bare = join(home, "bare-health.mjs");
writeFileSync(
  bare,
  `const base = ${JSON.stringify(baseUrl)};
const json = { "content-type": "application/json" };
await (await fetch(base + "/status")).json();
const login = await (await fetch(base + "/auth/login", { method: "POST", headers: json, body: JSON.stringify({ username: "pat.sample", password: process.env.RXPORTAL_PASSWORD }) })).json();
const auth = { authorization: "Bearer " + login.accessToken };
await (await fetch(base + "/me", { headers: auth })).json();
await (await fetch(base + "/auth/logout", { method: "POST", headers: auth })).text();
`,
);
// The sandbox allows 30 sign-ins a minute per address; its reset clears that between runs.
const resetSandbox = () =>
  spawnSync(process.execPath, [
    "-e",
    `fetch(${JSON.stringify(`${origin}/_sandbox/reset`)}, { method: "POST" })`,
  ]);
const healthEnv = {
  ...env,
  XDG_DATA_HOME: join(home, ".local", "share"),
  RXPORTAL_PASSWORD: "Sandbox-Pass-2026",
};

const cases = [
  { name: "node -e 0", argv: ["-e", "0"] },
  { name: "rxportal --help", argv: [bin, "--help"], target: 1.3 },
  {
    name: "rxportal contacts --enrollee medicare --json",
    argv: [bin, "contacts", "--enrollee", "medicare", "--json"],
    target: 1.3,
  },
  // Compiled from source, as on a first run (which then also writes the caches, src/boot.ts):
  // reported, no target.
  {
    name: "rxportal --help, without code caches",
    argv: [bin, "--help"],
    env: { ...env, RXPORTAL_CODE_CACHE: "0" },
    note: "compiled from source (RXPORTAL_CODE_CACHE=0)",
  },
  { name: "bare node: status, login, me, logout", argv: [bare], env: healthEnv, before: resetSandbox },
  {
    name: "rxportal health --login --json",
    argv: [bin, "health", "--login", "--json"],
    env: healthEnv,
    before: resetSandbox,
    // Compared with the bare script making the same requests, not with `node -e 0`.
    baseline: 4,
    target: 1.3,
  },
];

function time(c) {
  c.before?.();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.argv, { env: c.env ?? env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${c.argv.join(" ")} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return ms;
}

const samples = cases.map(() => []);
try {
  for (const c of cases) time(c); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const [j, c] of cases.entries()) samples[j].push(time(c));
  }
} finally {
  // The sandbox writes to the bench's home as it stops (its code cache): wait for it to go first.
  if (sandbox.exitCode === null && sandbox.signalCode === null) {
    const exited = new Promise((resolve) => sandbox.once("exit", resolve));
    sandbox.kill();
    await exited;
  }
  rmSync(home, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
let failed = false;
console.log(`runs: ${runs} each, interleaved; node ${process.version}`);
cases.forEach((c, j) => {
  const m = median(samples[j]);
  const ratio = m / median(samples[c.baseline ?? 0]);
  const verdict = c.target
    ? ratio <= c.target
      ? `ok (target <= ${c.target})`
      : `ABOVE target ${c.target}`
    : j === 0
      ? "baseline"
      : (c.note ?? "baseline for health");
  if (c.target && ratio > c.target) failed = true;
  console.log(
    `${c.name.padEnd(48)} median ${m.toFixed(1).padStart(7)} ms  ratio ${ratio.toFixed(2)}  ${verdict}`,
  );
});
if (check && failed) process.exitCode = 1;
