// End to end: no user mistake is a bug report (issue 10, part 2 and part 7). Each mistake, made
// with the built binary, ends with its documented exit code, one line on stderr that says what to
// fix, nothing on stdout (or the {error} document with --json), and no stack trace.
import { mkdirSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunResult, runCli, tempHome } from "../helpers/spawn.js";

function configHome(yaml: string): { home: string; file: string } {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  const file = join(home, ".config", "rxportal", "config.yaml");
  writeFileSync(file, yaml);
  return { home, file };
}

function oneLine(r: RunResult): string {
  const lines = r.stderr.split("\n").filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |TypeError/);
  return lines[0] as string;
}

const acme = (baseUrl: string) => `defaultProfile: acme\nprofiles:\n  acme:\n    baseUrl: ${baseUrl}\n`;

describe("config mistakes: exit 78 naming the file, the key path and what was expected", () => {
  it.each([
    [
      "portal.acme.example/api/v1",
      'expected a URL starting with https://, such as https://portal.acme.example/api/v1, got "portal.acme.example/api/v1".',
    ],
    [
      '"https://"',
      'expected a host name after the scheme, such as https://portal.example.com/api/v1, got "https://".',
    ],
    [
      "http://portal.acme.example/api",
      "expected https:// (http:// is allowed only for 127.0.0.1, ::1 or localhost)",
    ],
    ['"https://portal.acme.example/api?x=1"', "expected no query (?...) in the URL"],
  ])("baseUrl %s", async (baseUrl, expected) => {
    const { home, file } = configHome(acme(baseUrl));
    for (const argv of [["status"], ["config", "validate"], ["login", "--username", "pat"]]) {
      const r = await runCli(argv, { home });
      expect(r.code, argv.join(" ")).toBe(78);
      expect(r.stdout).toBe("");
      expect(oneLine(r)).toContain(`rxportal: ${file}: profiles.acme.baseUrl: ${expected}`);
    }
    const json = await runCli(["config", "validate", "--json"], { home });
    expect(json.code).toBe(78);
    expect(JSON.parse(json.stdout).error).toMatchObject({
      exitCode: 78,
      code: "config",
      file,
      keyPath: "profiles.acme.baseUrl",
    });
  });

  it("a path override without its placeholder, before any request", async () => {
    const { home, file } = configHome(
      `${acme("https://portal.acme.example/api/v1")}    paths:\n      getOrder: "/o/{id}"\n`,
    );
    const r = await runCli(["orders", "show", "ORD-1"], { home });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe("");
    expect(oneLine(r)).toContain(
      `${file}: profiles.acme.paths.getOrder: expected a path with {orderId} in it`,
    );
  });

  it("a tab in the indentation says line, column and what to do", async () => {
    const { home, file } = configHome(
      "defaultProfile: acme\nprofiles:\n  acme:\n\tbaseUrl: https://a.example\n",
    );
    const r = await runCli(["config", "validate"], { home });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe("");
    expect(oneLine(r)).toBe(
      `rxportal: ${file}: not valid YAML at line 4, column 1: Tabs are not allowed as indentation (indent with spaces). Fix the file, then run \`rxportal config validate\`.`,
    );
  });

  it("an unknown key in the wrong case names it and suggests the right one", async () => {
    const { home, file } = configHome(
      "defaultProfile: acme\nprofiles:\n  acme:\n    baseURL: https://a.example/api\n",
    );
    const r = await runCli(["status"], { home });
    expect(r.code).toBe(78);
    expect(r.stdout).toBe("");
    expect(oneLine(r)).toContain(
      `${file}: profiles.acme.baseURL: unknown key "baseURL"; did you mean "baseUrl"?`,
    );
    const typo = configHome(
      "defaultProfile: acme\nprofiles:\n  acme:\n    baseUrl: https://a.example/api\n    timeotMs: 5\n",
    );
    expect(oneLine(await runCli(["config", "validate"], { home: typo.home }))).toContain(
      'profiles.acme.timeotMs: unknown key "timeotMs"; did you mean "timeoutMs"?',
    );
  });

  it("prototype names: __proto__ is refused, constructor and toString are plain names", async () => {
    const proto = configHome("profiles:\n  __proto__:\n    baseUrl: https://a.example/api\n");
    const r = await runCli(["config", "validate"], { home: proto.home });
    expect(r.code).toBe(78);
    expect(oneLine(r)).toContain(
      `${proto.file}: profiles.__proto__: "__proto__" cannot be used as a key (line 2).`,
    );

    const named = configHome("profiles:\n  constructor:\n    baseUrl: https://constructor.example/api\n");
    const show = await runCli(["--profile", "constructor", "config", "show", "--json"], { home: named.home });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      profile: "constructor",
      baseUrl: "https://constructor.example/api",
    });
    const missing = await runCli(["--profile", "toString", "status"], { home: named.home });
    expect(missing.code).toBe(64);
    expect(oneLine(missing)).toMatch(/^rxportal: No profile named "toString"/);
  });

  it("config validate refuses what the commands refuse: an unknown RXPORTAL_PROFILE, a malformed TOTP secret", async () => {
    const { home } = configHome(acme("https://portal.acme.example/api/v1"));
    const env = { RXPORTAL_PROFILE: "acmee" };
    const validate = await runCli(["config", "validate"], { home, env });
    const status = await runCli(["status"], { home, env });
    expect([validate.code, status.code]).toEqual([64, 64]);
    expect(oneLine(validate)).toBe(oneLine(status));
    const secret = await runCli(["config", "validate"], {
      home,
      env: { RXPORTAL_TOTP_SECRET: "not base32!" },
    });
    expect(secret.code).toBe(78);
    expect(oneLine(secret)).toMatch(
      /^rxportal: The TOTP secret is not a base32 authenticator key: character 10 is not base32/,
    );
    expect(secret.stderr).not.toContain("not base32!");
  });
});

