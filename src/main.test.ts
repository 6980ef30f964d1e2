// The run's way in: the top-level help from the build's dist/help.txt when it is written at the
// width the build wrote it for, commander's own help otherwise.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testContext } from "../test/helpers/context.js";
import { PREBUILT_HELP_FILE, run } from "./main.js";

/** A bundle folder whose help.txt says PREBUILT, so a test sees which help was written. */
function bundleWithHelp(): { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "rxportal-bundle-"));
  writeFileSync(join(dir, PREBUILT_HELP_FILE), "PREBUILT\n");
  return { dir };
}

/** What `argv` writes on stdout, on a terminal `columns` wide (or a pipe), with `bundle`. */
async function helpOf(argv: string[], bundle?: { dir: string }, columns?: number) {
  const t = testContext();
  if (columns) Object.assign(t.stdout, { isTTY: true, columns });
  const code = await run(argv, t.ctx, bundle);
  return { code, stdout: t.stdout.text, stderr: t.stderr.text };
}

describe("the top-level help", () => {
  it("comes from the bundle's help.txt for --help and -h, in a pipe or at 80 columns", async () => {
    for (const argv of [["--help"], ["-h"]]) {
      expect(await helpOf(argv, bundleWithHelp())).toEqual({ code: 0, stdout: "PREBUILT\n", stderr: "" });
      expect((await helpOf(argv, bundleWithHelp(), 80)).stdout).toBe("PREBUILT\n");
    }
  });

  it("is commander's at another width, without the file, without a bundle, and for any other line", async () => {
    const commander = await helpOf(["--help"]);
    expect(commander.code).toBe(0);
    expect(commander.stdout).toMatch(/^Usage: rxportal \[options\] \[command\]\n/);
    const wide = await helpOf(["--help"], bundleWithHelp(), 132);
    expect(wide.stdout).toMatch(/^Usage: rxportal/);
    expect(wide.stdout).not.toBe(commander.stdout);
    expect(wide.stdout).toBe((await helpOf(["--help"], undefined, 132)).stdout);
    const missing = { dir: mkdtempSync(join(tmpdir(), "rxportal-bundle-")) };
    expect((await helpOf(["--help"], missing)).stdout).toBe(commander.stdout);
    for (const argv of [["--help", "--json"], ["help"], ["contacts", "--help"]])
      expect((await helpOf(argv, bundleWithHelp())).stdout, argv.join(" ")).not.toBe("PREBUILT\n");
  });
});
