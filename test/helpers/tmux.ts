// A real terminal for end-to-end tests: one tmux server per test file on its own socket, sessions
// named by the test. The screen is read with `capture-pane -e`, so any escape sequence rxportal
// writes is still there to be caught.
import { execFileSync } from "node:child_process";

export function tmuxAvailable(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function tmuxServer(socket: string) {
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  return {
    tmux,
    /** Starts `command` in a new session `name` (width x height). */
    start(name: string, command: string, width = 160, height = 80) {
      tmux("new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command);
    },
    /** The screen with its escape sequences kept (-e), long lines joined (-J). */
    screen: (name: string) => tmux("capture-pane", "-p", "-e", "-J", "-S", "-", "-t", name),
    type: (name: string, text: string) => tmux("send-keys", "-t", name, "-l", text),
    key: (name: string, ...keys: string[]) => tmux("send-keys", "-t", name, ...keys),
    async waitFor(name: string, pattern: RegExp, ms = 15_000): Promise<string> {
      const until = Date.now() + ms;
      for (;;) {
        const text = tmux("capture-pane", "-p", "-e", "-J", "-S", "-", "-t", name);
        if (pattern.test(text)) return text;
        if (Date.now() > until) throw new Error(`screen never showed ${pattern}:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill(name: string) {
      try {
        tmux("kill-session", "-t", name);
      } catch {
        // already gone
      }
    },
  };
}
