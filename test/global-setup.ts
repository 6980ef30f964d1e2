// End-to-end tests spawn the built binary; build it first so they never test a stale dist/.
// RXPORTAL_TEST_BUILT=1 (.ci/run, which builds once and runs suites side by side): already built,
// and a build here would swap dist/ under another suite's running binaries.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  if (process.env.RXPORTAL_TEST_BUILT === "1") return;
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