describe("usage mistakes: exit 64, and the {error} document with --json", () => {
  it.each([
    [["--json", "bogus"], "unknown command 'bogus'"],
    [["--json", "status", "--bogus"], "unknown option '--bogus'"],
    [["--json", "check-link"], "missing required argument 'url'"],
    [
      ["status", "--json", "--timeout", "soon"],
      "--timeout must be a whole number of milliseconds from 1 to 86400000",
    ],
    [["--json", "--timeout", "99999999999", "status"], "--timeout must be a whole number"],
  ])("%j", async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(64);
    const line = oneLine(r);
    expect(line).toMatch(/^rxportal: /);
    expect(line).toContain(message);
    const doc = JSON.parse(r.stdout) as { error: { message: string; exitCode: number; code: string } };
    expect(doc.error).toMatchObject({ exitCode: 64, code: "usage" });
    expect(doc.error.message).toContain(message);
  });

  it("a suggestion stays on the error's line", async () => {
    const r = await runCli(["stauts"]);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(oneLine(r)).toBe("rxportal: unknown command 'stauts' (Did you mean status?)");
  });

  it.each([
    ["refill", "list, order or pending"],
    ["username", "recover"],
    ["config", "path, show or validate"],
    ["tree", "lint or export"],
    ["keychain", "status"],
  ])("`rxportal %s` without its subcommand: help on stderr, exit 64", async (group, listed) => {
    const r = await runCli([group]);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^Usage: rxportal ${group} `));
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe(
      `rxportal: \`rxportal ${group}\` needs a command: ${listed} (see the help above).`,
    );
    const json = await runCli([group, "--json"]);
    expect(json.code).toBe(64);
    expect(JSON.parse(json.stdout).error).toMatchObject({ exitCode: 64, code: "usage" });
  });

  it("groups that do something alone keep doing it; --help is still exit 0 on stdout", async () => {
    const help = await runCli(["refill", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rxportal refill/);
    expect(help.stderr).toBe("");
    const health = await runCli(["health", "--sandbox", "--json"]);
    expect(health.code).toBe(0);
    expect(JSON.parse(health.stdout)).toMatchObject({ state: "OK", exitCode: 0 });
  });
});

