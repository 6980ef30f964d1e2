import { describe, expect, it } from "vitest";
import { browserCommand, noBrowserBecause, openBrowser } from "./browser.js";

const url = "http://127.0.0.1:9/auth?client_id=rxportal-cli&state=abc";

describe("which browser login --web starts", () => {
  it("the platform's opener: open on macOS, start on Windows (& escaped for cmd), xdg-open with a display", () => {
    expect(browserCommand(url, { env: {}, platform: "darwin" })).toEqual({ command: "open", args: [url] });
    expect(browserCommand(url, { env: {}, platform: "win32" })).toEqual({
      command: "cmd",
      args: ["/c", "start", '""', "http://127.0.0.1:9/auth?client_id=rxportal-cli^&state=abc"],
      verbatim: true,
    });
    expect(browserCommand(url, { env: { DISPLAY: ":0" }, platform: "linux" })).toEqual({
      command: "xdg-open",
      args: [url],
    });
    expect(browserCommand(url, { env: { WAYLAND_DISPLAY: "wayland-0" }, platform: "freebsd" })?.command).toBe(
      "xdg-open",
    );
  });

  it("none on Linux without DISPLAY or WAYLAND_DISPLAY (an SSH session), in CI, with --no-browser or BROWSER=none", () => {
    expect(browserCommand(url, { env: {}, platform: "linux" })).toBeUndefined();
    for (const ci of ["true", "1", "yes"]) {
      expect(
        browserCommand(url, { env: { CI: ci, DISPLAY: ":0", BROWSER: "firefox" }, platform: "linux" }),
      ).toBeUndefined();
    }
    expect(browserCommand(url, { env: { CI: "false", DISPLAY: ":0" }, platform: "linux" })?.command).toBe(
      "xdg-open",
    );
    expect(browserCommand(url, { env: {}, platform: "darwin", noBrowser: true })).toBeUndefined();
    expect(browserCommand(url, { env: { BROWSER: "none" }, platform: "darwin" })).toBeUndefined();
    expect(noBrowserBecause({ env: { BROWSER: "None" } })).toBe("BROWSER=none");
  });

  it("$BROWSER wins, even without a display: its first entry, its arguments, %s where the address goes", () => {
    expect(browserCommand(url, { env: { BROWSER: "firefox" }, platform: "linux" })).toEqual({
      command: "firefox",
      args: [url],
    });
    expect(
      browserCommand(url, { env: { BROWSER: "chromium --incognito:firefox" }, platform: "linux" }),
    ).toEqual({
      command: "chromium",
      args: ["--incognito", url],
    });
    expect(browserCommand(url, { env: { BROWSER: "lynx -dump %s" }, platform: "darwin" })).toEqual({
      command: "lynx",
      args: ["-dump", url],
    });
  });

  it("openBrowser spawns what browserCommand names, and says whether it started one", () => {
    const spawned: string[][] = [];
    const spawn = (command: string, args: string[]) => spawned.push([command, ...args]);
    expect(openBrowser(url, { env: { BROWSER: "/bin/true" }, platform: "linux", spawn })).toBe(true);
    expect(openBrowser(url, { env: {}, platform: "linux", spawn })).toBe(false);
    expect(spawned).toEqual([["/bin/true", url]]);
    // A browser that does not exist is not an error: the address is printed anyway.
    expect(openBrowser(url, { env: { BROWSER: "/nonexistent/browser" }, platform: "linux" })).toBe(true);
  });
});
