// `rxportal register` at a real terminal (tmux): a Medicare member types their details, picks the
// SSN with the arrow keys and types it hidden, is told why a password built on their name and
// birth year will not do, picks another, and types the emailed code. The SSN and the password
// never appear on the screen.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binPath, firstLine, startCli, tempHome } from "../helpers/spawn.js";

function tmuxAvailable(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const socket = `register-test-${process.pid}`;
const session = "register-e2e";
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-J", "-t", session);
const type = (text: string) => tmux("send-keys", "-t", session, "-l", text);
const key = (...keys: string[]) => tmux("send-keys", "-t", session, ...keys);

async function waitForScreen(pattern: RegExp, ms = 15_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const text = screen();
    if (pattern.test(text)) return text;
    if (Date.now() > until) throw new Error(`screen never showed ${pattern}:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const GOOD = "Velvet-Canyon-Otter-71";

describe.skipIf(!tmuxAvailable())("rxportal register at a real terminal (tmux)", () => {
  let sandbox: ReturnType<typeof startCli>;
  let origin: string;
  let home: string;

  beforeAll(async () => {
    sandbox = startCli(["sandbox", "--port", "0"]);
    const baseUrl = await firstLine(sandbox);
    origin = new URL(baseUrl).origin;
    home = tempHome();
    mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
    writeFileSync(
      join(home, ".config", "rxportal", "config.yaml"),
      `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${baseUrl}\n`,
    );
  });
  afterAll(() => {
    sandbox.kill("SIGKILL");
    try {
      // Only this test's own session, on its private socket; tmux exits with its last session.
      tmux("kill-session", "-t", session);
    } catch {
      // already gone
    }
  });

  it("asks, refuses a personal password with its reasons, and registers with the emailed code", async () => {
    const env = [
      `HOME=${home}`,
      `XDG_CONFIG_HOME=${home}/.config`,
      `XDG_DATA_HOME=${home}/.local/share`,
      "NO_COLOR=1",
      "TZ=UTC",
      "TERM=xterm-256color",
    ];
    const command = `env -u CI ${env.map(quote).join(" ")} ${quote(process.execPath)} ${quote(binPath)} register; echo "EXIT=$?"; sleep 60`;
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "60", command);

    await waitForScreen(/First name/);
    type("Morgan");
    key("Enter");
    await waitForScreen(/Last name/);
    type("Elder");
    key("Enter");
    await waitForScreen(/Date of birth/);
    type("1952-02-03");
    key("Enter");
    await waitForScreen(/Identify the member by[\s\S]*the Social Security number/);
    key("Down", "Enter");
    await waitForScreen(/Social Security number \(9 digits, typed hidden\)/);
    type("987-65-4322");
    key("Enter");
    await waitForScreen(/Username to create/);
    type("morgan.elder");
    key("Enter");
    await waitForScreen(/Email address/);
    type("morgan@example.com");
    key("Enter");
    await waitForScreen(/Password \(at least 12 characters\)/);
    type("Morgan-Elder-1952");
    key("Enter");
    const refused = await waitForScreen(
      /That password will not do[\s\S]*Password \(at least 12 characters\)/,
    );
    expect(refused).toContain("- It contains your first name.");
    expect(refused).toContain("- It contains your last name.");
    expect(refused).toContain("- It contains the year you were born.");
    type(GOOD);
    key("Enter");
    await waitForScreen(/The password again/);
    type(GOOD);
    key("Enter");
    const asked = await waitForScreen(/Code from the email/);
    expect(asked).toContain("by SSN ending in 4322");
    expect(asked).toContain("on its way to m***@example.com");
    const outbox = (await (await fetch(`${origin}/_sandbox/outbox?to=morgan.elder`)).json()) as {
      messages: { kind: string; code?: string }[];
    };
    const code = outbox.messages.filter((m) => m.kind === "register").at(-1)?.code ?? "";
    expect(code).toMatch(/^\d{6}$/);
    type(code);
    key("Enter");
    const done = await waitForScreen(/EXIT=\d+/);
    expect(done).toContain("The account morgan.elder is ready for Morgan Elder (member ID SBX300002).");
    expect(done).toContain("EXIT=0");
    for (const secret of ["987654322", "987-65-4322", GOOD, "Morgan-Elder-1952", code]) {
      expect(done).not.toContain(secret);
    }
  });
});
