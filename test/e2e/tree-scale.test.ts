// End to end: `tree lint` on a generated 20,000-node tree through the built binary. No time bound
// here (the machine is shared; `npm run bench` has the timed row); what this checks is that the
// big tree reads, validates and lints clean, with the exact summary and exit code, and that a
// repeated node in it is still reported with its line.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempHome } from "../helpers/spawn.js";
import { chainTreeYaml } from "../helpers/tree-gen.js";

describe("rxportal tree lint on a 20,000-node tree (built binary)", () => {
  it("says OK with the node counts and exits 0", async () => {
    const file = join(tempHome(), "tree-20000.yaml");
    writeFileSync(file, chainTreeYaml(20_000));
    const r = await runCli(["tree", "lint", file], { timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${file}: OK, 20000 nodes (10000 questions, 0 probes, 0 actions, 10000 ends), 1 branch.\n`,
    );
  }, 150_000);

  it("lists a node defined twice, with the line of the repeat, and exits 78", async () => {
    const file = join(tempHome(), "tree-dup.yaml");
    const text = chainTreeYaml(20_000);
    // The last node again, as the file's last lines.
    const repeat = "  e9999:\n    kind: end\n    title: Again\n    remedy:\n      - Again.\n";
    writeFileSync(file, text + repeat);
    const line = text.split("\n").length; // the line after the last newline of `text`
    const r = await runCli(["tree", "lint", file], { timeoutMs: 120_000 });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe(
      `${file}: e9999: duplicate-id: "e9999" is defined more than once (again at line ${line}); only the last one counts\n`,
    );
    expect(r.stderr).toBe(`rxportal: 1 problem in ${file}.\n`);
  }, 150_000);
});
