// End to end: output into a pipe is written synchronously (src/process-streams.ts) and the process
// ends by Node's own exit. Nothing may be lost on the way: megabytes of output into a pipe that
// nobody reads for a while still arrive whole, with the exit code.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, cliEnv, tempHome } from "../helpers/spawn.js";
import { chainTreeYaml } from "../helpers/tree-gen.js";

function runSlowReader(args: string[], home: string, holdMs: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      env: cliEnv(home),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // Nobody reads at first: the pipe fills and the writer must wait for its reader.
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), holdMs);
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

describe("piped output arrives whole before the process ends (built binary)", () => {
  it("megabytes into a pipe read late arrive whole, exit 0", async () => {
    const home = tempHome();
    const file = join(home, "tree.yaml");
    writeFileSync(file, chainTreeYaml(4_000));
    const r = await runSlowReader(["tree", "export", "--format", "json", file], home, 700);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(512 * 1024);
    const tree = JSON.parse(r.stdout) as { nodes: Record<string, unknown> };
    expect(Object.keys(tree.nodes)).toHaveLength(4_000);
  }, 60_000);

  it("an error's message and code too", async () => {
    const r = await runSlowReader(["tree", "lint", join(tempHome(), "missing.yaml")], tempHome(), 300);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^rxportal: .*missing\.yaml/);
  });
});
