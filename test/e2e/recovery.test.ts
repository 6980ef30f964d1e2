// End to end: a password reset with the built binary against a standalone sandbox, the way a
// script would do it (the code read from the sandbox's outbox, secrets only on stdin).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";

const USER = "lee.locked";
const NEW_PASSWORD = "Quartz-Harbor-Lilac-58";

describe("rxportal reset (built binary, standalone sandbox)", () => {
  let child: ReturnType<typeof startCli>;
  let baseUrl: string;
  let home: string;

  beforeAll(async () => {
    child = startCli(["sandbox", "--port", "0"]);
    baseUrl = await firstLine(child);
    home = tempHome();
    mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
    writeFileSync(
      join(home, ".config", "rxportal", "config.yaml"),
      `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${baseUrl}\n`,
    );
  });
  afterAll(() => {
    child.kill("SIGKILL");
  });

  it("requests a code, confirms it from stdin, and the locked member signs in with the new password", async () => {
    const origin = new URL(baseUrl).origin;
    const requested = await runCli(["reset", "request", "--username", USER], { home });
    expect(requested.code).toBe(0);
    expect(requested.stdout).toMatch(/^If an account matches, a reset code is on its way/);
    expect(requested.stderr).toContain(`${origin}/_sandbox/outbox`);

    const outbox = (await (await fetch(`${origin}/_sandbox/outbox?to=${USER}`)).json()) as {
      messages: { kind: string; code?: string }[];
    };
    const code = outbox.messages.filter((m) => m.kind === "reset").at(-1)?.code ?? "";
    expect(code).toMatch(/^\d{6}$/);

    const confirmed = await runCli(
      ["reset", "confirm", "--username", USER, "--code-stdin", "--new-password-stdin", "--json"],
      { home, input: `${code}\n${NEW_PASSWORD}\n` },
    );
    expect(confirmed.stderr).toBe("");
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toMatchObject({ reset: true, unlocked: true, username: USER });

    const signedIn = await runCli(["login", "--username", USER, "--password-stdin"], {
      home,
      input: `${NEW_PASSWORD}\n`,
    });
    expect(signedIn.code).toBe(0);
    expect(signedIn.stdout).toMatch(/^Signed in as Lee Locked/);

    for (const r of [requested, confirmed, signedIn]) {
      expect(r.stdout + r.stderr).not.toContain(code);
      expect(r.stdout + r.stderr).not.toContain(NEW_PASSWORD);
    }
  });

  it("plain `reset` without a terminal exits 64 naming the stdin flags", async () => {
    const r = await runCli(["reset", "--username", USER], { home });
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--code-stdin --new-password-stdin/);
  });
});
