// dist/help.txt, written by the build (scripts/build.mjs), is exactly the help commander writes for
// this code at 80 columns, and it is what the binary prints for --help and -h in a pipe.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PREBUILT_HELP_FILE, run } from "../../src/main.js";
import { dist } from "../helpers/bundle-reads.js";
import { testContext } from "../helpers/context.js";
import { runCli } from "../helpers/spawn.js";

describe("the prebuilt top-level help", () => {
  const prebuilt = readFileSync(join(dist, PREBUILT_HELP_FILE), "utf8");

  it("is what commander writes for the sources (a pipe: 80 columns)", async () => {
    const t = testContext();
    expect(await run(["--help"], t.ctx)).toBe(0);
    expect(prebuilt).toBe(t.stdout.text);
  });

  it.each([["--help"], ["-h"]])(
    "is what the binary prints for %s, exit 0, nothing on stderr",
    async (flag) => {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(prebuilt);
    },
  );
});
