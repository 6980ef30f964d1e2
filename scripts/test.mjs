// `npm test`: the whole suite in two runs. First every file but the timed ones, on every core,
// with one module graph per worker (--no-isolate: the tests build their own contexts, servers
// and homes); then the files with wall-clock bounds (deadlines, parallel probes, SIGKILL timing, scrapes)
// one at a time, so that no other test eats their time. Arguments (`npm test -- <files or
// vitest flags>`) run one plain `vitest run` with them instead.
// RXPORTAL_TEST_REPORT=<prefix>: each run also writes vitest's JSON report to <prefix>-all.json
// and <prefix>-timed.json (.ci/run counts them).
import { spawnSync } from "node:child_process";

const timed = [
  "test/e2e/health.test.ts",
  "test/refill/sigkill.test.ts",
  "test/e2e/budget.test.ts",
  "test/budget/prompt-pause.test.ts",
  // A real Prometheus scrapes with sub-second timeouts: a loaded machine makes a healthy probe late.
  "test/e2e/prometheus.test.ts",
  // health serve's graceful stop: a slow scrape in progress at SIGTERM, and how soon it exits.
  "test/e2e/health-serve.test.ts",
];

function vitest(args, report, env = process.env) {
  const reporters = report ? ["--reporter=dot", "--reporter=json", `--outputFile=${report}`] : [];
  const r = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...reporters, ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    stdio: "inherit",
    env,
  });
  return r.status ?? 1;
}

const args = process.argv.slice(2);
const prefix = process.env.RXPORTAL_TEST_REPORT;
if (args.length > 0) process.exit(vitest(args, prefix && `${prefix}-all.json`));
const all = vitest(
  ["--no-isolate", ...timed.map((file) => `--exclude=${file}`)],
  prefix && `${prefix}-all.json`,
);
// The timed files run even when the first run failed: the report shows every failure at once.
// dist/ was built by the first run's global setup (test/global-setup.ts).
const slow = vitest(["--maxWorkers=1", ...timed], prefix && `${prefix}-timed.json`, {
  ...process.env,
  RXPORTAL_TEST_BUILT: "1",
});
process.exit(all || slow);
