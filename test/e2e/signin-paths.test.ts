// End to end: the sign-in paths people walk (issue 10, part 4), spawning the built binary with no
// lasting keychain (the spawned CLI gets no D-Bus session), against one sandbox portal and a small
// fake portal for what the sandbox never sends. Every case asserts exit code, stdout and stderr.

import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_PASSWORD, sandboxPolicy } from "../../src/sandbox/seed.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { runCli, startCli, tempHome } from "../helpers/spawn.js";

let sandbox: RunningSandbox;
let fake: Server;
let fakeUrl: string;
/** What the fake portal answers to POST /auth/login (mfa_required with any channel). */
let fakeChallenge: Record<string, unknown> = {};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  fake = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "x-request-id": "fake-1" });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on("end", () => {
      if (req.url?.endsWith("/auth/policy")) return send(200, sandboxPolicy);
      if (req.url?.endsWith("/auth/login")) return send(200, fakeChallenge);
      if (req.url?.endsWith("/auth/mfa/verify"))
        return send(200, {
          result: "ok",
          accessToken: "fake-token",
          expiresIn: 900,
          member: { memberId: "FAKE0001", name: "Fake Member" },
        });
      return send(404, { type: "about:blank", title: "Not found", status: 404, code: "not_found" });
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await sandbox?.close();
  fake?.closeAllConnections();
  await new Promise((resolve) => fake?.close(resolve));
});
beforeEach(() => sandbox.reset());

function homeWith(baseUrl: string): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: t\nprofiles:\n  t:\n    baseUrl: ${baseUrl}\n`,
  );
  return home;
}

/** Resolves once `text` matches what the child wrote on stderr so far. */
function waitForStderr(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`stderr never matched ${pattern}: ${seen}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString("utf8");
      if (pattern.test(seen)) {
        clearTimeout(timer);
        child.stderr?.off("data", onData);
        resolve(seen);
      }
    };
    child.stderr?.on("data", onData);
  });
}