describe("servers that cannot listen: one line naming the address, documented exit codes", () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    port = (blocker.address() as AddressInfo).port;
  });
  afterAll(() => {
    blocker.close();
  });

  it("sandbox on a port in use: exit 69, suggesting --port 0", async () => {
    const r = await runCli(["sandbox", "--port", String(port)]);
    expect(r.code).toBe(69);
    expect(r.stdout).toBe("");
    expect(oneLine(r)).toBe(
      `rxportal: Cannot listen on 127.0.0.1:${port}: the port is already in use. Stop what uses it, or pick another with --port (--port 0 picks a free one).`,
    );
  });

  it("health serve on a port in use: UNKNOWN (3), same line", async () => {
    const r = await runCli(["health", "serve", "--port", String(port)]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(oneLine(r)).toContain(`Cannot listen on 127.0.0.1:${port}: the port is already in use.`);
  });

  it("an unbindable or empty --host: exit 64 (health serve: 3)", async () => {
    const notMine = await runCli(["sandbox", "--host", "192.0.2.1", "--port", "0"]);
    expect(notMine.code).toBe(64);
    expect(oneLine(notMine)).toContain("--host 192.0.2.1 is not an address of this machine");
    const empty = await runCli(["sandbox", "--host", "", "--port", "0"]);
    expect(empty.code).toBe(64);
    expect(oneLine(empty)).toBe('rxportal: --host "" is not an address; use e.g. 127.0.0.1 or ::1.');
    const serve = await runCli(["health", "serve", "--host", "nosuch.invalid", "--port", "0"]);
    expect(serve.code).toBe(3);
    expect(oneLine(serve)).toContain("--host nosuch.invalid is not a known address or host name");
  });
});

describe("a malformed RXPORTAL_TOTP_SECRET is one line that never shows the secret", () => {
  it("login: exit 78; health --login: UNKNOWN before any probe", async () => {
    const env = { RXPORTAL_TOTP_SECRET: "0000-1111" };
    const login = await runCli(["login", "--sandbox", "--username", "monitor.totp", "--password-stdin"], {
      env,
      input: "Sandbox-Pass-2026\n",
    });
    expect(login.code).toBe(78);
    expect(login.stdout).toBe("");
    expect(login.stderr.split("\n").filter(Boolean).at(-1)).toMatch(
      /^rxportal: The TOTP secret is not a base32 authenticator key: character 1 is not base32 \(only A-Z and 2-7\)\. Check RXPORTAL_TOTP_SECRET/,
    );
    expect(login.stderr).not.toMatch(/0000-1111|\n\s+at /);
    const health = await runCli(["health", "--sandbox", "--login", "--username", "monitor.totp"], {
      env: { ...env, RXPORTAL_PASSWORD: "Sandbox-Pass-2026" },
    });
    expect(health.code).toBe(3);
    expect(health.stdout).toBe("");
    expect(oneLine(health)).toMatch(/^rxportal: The TOTP secret is not a base32 authenticator key/);
  });
});

describe("big trees lint in linear time (our duplicate-key check, not yaml's quadratic one)", () => {
  it("a 10,000-node tree with a node defined twice: exit 78, the duplicate named with its line", async () => {
    const home = tempHome();
    const file = join(home, "big-tree.yaml");
    const nodes = Array.from(
      { length: 10_000 },
      (_, i) =>
        `  n${i}:\n    kind: question\n    text: Step ${i}?\n    answers:\n      - { value: yes, label: "Yes", next: ${i + 1 < 10_000 ? `n${i + 1}` : "done"} }\n      - { value: no, label: "No", next: done }\n`,
    );
    const duplicate = "  n7:\n    kind: end\n    title: Again\n    remedy: [Rest]\n";
    const text = `version: 1\nstart: n0\nbranches: {}\nnodes:\n${nodes.join("")}${duplicate}  done:\n    kind: end\n    title: Done\n    remedy: [Rest]\n`;
    writeFileSync(file, text);
    const line = text.slice(0, text.indexOf(duplicate)).split("\n").length;
    const r = await runCli(["tree", "lint", file], { home, timeoutMs: 110_000 });
    expect(r.code).toBe(78);
    expect(r.stdout).toContain(
      `${file}: n7: duplicate-id: "n7" is defined more than once (again at line ${line}); only the last one counts`,
    );
    expect(oneLine(r)).toMatch(/^rxportal: \d+ problems? in /);
  }, 120_000);
});
