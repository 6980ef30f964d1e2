// `login --web` opens the browser, end to end: the built binary, with BROWSER set to a tiny
// script that records the address it was started with. The test then plays that browser
// (the provider's sign-in and consent pages, then the redirect to rxportal's loopback listener)
// and the login completes. In CI, with --no-browser or BROWSER=none no browser is started, and
// the address printed on stderr is enough to sign in.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxWithOidc } from "../../src/sandbox/oidc.js";
import { FormBrowser } from "../helpers/oidc-member.js";
import { startCli, tempHome } from "../helpers/spawn.js";

let both: Awaited<ReturnType<typeof startSandboxWithOidc>>;
let home: string;
let script: string;
let dir: string;

beforeAll(async () => {
  both = await startSandboxWithOidc({ port: 0 });
  home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: oidc\nprofiles:\n  oidc:\n    baseUrl: ${both.sandbox.baseUrl}\n    auth: { type: oidc, issuer: "${both.provider.issuer}", clientId: ${both.provider.clientId}, audience: "${both.provider.audience}" }\n`,
  );
  dir = mkdtempSync(join(tmpdir(), "rxportal-browser-"));
  script = join(dir, "browser.sh");
  // The "browser": records its arguments, one per line, and leaves (as a real opener does).
  writeFileSync(
    script,
    '#!/bin/sh\nprintf \'%s\\n\' "$@" > "$BROWSER_LOG.part" && mv "$BROWSER_LOG.part" "$BROWSER_LOG"\n',
    {
      mode: 0o700,
    },
  );
});
afterAll(() => both?.close());

function watch(child: ChildProcess) {
  const out = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    out.stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    out.stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { out, exited };
}

async function until<T>(what: string, get: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What a member does in the browser the address opened: sign in as `login`, consent. */
async function playBrowser(address: string, login: string) {
  const browser = new FormBrowser();
  let page = await browser.get(address);
  for (let step = 0; step < 4 && /name="prompt"/.test(page.html); step++) {
    page = /value="login"/.test(page.html)
      ? await browser.submit(page, { login, password: "any" })
      : await browser.submit(page);
  }
  return page;
}

const addressOn = (stderr: string) => /^(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m.exec(stderr)?.[1];

describe("login --web starts the browser", () => {
  it("BROWSER gets the address (printed on stderr too); playing that browser signs in", async () => {
    const log = join(dir, "opened.txt");
    const child = startCli(["login", "--web"], { home, env: { BROWSER: script, BROWSER_LOG: log } });
    const { out, exited } = watch(child);
    const opened = await until("the browser script", () =>
      existsSync(log) ? readFileSync(log, "utf8").trim() : undefined,
    );
    const url = new URL(opened);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    await until("the address on stderr", () => addressOn(out.stderr));
    expect(addressOn(out.stderr)).toBe(opened);
    // The line after the address comes once the browser has been started, and the pipe may hand
    // it over in a later chunk than the address: wait for it (until() fails the test if it never comes).
    const said = "Your browser should open it now; if it does not, open the address yourself.";
    await until("the line saying the browser opens", () => (out.stderr.includes(said) ? true : undefined));
    expect(out.stderr).toContain(said);
    const page = await playBrowser(opened, "pat.sample");
    expect(page.html).toContain("You are signed in to rxportal. You can close this tab.");
    expect(await exited, out.stderr).toBe(0);
    expect(out.stdout).toBe("Signed in as Pat Sample (pat.sample) on oidc.\n");
  });

  it.each([
    ["CI=true", [], { CI: "true" }],
    ["--no-browser", ["--no-browser"], {}],
    ["BROWSER=none", [], { BROWSER: "none" }],
  ] as const)("%s: no browser is started; the printed address signs in", async (_what, args, env) => {
    const log = join(dir, `not-opened-${Math.random().toString(36).slice(2)}.txt`);
    const child = startCli(["login", "--web", ...args], {
      home,
      env: { BROWSER: script, BROWSER_LOG: log, ...env },
    });
    const { out, exited } = watch(child);
    const address = await until("the address on stderr", () => addressOn(out.stderr));
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(log)).toBe(false);
    expect(out.stderr).not.toContain("Your browser should open it now");
    await playBrowser(address, "pat.sample");
    expect(await exited, out.stderr).toBe(0);
    expect(existsSync(log)).toBe(false);
    expect(out.stdout).toBe("Signed in as Pat Sample (pat.sample) on oidc.\n");
  });

  it("a BROWSER that cannot be started is no error: the address is printed, signing in still works", async () => {
    const child = startCli(["login", "--web"], { home, env: { BROWSER: join(dir, "no-such-browser") } });
    const { out, exited } = watch(child);
    const address = await until("the address on stderr", () => addressOn(out.stderr));
    await playBrowser(address, "pat.sample");
    expect(await exited, out.stderr).toBe(0);
    expect(out.stderr).not.toMatch(/ENOENT|\n\s+at /);
  });
});
