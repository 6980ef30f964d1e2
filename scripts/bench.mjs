// Start-up benchmark: median wall time of rxportal commands as a ratio to `node -e 0`, all
// measured in this one run, interleaved so that machine noise hits every command alike.
//   npm run bench              print the table
//   npm run bench -- --runs 31 more runs
//   npm run bench -- --check   exit 1 when a ratio is above its target
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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
const cases = [
  { name: "node -e 0", argv: ["-e", "0"] },
  { name: "rxportal --help", argv: [bin, "--help"], target: 1.3 },
  {
    name: "rxportal contacts --enrollee medicare --json",
    argv: [bin, "contacts", "--enrollee", "medicare", "--json"],
    target: 1.3,
  },
];

function time(argv) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const samples = cases.map(() => []);
for (const c of cases) time(c.argv); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const [j, c] of cases.entries()) samples[j].push(time(c.argv));
}
rmSync(home, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const baseline = median(samples[0]);
let failed = false;
console.log(`runs: ${runs} each, interleaved; node ${process.version}`);
cases.forEach((c, j) => {
  const m = median(samples[j]);
  const ratio = m / baseline;
  const verdict = c.target
    ? ratio <= c.target
      ? `ok (target <= ${c.target})`
      : `ABOVE target ${c.target}`
    : "baseline";
  if (c.target && ratio > c.target) failed = true;
  console.log(
    `${c.name.padEnd(48)} median ${m.toFixed(1).padStart(7)} ms  ratio ${ratio.toFixed(2)}  ${verdict}`,
  );
});
if (check && failed) process.exitCode = 1;
