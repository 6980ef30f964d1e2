// The doctor's real prompts, driven through a pseudo-terminal (tmux): a member who is locked out
// picks the answer with the arrow keys, chooses a sandbox member, and reads the lock's end time and
// the diagnosis on screen. Nothing here is scripted inside rxportal: it sees a real terminal.
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { binPath, tempHome } from "../helpers/spawn.js";

function tmuxAvailable(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const socket = `rxportal-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-J", "-t", "doctor");

async function waitForScreen(pattern: RegExp, ms = 10_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const text = screen();
    if (pattern.test(text)) return text;
    if (Date.now() > until) throw new Error(`screen never showed ${pattern}:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!tmuxAvailable())("rxportal doctor at a real terminal (tmux)", () => {
  afterEach(() => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
  });

  it("walks the lockout branch with the arrow keys to the 'wait' diagnosis", async () => {
    const home = tempHome();
    const env = [
      `HOME=${home}`,
      `XDG_CONFIG_HOME=${home}/.config`,
      `XDG_DATA_HOME=${home}/.local/share`,
      "NO_COLOR=1",
      "TZ=UTC",
      "TERM=xterm-256color",
    ];
    // CI=true would make rxportal treat the terminal as unattended: the session runs without it.
    const command = `env -u CI ${env.map(quote).join(" ")} ${quote(process.execPath)} ${quote(binPath)} doctor --sandbox; echo "EXIT=$?"; sleep 60`;
    tmux("new-session", "-d", "-s", "doctor", "-x", "140", "-y", "50", command);

    await waitForScreen(/What happens when you try to sign in\?[\s\S]*The site says my account is locked/);
    tmux("send-keys", "-t", "doctor", "Down", "Down", "Down", "Enter");
    await waitForScreen(/Which sandbox member are you playing\?[\s\S]*lee\.locked: is locked out/);
    tmux("send-keys", "-t", "doctor", "Down", "Down", "Down", "Down", "Enter");
    const locked = await waitForScreen(/Do you see signs that someone else tried your account/);
    expect(locked).toMatch(
      /PROBLEM: Account lock: lee\.locked is locked until .* UTC \(\d+ minutes from now\)/,
    );
    expect(locked).toMatch(/The lock ends at .* UTC/);
    tmux("send-keys", "-t", "doctor", "Down", "Enter");
    await waitForScreen(/Would you rather wait for the lock to end/);
    tmux("send-keys", "-t", "doctor", "Enter");
    const done = await waitForScreen(/EXIT=\d+/);
    expect(done).toContain("Diagnosis: Wait until the lock ends");
    expect(done).toContain("1. Do not try again before the time shown");
    expect(done).toContain("EXIT=0");
    expect(done).not.toContain("Sandbox-Pass");
  });
});