function collect(child: ChildProcess) {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    done,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

const newestCode = (username: string) => {
  const mine = sandbox.outbox().filter((m) => m.to === username && m.kind === "mfa");
  return mine[mine.length - 1]?.code ?? "";
};

describe("a new code asked for too soon", () => {
  it("stays at the prompt, says when a new code can be sent, and the code already sent still signs in", async () => {
    const home = homeWith(sandbox.baseUrl);
    const child = startCli(["login", "--username", "erin.emailcode", "--password-stdin"], { home });
    const out = collect(child);
    child.stdin?.write(`${SANDBOX_PASSWORD}\n`);
    await waitForStderr(child, /sent by an email to/);
    const first = newestCode("erin.emailcode");
    child.stdin?.write("r\n");
    await waitForStderr(child, /A new code can be sent in/);
    child.stdin?.end(`${first}\n`);
    expect(await out.done).toBe(0);
    expect(out.stdout).toMatch(/^Signed in as Erin .* on t\.\n$/);
    expect(out.stderr).toMatch(/It works for 15 minutes; only the newest code works\./);
    // The bundled sandbox (here: started by the test, answering /_sandbox/about) shows its outbox.
    expect(out.stderr).toMatch(
      /Sandbox portal: the code is shown at http:\/\/127\.0\.0\.1:\d+\/_sandbox\/outbox/,
    );
    expect(out.stderr).toMatch(
      /A new code can be sent in \d+ seconds \(at \d\d:\d\d:\d\d UTC\)\. Type the code you have, or r again after that\./,
    );
    expect(out.stderr).not.toMatch(/limiting requests/);
    expect(out.stderr).not.toContain(first);
  });
});

describe("what only a real portal sends", () => {
  it("a channel rxportal does not know is shown as the portal sent it; the lifetime is the portal's; no outbox hint", async () => {
    fakeChallenge = {
      result: "mfa_required",
      challengeId: "ch-1",
      channel: "voice",
      destinationHint: "***-***-0142",
      expiresIn: 300,
    };
    const home = homeWith(fakeUrl);
    const r = await runCli(["login", "--username", "someone", "--password-stdin"], {
      home,
      input: "whatever-password\n123456\n",
    });
    expect(r.stderr).not.toMatch(/internal error|TypeError|undefined/);
    if (r.code === 69) {
      // Until the portal schema accepts any channel (the contract work), the answer is refused as
      // unreadable: a clear exit 69, never a crash.
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^rxportal: /);
      return;
    }
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Signed in as Fake Member (member FAKE0001) on t.\n");
    expect(r.stderr).toMatch(
      /^A code was sent by voice to \*\*\*-\*\*\*-0142\. It works for 5 minutes; only the newest code works\.\n/,
    );
    expect(r.stderr).not.toMatch(/outbox/);
  });

  it("a known channel from a portal on loopback that is not the sandbox: the portal's lifetime, no outbox hint", async () => {
    fakeChallenge = {
      result: "mfa_required",
      challengeId: "ch-2",
      channel: "sms",
      destinationHint: "***-***-0199",
      expiresIn: 600,
    };
    const r = await runCli(["login", "--username", "someone", "--password-stdin"], {
      home: homeWith(fakeUrl),
      input: "whatever-password\n123456\n",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Signed in as Fake Member (member FAKE0001) on t.\n");
    expect(r.stderr).toMatch(
      /^A sign-in code was sent by a text message to \*\*\*-\*\*\*-0199\. It works for 10 minutes; only the newest code works\.\n/,
    );
    expect(r.stderr).not.toMatch(/outbox|15 minutes/);
  });
});

describe("without a lasting keychain", () => {
  it("login says once how to make it last, and whoami's hint says the same", async () => {
    const home = homeWith(sandbox.baseUrl);
    const login = await runCli(["login", "--username", "pat.sample", "--password-stdin"], {
      home,
      input: `${SANDBOX_PASSWORD}\n`,
    });
    expect(login.code).toBe(0);
    expect(login.stdout).toBe("Signed in as Pat Sample (member SBX100001) on t.\n");
    expect(login.stderr).toMatch(
      /^rxportal: the next command will not be signed in: there is no lasting keychain here, so a session ends with its command\. To stay signed in, use a keychain \(`rxportal keychain status` says how\)\. Scripts: set RXPORTAL_PASSWORD, or give `--password-file <file>`/,
    );
    const who = await runCli(["whoami"], { home });
    expect(who.code).toBe(77);
    expect(who.stdout).toBe("");
    expect(who.stderr).toMatch(/Nobody is signed in on this profile\./);
    expect(who.stderr).toMatch(
      /There is no lasting keychain here, so a session ends with its command\. To stay signed in/,
    );
    expect(who.stderr).toMatch(/RXPORTAL_PASSWORD/);
    // And the way out works: a command with RXPORTAL_PASSWORD signs in by itself.
    const card = await runCli(["id-card", "--json"], { home, env: { RXPORTAL_PASSWORD: SANDBOX_PASSWORD } });
    expect(card.code).toBe(0);
    expect(JSON.parse(card.stdout)).toMatchObject({ card: { memberId: "SBX100001" } });
    expect(card.stderr).toMatch(/signed in for this command only: there is no lasting keychain here/);
  });

  it("keychain status and logout --all say that nothing is kept", async () => {
    const home = homeWith(sandbox.baseUrl);
    const status = await runCli(["keychain", "status"], { home });
    expect(status.code).toBe(0);
    expect(status.stderr).toBe("");
    expect(status.stdout).toMatch(/NOT kept: nothing is stored/);
    expect(status.stdout).toMatch(/Without one, scripts sign in on every command: set RXPORTAL_PASSWORD/);
    const json = await runCli(["keychain", "status", "--json"], { home });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ persistent: false, kept: [] });
    const all = await runCli(["logout", "--all"], { home });
    expect(all.code).toBe(0);
    expect(all.stdout).toBe("Nothing is kept on this machine (no lasting keychain): nobody was signed in.\n");
    expect(all.stderr).toBe("");
  });
});

describe("--sandbox: a fresh portal per run inherits nothing", () => {
  it("login says the session ends with the run; the next --sandbox run is not signed in and says why", async () => {
    const home = tempHome();
    const login = await runCli(["--sandbox", "login", "--username", "pat.sample", "--password-stdin"], {
      home,
      input: `${SANDBOX_PASSWORD}\n`,
    });
    expect(login.code).toBe(0);
    expect(login.stdout).toBe("Signed in as Pat Sample (member SBX100001) on sandbox.\n");
    expect(login.stderr).toMatch(
      /the next command will not be signed in: --sandbox starts a fresh sandbox portal for each command, so a session ends with its command\. For a sandbox that lasts between commands, run `rxportal sandbox`/,
    );
    const who = await runCli(["--sandbox", "whoami"], { home });
    expect(who.code).toBe(77);
    expect(who.stdout).toBe("");
    expect(who.stderr).toMatch(
      /Nobody is signed in on this profile\..*--sandbox starts a fresh sandbox portal/s,
    );
  });

  it("wrong passwords in earlier --sandbox runs leave no guard record for the next fresh sandbox", async () => {
    const home = tempHome();
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await runCli(["--sandbox", "login", "--username", "pat.sample"], {
        home,
        env: { RXPORTAL_PASSWORD: `wrong-${i}` },
      });
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /did not accept that username and password\. rxportal will allow 3 more tries/,
      );
      codes.push(r.code ?? -1);
    }
    expect(codes).toEqual([1, 1, 1, 1, 1]);
    expect(existsSync(join(home, ".local", "share", "rxportal", "lockout-guard"))).toBe(false);
    const ok = await runCli(["--sandbox", "login", "--username", "pat.sample"], {
      home,
      env: { RXPORTAL_PASSWORD: SANDBOX_PASSWORD },
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Signed in as Pat Sample/);
  });
});
