// How the built launcher ends a run (src/boot.ts, endRun): at once when the event loop has
// nothing left, as Node would with anything still pending. A preload (NODE_OPTIONS=--require)
// tells which way the process ended: Node emits 'beforeExit' only when it ends the process
// itself; 'exit' listeners run either way.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/spawn.js";

/**
 * A preload that marks 'beforeExit' and 'exit' on stderr. With `pendingTimerMs`, the command's
 * first line on stderr (its error, written just before the run ends) also starts a timer, so
 * something is pending when the run ends however long the run took.
 */
function preload(pendingTimerMs?: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "rxportal-exit-")), "preload.cjs");
  writeFileSync(
    file,
    [
      'const fs = require("node:fs");',
      "const writeSync = fs.writeSync;",
      'process.on("beforeExit", () => writeSync(2, "[beforeExit]\\n"));',
      'process.on("exit", (code) => writeSync(2, "[exit " + code + "]\\n"));',
      pendingTimerMs === undefined
        ? ""
        : [
            "let started = false;",
            "fs.writeSync = function (fd, ...rest) {",
            "  if (fd === 2 && !started) {",
            "    started = true;",
            `    setTimeout(() => writeSync(2, "[timer]\\n"), ${pendingTimerMs});`,
            "  }",
            "  return writeSync.call(this, fd, ...rest);",
            "};",
          ].join("\n"),
    ].join("\n"),
  );
  return file;
}

describe("the launcher's end of a run", () => {
  it("exits at once with the command's code when nothing is pending, 'exit' listeners included", async () => {
    const ok = await runCli(["contacts", "--enrollee", "medicare", "--json"], {
      env: { NODE_OPTIONS: `--require ${preload()}` },
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toBeTruthy();
    expect(ok.stderr).toContain("[exit 0]");
    expect(ok.stderr).not.toContain("[beforeExit]");

    const usage = await runCli(["contacts", "--enrollee", "nobody"], {
      env: { NODE_OPTIONS: `--require ${preload()}` },
    });
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain("[exit 64]");
    expect(usage.stderr).not.toContain("[beforeExit]");
  });

  it("leaves the end to Node while anything is still pending, and keeps the command's code", async () => {
    const run = await runCli(["contacts", "--enrollee", "nobody"], {
      env: { NODE_OPTIONS: `--require ${preload(300)}` },
    });
    expect(run.code).toBe(64);
    // The timer ran, then Node ended the process itself.
    expect(run.stderr).toMatch(/\[timer\]\n\[beforeExit\]\n\[exit 64\]\n$/);
  });
});
