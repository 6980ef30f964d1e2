// `login --web` opens the sign-in address in the member's browser, where there is one: $BROWSER
// when it is set (as git, gh and Python's webbrowser read it), else the platform's opener
// (`open` on macOS, `start` on Windows, `xdg-open` elsewhere, the last only with a display).
// Never in CI, never with `--no-browser` or BROWSER=none. The browser is spawned detached with
// no stdio and never waited for; any failure is ignored: the address is always printed too.
import { spawn } from "node:child_process";
import { platform as osPlatform } from "node:os";

export interface BrowserDeps {
  env: Record<string, string | undefined>;
  /** --no-browser. */
  noBrowser?: boolean;
  /** Default: this machine's (node:os). */
  platform?: NodeJS.Platform;
  /** Tests: instead of spawning. */
  spawn?: (command: string, args: string[]) => void;
}

export interface BrowserCommand {
  command: string;
  args: string[];
  /** Windows' cmd.exe parses its own command line: the arguments go as they are. */
  verbatim?: boolean;
}

/** Why no browser is opened, or undefined when one may be. */
export function noBrowserBecause(deps: BrowserDeps): string | undefined {
  if (deps.noBrowser) return "--no-browser";
  const ci = deps.env.CI;
  if (ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false") return "CI is set";
  const browser = deps.env.BROWSER?.trim();
  if (browser && browser.toLowerCase() === "none") return "BROWSER=none";
  return undefined;
}

/** What to run to open `url`, or undefined when there is nothing to open it with here. */
export function browserCommand(url: string, deps: BrowserDeps): BrowserCommand | undefined {
  if (noBrowserBecause(deps)) return undefined;
  // $BROWSER: a list separated by the platform's path separator; the first entry is used. Split
  // on spaces (no shell: nothing in it is interpreted); %s, if there, is where the address goes.
  const platform = deps.platform ?? osPlatform();
  const chosen = deps.env.BROWSER?.split(platform === "win32" ? ";" : ":")
    .map((entry) => entry.trim())
    .find((entry) => entry !== "");
  if (chosen) {
    const [command = "", ...rest] = chosen.split(/\s+/);
    const args = rest.some((a) => a.includes("%s")) ? rest.map((a) => a.replace(/%s/g, url)) : [...rest, url];
    return { command, args };
  }
  if (platform === "darwin") return { command: "open", args: [url] };
  if (platform === "win32") {
    // `start` is cmd's own; "" is the window title; & and ^ would end or escape its command.
    return { command: "cmd", args: ["/c", "start", '""', url.replace(/[&^]/g, "^$&")], verbatim: true };
  }
  // Linux and the BSDs: only with a graphical session to open it in (over SSH there is none).
  if (!deps.env.DISPLAY && !deps.env.WAYLAND_DISPLAY) return undefined;
  return { command: "xdg-open", args: [url] };
}

/** Tries to open `url`; true when a browser was started (not that it showed the page). */
export function openBrowser(url: string, deps: BrowserDeps): boolean {
  const found = browserCommand(url, deps);
  if (!found) return false;
  if (deps.spawn) {
    deps.spawn(found.command, found.args);
    return true;
  }
  try {
    const child = spawn(found.command, found.args, {
      detached: true,
      stdio: "ignore",
      env: deps.env as NodeJS.ProcessEnv,
      windowsVerbatimArguments: found.verbatim,
    });
    child.on("error", () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
