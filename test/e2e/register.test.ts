// End to end, unattended: `rxportal register` with the built binary against a standalone sandbox,
// the way a help desk's script would run it: details as options, the SSN and the password on
// stdin, and the emailed code (read from the sandbox's outbox) written once the portal sent it.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binPath, cliEnv, firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";

const PASSWORD = "Quartz-Harbor-Lilac-58";
const SSN = "987-65-4323";
const JORDAN = ["--first-name", "Jordan", "--last-name", "Service", "--dob", "1985-11-09"];

describe("rxportal register (built binary, standalone sandbox)", () => {
  let sandbox: ReturnType<typeof startCli>;
  let baseUrl: string;
  let origin: string;
  let home: string;

  beforeAll(async () => {
    sandbox = startCli(["sandbox", "--port", "0"]);
    baseUrl = await firstLine(sandbox);
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
  });

  async function outboxCode(to: string, kind: string): Promise<string | undefined> {
    const res = await fetch(`${origin}/_sandbox/outbox?to=${to}`);
    const body = (await res.json()) as { messages: { kind: string; code?: string }[] };
    return body.messages.filter((m) => m.kind === kind).at(-1)?.code;
  }

  /** Runs with `lines` on stdin, then the newest `kind` code for `to` once stderr says it was sent. */
  function runWithCode(args: string[], lines: string[], to: string, kind: string, sent: RegExp) {
    const child = spawn(process.execPath, [binPath, ...args], { env: cliEnv(home), stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    let answered = false;
    child.stdin.write(lines.map((l) => `${l}\n`).join(""));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", async (d: string) => {
      stderr += d;
      if (!answered && sent.test(stderr)) {
        answered = true;
        child.stdin.end(`${(await outboxCode(to, kind)) ?? ""}\n`);
      }
    });
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it("registers a TRICARE sponsor by SSN, and the new account signs in", async () => {
    const args = ["--verbose", "register", ...JORDAN, "--ssn-stdin", "--username", "jordan.service"];
    args.push("--email", "jordan@example.com", "--password-stdin", "--code-stdin", "--json");
    const r = await runWithCode(args, [SSN, PASSWORD], "jordan.service", "register", /on its way/);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      registered: true,
      username: "jordan.service",
      member: { memberId: "SBX300003", name: "Jordan Service" },
    });
    expect(r.stderr).toContain("by SSN ending in 4323");
    expect(r.stderr).toContain(`${origin}/_sandbox/outbox`);
    const code = await outboxCode("jordan.service", "register");
    for (const secret of ["987654323", SSN, PASSWORD, code ?? "missing"]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }

    const login = await runWithCode(
      ["login", "--username", "jordan.service", "--password-stdin"],
      [PASSWORD],
      "jordan.service",
      "mfa",
      /code/i,
    );
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toMatch(/^Signed in as Jordan Service/);

    // Registered now: a second try says to sign in or recover the username, exit 1.
    const again = await runCli(
      ["register", ...JORDAN, "--ssn-stdin", "--username", "jordan.two", "--email", "j@example.com"].concat([
        "--password-stdin",
        "--code-stdin",
      ]),
      { home, input: `${SSN}\n${PASSWORD}\n` },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /Jordan Service already has an online account\. Sign in with `rxportal login`/,
    );
    expect(again.stderr).toMatch(/rxportal username recover --email j@example\.com/);
  });

  it("refuses Pat-Sample-1981-04-12 for a member named Pat Sample born 1981-04-12, every reason on one line", async () => {
    const r = await runCli(
      [
        "register",
        "--first-name",
        "Pat",
        "--last-name",
        "Sample",
        "--dob",
        "1981-04-12",
        "--member-id",
        "SBX100001",
      ].concat(["--username", "pat.new", "--email", "p@example.com", "--password-stdin", "--code-stdin"]),
      { home, input: "Pat-Sample-1981-04-12\n" },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^rxportal: The password was not sent, and nothing is registered\. It contains your first name\. It contains your last name\. It contains your date of birth\./,
    );
  });

  it("without a terminal and without --code-stdin: exit 64 before anything is sent", async () => {
    const r = await runCli(["register", ...JORDAN, "--member-id", "SBX300003"], { home });
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^rxportal: `rxportal register` asks for the emailed code, and there is no terminal here\./,
    );
  });

  it("an SSN on the command line is refused and not repeated, exit 64", async () => {
    const r = await runCli(["register", "--ssn", "987-65-4323"], { home });
    expect(r.code).toBe(64);
    expect(r.stderr).not.toContain("4323");
    expect(r.stderr).toMatch(/^rxportal: A Social Security number is never taken on the command line/);
  });

  it("a portal that registers only on its website: where to go, exit 69", async () => {
    const r = await runCli(
      ["--sandbox", "--sandbox-fault", "status:501@/auth/register", "register", ...JORDAN].concat([
        "--member-id",
        "SBX300003",
        "--username",
        "jordan.x",
        "--email",
        "j@example.com",
        "--password-stdin",
        "--code-stdin",
      ]),
      { input: `${PASSWORD}\n` },
    );
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(
      /^rxportal: This portal registers members only on its website: http:\/\/127\.0\.0\.1:\d+\//m,
    );
  });
});
