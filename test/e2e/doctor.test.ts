// End to end: `rxportal doctor` (built binary) on each branch against the sandbox with the matching
// scenario member or fault: a stale sign-in code, a locked account, a maintenance page, a
// self-signed certificate, an app below the minimum version; plus the unattended front end's
// contract (missing answers → 64 with the ids, one JSON document, the report's files and content).
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";
import {
  makeTestCertificates,
  opensslAvailable,
  startTlsServer,
  type TestTlsServer,
} from "../helpers/tls-certs.js";

const PASSWORD = "Sandbox-Pass-2026";

interface ReportDoc {
  start: string;
  path: string[];
  answers: Record<string, string>;
  probes: { node: string; probe: string; outcome: string; summary: string; ms: number }[];
  steps: { kind: string; id: string; evidence?: Record<string, unknown>; summary?: string }[];
  recommendation: { node: string; title: string; remedy: string[] };
  requestIds: string[];
  contacts: { name: string; phone: string; tty?: string }[];
  durationMs: number;
  agent?: { name: string; memberConsented: boolean };
}

function configHome(baseUrl: string, extra = ""): string {
  const home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: local\nprofiles:\n  local:\n    baseUrl: ${baseUrl}\n    timeoutMs: 4000\n${extra}`,
  );
  return home;
}

/** `--answer` flags for each `id=value`. */
const answer = (...pairs: string[]) => pairs.flatMap((pair) => ["--answer", pair]);

const probe = (doc: ReportDoc, name: string) => doc.probes.find((p) => p.probe === name);

describe("rxportal doctor against a standalone sandbox", () => {
  let sandbox: ReturnType<typeof startCli>;
  let baseUrl: string;
  let origin: string;

  beforeAll(async () => {
    sandbox = startCli(["sandbox", "--port", "0"]);
    baseUrl = await firstLine(sandbox);
    origin = new URL(baseUrl).origin;
  });
  afterAll(() => {
    sandbox.kill("SIGKILL");
  });

  const outboxCodes = async (to: string): Promise<string[]> => {
    const box = (await (await fetch(`${origin}/_sandbox/outbox?to=${to}`)).json()) as {
      messages: { kind: string; code?: string }[];
    };
    return box.messages.filter((m) => m.kind === "mfa" && m.code).map((m) => m.code as string);
  };

  const waitFor = async <T>(what: () => Promise<T | undefined>, ms = 8000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      const value = await what();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error("timed out waiting");
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it("two-step: an older code typed after a resend is recognised from rxportal's own sign-in", async () => {
    const user = "erin.emailcode";
    const home = configHome(baseUrl);
    const login = startCli(["login", "--username", user, "--password-stdin"], { home });
    let stderr = "";
    login.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => login.on("close", resolve));
    login.stdin?.write(`${PASSWORD}\n`);
    const first = await waitFor(async () => (await outboxCodes(user)).at(-1));
    // The sandbox allows a resend 30 s after a code; move its clock instead of waiting.
    await fetch(`${origin}/_sandbox/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advanceSeconds: 31 }),
    });
    login.stdin?.write("r\n");
    await waitFor(async () => ((await outboxCodes(user)).at(-1) !== first ? true : undefined));
    login.stdin?.end(`${first}\n`);
    expect(await exited).toBe(1);
    expect(stderr).not.toContain(first);

    const run = await runCli(
      ["doctor", ...answer("start=code", "two-step=rejected", `username=${user}`), "--json"],
      { home },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as ReportDoc;
    expect(probe(doc, "last-code")).toMatchObject({ outcome: "problem" });
    expect(probe(doc, "last-code")?.summary).toMatch(/most likely an older code/);
    expect(doc.recommendation.node).toBe("end-mfa-older-code");
    expect(run.stdout).not.toContain(first);
  });

  it("lockout: a locked member gets the portal's real lockedUntil and the lock-time step", async () => {
    const user = "lee.locked";
    const home = configHome(baseUrl);
    const run = await runCli(
      [
        "doctor",
        ...answer("start=locked", `username=${user}`, "lockout-someone=no", "lockout-choice=wait"),
        "--json",
      ],
      { home, env: { RXPORTAL_PASSWORD: PASSWORD } },
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as ReportDoc;
    const lock = doc.steps.find((s) => s.kind === "probe" && s.id === "lockout");
    // Ask the portal directly: a locked account answers 423 with the same lockedUntil every time.
    const direct = await fetch(`${baseUrl}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user, password: PASSWORD }),
    });
    expect(direct.status).toBe(423);
    const { lockedUntil } = (await direct.json()) as { lockedUntil: string };
    expect(new Date(String(lock?.evidence?.lockedUntil)).getTime()).toBe(new Date(lockedUntil).getTime());
    expect(doc.path).toEqual([
      "start",
      "lockout",
      "action-lockout-time",
      "lockout-someone",
      "lockout-choice",
      "end-lockout-wait",
    ]);
    const action = doc.steps.find((s) => s.kind === "action");
    expect(action?.summary).toMatch(/^The lock ends at .* from now/);
    expect(doc.requestIds.length).toBeGreaterThan(0);

    // Human output says the same in words, and the second run relies on the guard, not a new attempt.
    const human = await runCli(
      ["doctor", ...answer("start=locked", `username=${user}`, "lockout-someone=yes")],
      { home },
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /PROBLEM: Account lock: lee\.locked is locked until .*rxportal's last sign-in attempt/,
    );
    expect(human.stdout).toContain("Diagnosis: Someone else may be using your account (urgent)");
    expect(human.stdout).toMatch(/Whom to call:/);
  });

  it("app: a version below the portal's minimum leads to 'update the app'", async () => {
    const status = (await (await fetch(`${baseUrl}/status`)).json()) as {
      apps: { ios: { minimum: string } };
    };
    const [major, minor] = status.apps.ios.minimum.split(".").map(Number) as [number, number];
    const older = minor > 0 ? `${major}.${minor - 1}.9` : `${major - 1}.9.9`;
    const run = await runCli(
      ["doctor", "--start", "app", ...answer("app-platform=ios", `app-version=${older}`), "--json"],
      { home: configHome(baseUrl) },
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as ReportDoc;
    expect(probe(doc, "app-version")).toMatchObject({ outcome: "problem" });
    expect(probe(doc, "app-version")?.summary).toContain(status.apps.ios.minimum);
    expect(doc.recommendation.node).toBe("end-app-update");

    const current = await runCli(
      [
        "doctor",
        "--start",
        "app",
        ...answer(
          "app-platform=ios",
          `app-version=${status.apps.ios.minimum}`,
          "app-elsewhere=yes",
          "app-storage=no",
          "app-system-error=yes",
        ),
        "--json",
      ],
      { home: configHome(baseUrl) },
    );
    expect((JSON.parse(current.stdout) as ReportDoc).recommendation.node).toBe("end-app-try-website");
  });

  it("without a terminal, missing answers exit 64 and list every id needed next", async () => {
    const run = await runCli(["doctor", "--start", "app"], { home: configHome(baseUrl) });
    expect(run.code).toBe(64);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^rxportal: doctor needs more answers to go on: app-platform, app-version\./);
    expect(run.stderr).toContain("--answer app-platform=ios|android");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);

    const first = await runCli(["doctor", "--json"], { home: configHome(baseUrl) });
    expect(first.code).toBe(64);
    expect(JSON.parse(first.stdout).error).toMatchObject({ exitCode: 64, missing: ["start"] });
  });

  it("refuses bad answers before anything runs", async () => {
    const home = configHome(baseUrl);
    const wrongValue = await runCli(["doctor", ...answer("start=maybe")], { home });
    expect(wrongValue.code).toBe(64);
    expect(wrongValue.stderr).toMatch(
      /"maybe" is not an answer to question "start".*Choose one of: rejected, code/,
    );
    const wrongId = await runCli(["doctor", ...answer("strat=locked")], { home });
    expect(wrongId.code).toBe(64);
    expect(wrongId.stderr).toMatch(/"strat" is not a question in this tree/);
    const noBranch = await runCli(["doctor", "--start", "moon"], { home });
    expect(noBranch.code).toBe(64);
    expect(noBranch.stderr).toMatch(/no branch "moon".*credentials, two-step/);
    const badFile = join(home, "answers.yaml");
    writeFileSync(badFile, "start: [locked\n");
    const unreadable = await runCli(["doctor", "--answers", badFile], { home });
    expect(unreadable.code).toBe(64);
    expect(unreadable.stderr).toMatch(/not valid YAML or JSON/);
    for (const r of [wrongValue, wrongId, noBranch, unreadable]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("replays a --json run's answers from an --answers file, and writes a private report for the help desk", async () => {
    const home = configHome(baseUrl);
    const answers = join(home, "answers.yaml");
    writeFileSync(
      answers,
      "answers:\n  start: reset\n  reset: unsure-link\n  link: https://express-scripts.com.account-verify.example/reset?token=SECRET-TOKEN-123\n  consent: yes\n",
    );
    const dir = join(home, "case-1234");
    const run = await runCli(["doctor", "--answers", answers, "--report", dir, "--agent", "J. Rivera"], {
      home,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Suspicious link/);
    expect(run.stderr).toContain("Report written to");
    for (const name of ["report.md", "report.json"]) {
      const file = join(dir, name);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, "utf8")).not.toContain("SECRET-TOKEN-123");
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const doc = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as ReportDoc;
    expect(doc.agent).toEqual({ name: "J. Rivera", memberConsented: true });
    expect(doc.recommendation.node).toBe("end-check-link");
    expect(doc.contacts.length).toBeGreaterThan(0);
    expect(doc.answers.link).toBe(
      "https://express-scripts.com.account-verify.example/reset [query and credentials removed]",
    );
    const md = readFileSync(join(dir, "report.md"), "utf8");
    expect(md).toContain("- Help-desk agent: J. Rivera; the member agreed to this report.");
    expect(md).toContain("**Use only links you can trust**");
    expect(md).toMatch(/## Whom to call\n\n- .*\(\d{3}\) \d{3}-\d{4}/);
    expect(run.stdout + run.stderr).not.toContain("SECRET-TOKEN-123");

    // The agent flag without consent: no report, and nothing written.
    const refused = await runCli(
      [
        "doctor",
        "--answers",
        answers,
        ...answer("consent=no"),
        "--report",
        join(home, "no"),
        "--agent",
        "J. Rivera",
      ],
      { home },
    );
    expect(refused.code).toBe(0);
    expect(refused.stderr).toContain("no report written");
    expect(() => statSync(join(home, "no", "report.json"))).toThrow();
  });
});

describe("rxportal doctor with a help desk's own tree", () => {
  const fixture = (name: string) => new URL(`../../fixtures/trees/${name}`, import.meta.url).pathname;

  it("walks the given tree, with its own probes and ends", async () => {
    const run = await runCli([
      "doctor",
      "--sandbox",
      "--tree",
      fixture("help-desk.yaml"),
      ...answer("start=website"),
      "--json",
    ]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as ReportDoc;
    expect(doc.path).toEqual(["start", "portal-up", "end-walk-through"]);
    const pharmacy = await runCli([
      "doctor",
      "--tree",
      fixture("help-desk.yaml"),
      ...answer("start=prescription"),
    ]);
    expect(pharmacy.stdout).toContain("Diagnosis: Transfer to the pharmacy line");
    expect(pharmacy.stdout).toMatch(/Whom to call:\n {2}The fastest way .*\n {2}.*\(\d{3}\) \d{3}-\d{4}/);
  });

  it("refuses a tree with lint problems (exit 78) before asking anything", async () => {
    const run = await runCli(["doctor", "--tree", fixture("broken.yaml")]);
    expect(run.code).toBe(78);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^rxportal: .*broken\.yaml: \d+ tree problems, first: .* Run `rxportal tree lint <file>`/,
    );
  });
});

describe("rxportal doctor with the embedded sandbox and faults", () => {
  it("outage: an HTML maintenance page with Retry-After leads to the outage end", async () => {
    const run = await runCli(
      ["doctor", "--sandbox", "--sandbox-fault", "maintenance:120", ...answer("start=page"), "--json"],
      {},
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as ReportDoc;
    const status = doc.steps.find((s) => s.kind === "probe" && s.id === "outage");
    expect(status?.evidence).toMatchObject({ reason: "maintenance", status: 503, retryAfterSeconds: 120 });
    expect(status?.summary).toMatch(/maintenance page.*2 minutes/);
    expect(doc.recommendation.node).toBe("end-outage");
  });

  it("network: with 300 ms of latency the probes run in parallel (run ≤ 1.5 × the slowest probe)", async () => {
    const run = await runCli(
      [
        "doctor",
        "--sandbox",
        "--sandbox-fault",
        "latency:300",
        "--start",
        "network",
        ...answer("net-wifi=no", "browser=firefox"),
        "--json",
      ],
      {},
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as ReportDoc;
    expect(doc.path).toEqual([
      "network",
      "net-tcp",
      "net-tls",
      "net-clock",
      "net-wifi",
      "net-status",
      "browser",
      "end-browser-firefox",
    ]);
    const slowest = Math.max(...doc.probes.map((p) => p.ms));
    expect(slowest).toBeGreaterThanOrEqual(300);
    expect(doc.durationMs).toBeLessThanOrEqual(1.5 * slowest);
  });
});

describe.skipIf(!opensslAvailable())(
  "rxportal doctor against a portal with a self-signed certificate",
  () => {
    let server: TestTlsServer;
    beforeAll(async () => {
      server = await startTlsServer(makeTestCertificates().selfSigned);
    });
    afterAll(async () => {
      await server?.close();
    });

    it("network: the certificate check fails with the reason, and the member is told not to type a password", async () => {
      const run = await runCli(["doctor", "--start", "network", "--json"], {
        home: configHome(`${server.origin}/api/v1`),
      });
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout) as ReportDoc;
      expect(probe(doc, "tls")).toMatchObject({ outcome: "problem" });
      expect(probe(doc, "tls")?.summary).toMatch(/self-signed/);
      expect(doc.recommendation.node).toBe("end-tls");
      expect(doc.recommendation.remedy[0]).toMatch(/Do not type your password/);
    });
  },
);
