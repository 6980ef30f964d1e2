// End-to-end tests spawn the built binary; build it first so they never test a stale dist/.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
