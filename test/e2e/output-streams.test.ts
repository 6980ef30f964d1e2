// End to end: each output stream is styled from its own terminal. The built binary runs under
// `script`, so stdin and stderr are a real pseudo-terminal, while stdout goes to a file or a pipe:
// the file must hold no escape codes and no box drawing, and the terminal still gets its colours.
// NO_COLOR, FORCE_COLOR, --no-color and --plain apply to the prompts on stderr too.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, cliEnv, tempHome } from "../helpers/spawn.js";

function scriptAvailable(): boolean {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const ESC = "\u001b";
/** SGR sequences (colour, bold, dim): ESC [ ... m. Cursor moves and hiding are other letters. */
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`);
const BOX = /[┌┬┐├┼┤└┴┘│─]/;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** An environment without NO_COLOR or CI (cliEnv sets NO_COLOR for the other tests). */
function ttyEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cliEnv(home, { TERM: "xterm-256color", ...extra });
  if (!("NO_COLOR" in extra)) delete env.NO_COLOR;
  delete env.CI;
  return env;
}

/** Runs a shell command line inside a pseudo-terminal; returns what the terminal showed. */
function inTerminal(commandLine: string, env: NodeJS.ProcessEnv): { code: number | null; screen: string } {
  const r = spawnSync("script", ["-qec", commandLine, "/dev/null"], {
    env,
    encoding: "utf8",
    timeout: 20_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { code: r.status, screen: r.stdout };
}

const cli = (args: string) => `${quote(process.execPath)} ${quote(binPath)} ${args}`;

describe.skipIf(!scriptAvailable())("output styled per stream (script pseudo-terminal)", () => {
  it("status --sandbox > file: plain lines in the file while stderr is a terminal", () => {
    const home = tempHome();
    const file = join(home, "status.txt");
    const r = inTerminal(`${cli("status --sandbox")} > ${quote(file)}`, ttyEnv(home));
    expect(r.code).toBe(0);
    const out = readFileSync(file, "utf8");
    expect(out).not.toContain(ESC);
    expect(out).not.toMatch(BOX);
    expect(out).toMatch(/^Portal \(sandbox\): working normally$/m);
    expect(out).toContain("Service: Sign-in; State: operational");
    // stderr (the terminal) had nothing to say.
    expect(r.screen).toBe("");
  });

  it("the same command at the terminal keeps its colours and box drawing (so the check can fail)", () => {
    const home = tempHome();
    const r = inTerminal(cli("status --sandbox"), ttyEnv(home));
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(SGR);
    expect(r.screen).toMatch(BOX);
  });

  it("FORCE_COLOR still forces colour into a file; --plain and NO_COLOR take it away at a terminal", () => {
    const home = tempHome();
    const file = join(home, "forced.txt");
    const forced = inTerminal(
      `${cli("status --sandbox")} > ${quote(file)}`,
      ttyEnv(home, { FORCE_COLOR: "1" }),
    );
    expect(forced.code).toBe(0);
    expect(readFileSync(file, "utf8")).toMatch(SGR);

    const plain = inTerminal(cli("--plain status --sandbox"), ttyEnv(home));
    expect(plain.code).toBe(0);
    expect(plain.screen).not.toContain(ESC);
    expect(plain.screen).not.toMatch(BOX);
    expect(plain.screen).toContain("Service: Sign-in; State: operational");

    const noColor = inTerminal(cli("status --sandbox"), ttyEnv(home, { NO_COLOR: "1" }));
    expect(noColor.code).toBe(0);
    expect(noColor.screen).not.toMatch(SGR);
    expect(noColor.screen).toMatch(BOX);
  });

  it("contacts | cat > file: no escape codes through a pipe", () => {
    const home = tempHome();
    const file = join(home, "contacts.txt");
    const r = inTerminal(`${cli("contacts --enrollee medicare")} | cat > ${quote(file)}`, ttyEnv(home));
    expect(r.code).toBe(0);
    const out = readFileSync(file, "utf8");
    expect(out).not.toContain(ESC);
    expect(out).toMatch(/Phone: /);
    expect(r.screen).toBe("");
    // At the terminal the contact names are bold.
    expect(inTerminal(cli("contacts --enrollee medicare"), ttyEnv(home)).screen).toMatch(SGR);
  });

  it("an error on stderr at a terminal while stdout is a file: the message, exit 64, an empty file", () => {
    const home = tempHome();
    const file = join(home, "err.txt");
    const r = inTerminal(`${cli("contacts --enrollee martian")} > ${quote(file)}`, ttyEnv(home));
    expect(r.code).toBe(64);
    expect(readFileSync(file, "utf8")).toBe("");
    expect(r.screen).toMatch(/^rxportal: .*martian/m);
  });
});

/**
 * Starts the doctor in a pseudo-terminal, waits for its first question, presses Ctrl-C, and
 * returns the raw bytes the terminal received (the prompt's rendering) and the exit code.
 */
function promptOnce(
  args: string,
  env: NodeJS.ProcessEnv,
  redirect = "",
): Promise<{ code: number | null; raw: string }> {
  const child = spawn("script", ["-qec", `${cli(args)}${redirect}`, "/dev/null"], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let raw = "";
  let sent = false;
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    raw += d;
    if (!sent && raw.includes("What happens when you try to sign in")) {
      sent = true;
      // Let inquirer finish drawing, then Ctrl-C as a person would.
      setTimeout(() => child.stdin.write("\u0003"), 200);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, raw });
    });
  });
}

describe.skipIf(!scriptAvailable())("prompts follow the colour flags (script pseudo-terminal)", () => {
  it("with colour allowed, the first doctor question is coloured (so the checks below can fail)", async () => {
    const r = await promptOnce("doctor --sandbox", ttyEnv(tempHome()));
    expect(r.raw).toContain("What happens when you try to sign in");
    expect(r.raw).toMatch(SGR);
    expect(r.code).toBe(130);
  });

  it.each([
    ["--no-color", "--no-color doctor --sandbox", {}],
    ["--plain", "--plain doctor --sandbox", {}],
    ["NO_COLOR=1", "doctor --sandbox", { NO_COLOR: "1" }],
  ] as const)("%s: the prompt has no colour codes, and Ctrl-C exits 130", async (_name, args, extra) => {
    const r = await promptOnce(args, ttyEnv(tempHome(), extra));
    expect(r.raw).toContain("What happens when you try to sign in");
    expect(r.raw).not.toMatch(SGR);
    expect(r.raw).toMatch(/rxportal: interrupted\./);
    expect(r.code).toBe(130);
  });

  it("stdout to a file does not take the colours from the prompt on the terminal", async () => {
    const home = tempHome();
    const file = join(home, "doctor.txt");
    const r = await promptOnce("doctor --sandbox", ttyEnv(home), ` > ${quote(file)}`);
    expect(r.raw).toContain("What happens when you try to sign in");
    expect(r.raw).toMatch(SGR);
    expect(r.code).toBe(130);
    expect(existsSync(file) ? readFileSync(file, "utf8") : "").not.toContain(ESC);
  });
});
