// `rxportal health` in process, through run(), against the real sandbox portal with faults, using
// the transport production uses when no proxy applies (node:http, src/portal/transport.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HealthReport } from "../../src/health/report.js";
import { run } from "../../src/main.js";
import { createDirectFetch } from "../../src/portal/transport.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, testContext } from "../helpers/context.js";

const PASSWORD = "Sandbox-Pass-2026";
const TOTP_SECRET = "XBZ3MMVUGRY5T4DUUNB5WREM4KQKXW3Z";
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

async function health(args: string[], opts: { env?: Record<string, string>; dir?: string } = {}) {
  const t = testContext({
    baseUrl: sandbox.baseUrl,
    env: opts.env,
    dir: opts.dir,
    fetch: createDirectFetch({ connectTimeoutMs: 5_000 }),
  });
  const started = performance.now();
  const code = await run(["health", ...args], t.ctx);
  await closeContext(t.ctx);
  const ms = performance.now() - started;
  const report =
    args.includes("--json") && t.stdout.text ? (JSON.parse(t.stdout.text) as HealthReport) : undefined;
  return {
    code,
    ms,
    report,
    result: report?.results?.[0],
    stdout: t.stdout.text,
    stderr: t.stderr.text,
    dir: t.dir,
  };
}

const withPassword = { env: { RXPORTAL_PASSWORD: PASSWORD } };

function control(method: string, path: string, json?: unknown) {
  return fetch(`${sandbox.origin}/_sandbox${path}`, {
    method,
    headers: json === undefined ? {} : { "content-type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
}

describe("health against the sandbox", () => {
  it("OK: every phase timed, in order, with the portal's state", async () => {
    const r = await health(["--login", "--username", "pat.sample", "--json"], withPassword);
    expect(r.code).toBe(0);
    expect(r.report?.state).toBe("OK");
    expect(r.result?.phases.map((p) => p.name)).toEqual([
      "dns",
      "connect",
      "status",
      "login",
      "me",
      "logout",
    ]);
    for (const p of r.result?.phases ?? []) {
      expect(p.ok).toBe(true);
      expect(p.ms).toBeGreaterThanOrEqual(0);
    }
    expect(r.result).toMatchObject({
      profile: "test",
      portal: { status: "operational" },
      login: { username: "pat.sample", ok: true },
    });
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.stdout).not.toMatch(/accessToken|Bearer/);
  });

  it("latency on /status: WARNING above --warn-ms, CRITICAL above --crit-ms (per phase)", async () => {
    sandbox.addFault({ kind: "latency", value: 300, path: "/status" });
    const warn = await health(["--json", "--warn-ms", "status=100", "--crit-ms", "status=2000"]);
    expect(warn.code).toBe(1);
    expect(warn.result?.reasons).toEqual([
      { state: "WARNING", text: expect.stringMatching(/^status took \d+ ms \(warning above 100 ms\)$/) },
    ]);
    const crit = await health(["--json", "--crit-ms", "status=200"]);
    expect(crit.code).toBe(2);
    const total = await health(["--json", "--warn-ms", "100"]);
    expect(total.code).toBe(1);
    expect(total.result?.summary).toMatch(/the probe took \d+ ms \(warning above 100 ms\)/);
    const fine = await health(["--json", "--warn-ms", "status=5000"]);
    expect(fine.code).toBe(0);
  });

  it.each([
    ["status:500", "internal_error"],
    ["status:503", "maintenance"],
    ["maintenance:120", "maintenance"],
    ["reset", "ECONNRESET"],
    ["malformed", "malformed"],
  ])("%s on every path is CRITICAL (exit 2) with the status phase failed", async (spec, code) => {
    const [kind, value] = spec.split(":");
    sandbox.addFault({ kind: kind as never, ...(value ? { value: Number(value) } : {}) });
    const plain = await health(["--json"]);
    expect(plain.code).toBe(2);
    expect(plain.report?.state).toBe("CRITICAL");
    const status = plain.result?.phases.find((p) => p.name === "status");
    expect(status).toMatchObject({ ok: false });
    expect(status?.code).toContain(code);
    expect(status?.message).toMatch(/\.$/);
  });

  it("a portal that accepts the connection and never answers: CRITICAL within --timeout plus one second", async () => {
    sandbox.addFault({ kind: "hang" });
    const t = testContext({
      baseUrl: sandbox.baseUrl,
      fetch: createDirectFetch({ connectTimeoutMs: 5_000 }),
    });
    const started = performance.now();
    expect(await run(["--timeout", "1500", "health", "--json"], t.ctx)).toBe(2);
    const elapsed = performance.now() - started;
    await closeContext(t.ctx);
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(2500);
    const result = (JSON.parse(t.stdout.text) as HealthReport).results[0];
    expect(result?.phases.find((p) => p.name === "status")).toMatchObject({ ok: false, code: "timeout" });
  });

  it("the portal's own status: degraded WARNING, maintenance CRITICAL, sign-in component down CRITICAL", async () => {
    await control("POST", "/status", { status: "degraded" });
    expect((await health(["--json"])).code).toBe(1);
    await control("POST", "/status", {
      status: "operational",
      components: [{ name: "refills", status: "outage" }],
    });
    const refills = await health(["--json"]);
    expect(refills.code).toBe(1);
    expect(refills.result?.summary).toBe("the portal reports refills in outage");
    await control("POST", "/status", {
      status: "operational",
      components: [{ name: "login", status: "outage" }],
    });
    expect((await health(["--json"])).code).toBe(2);
    await control("POST", "/status", { status: "outage" });
    const outage = await health(["--json", "--login", "--username", "pat.sample"], withPassword);
    expect(outage.code).toBe(2);
    // No sign-in is tried while the portal says it is down.
    expect(outage.result?.phases.map((p) => p.name)).toEqual(["dns", "connect", "status"]);
  });
});

describe("health --login", () => {
  it("signs a TOTP monitoring account in with RXPORTAL_TOTP_SECRET, quietly", async () => {
    const r = await health(["--login", "--username", "monitor.totp", "--json"], {
      env: { RXPORTAL_PASSWORD: PASSWORD, RXPORTAL_TOTP_SECRET: TOTP_SECRET },
    });
    expect(r.code).toBe(0);
    expect(r.result?.phases.find((p) => p.name === "login")).toMatchObject({ ok: true });
    expect(r.stderr).toBe("");
    expect(r.stdout + r.stderr).not.toContain(TOTP_SECRET);
  });

  it("a second step it cannot answer (no TOTP secret, or a code by text) is CRITICAL, with why", async () => {
    const noSecret = await health(["--login", "--username", "monitor.totp", "--json"], withPassword);
    expect(noSecret.code).toBe(2);
    expect(noSecret.result?.phases.find((p) => p.name === "login")).toMatchObject({
      ok: false,
      code: "mfa_unanswerable",
      message: expect.stringMatching(/RXPORTAL_TOTP_SECRET is not set/),
    });
    const sms = await health(["--login", "--username", "sam.textcode", "--json"], withPassword);
    expect(sms.code).toBe(2);
    expect(sms.result?.summary).toMatch(/sign-in failed: The portal sent a sign-in code by text or email/);
  });

  it("a wrong-password monitor loop never locks the account: failures are reported, never retried, and the guard stops in time", async () => {
    const policy = (await (await fetch(`${sandbox.baseUrl}/auth/policy`)).json()) as {
      lockout: { maxAttempts: number };
    };
    const first = await health(["--login", "--username", "pat.sample", "--json"], {
      env: { RXPORTAL_PASSWORD: "wrong-password-1" },
    });
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < policy.lockout.maxAttempts * 2; i++) {
      const r = await health(["--login", "--username", "pat.sample", "--json"], {
        env: { RXPORTAL_PASSWORD: "wrong-password-1" },
        dir: first.dir,
      });
      expect(r.code).toBe(2);
      codes.push(r.result?.phases.find((p) => p.name === "login")?.code);
      expect(r.stdout + r.stderr).not.toContain("wrong-password-1");
    }
    expect(first.result?.phases.find((p) => p.name === "login")?.code).toBe("invalid_credentials");
    // health stops at the first refusal: one wrong password reaches the portal, then no run sends it.
    expect(codes.every((c) => c === "lockout_guard")).toBe(true);
    // The account still opens with the right password: it was never locked.
    const login = await fetch(`${sandbox.baseUrl}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "pat.sample", password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { result: string }).result).toBe("ok");
  });

  it("setup mistakes are UNKNOWN (exit 3) with one line: no username, no password, --username without --login", async () => {
    const noUser = await health(["--login"], withPassword);
    expect(noUser.code).toBe(3);
    expect(noUser.stderr).toMatch(/^rxportal: health --login needs a username for profile "test"/);
    const noPassword = await health(["--login", "--username", "pat.sample"]);
    expect(noPassword.code).toBe(3);
    expect(noPassword.stderr).toMatch(/has no password for pat\.sample/);
    expect((await health(["--username", "pat.sample"])).code).toBe(3);
    expect((await health(["--crit-ms", "tsl=5"])).code).toBe(3);
    expect((await health(["--format", "xml"])).code).toBe(3);
    expect((await health(["--json", "--format", "nagios"])).code).toBe(3);
  });
});

describe("health profile selection", () => {
  it("--all with no profiles in the config file is UNKNOWN, saying so", async () => {
    const t = testContext({ fetch: createDirectFetch({ connectTimeoutMs: 5_000 }) });
    expect(await run(["health", "--all"], t.ctx)).toBe(3);
    expect(t.stderr.text).toMatch(/--all probes every profile in the config file/);
  });

  it("--sandbox with --profile is a usage mistake (UNKNOWN)", async () => {
    const t = testContext({ fetch: createDirectFetch({ connectTimeoutMs: 5_000 }) });
    expect(await run(["--sandbox", "health", "--profile", "test"], t.ctx)).toBe(3);
  });
});

describe("health --login password sources", () => {
  it("--password-file (mode 0600) and the keychain work; a file others can read is refused (UNKNOWN)", async () => {
    const { chmodSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const t = testContext({
      baseUrl: sandbox.baseUrl,
      fetch: createDirectFetch({ connectTimeoutMs: 5_000 }),
    });
    const file = join(t.dir, "pw");
    writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 });
    expect(await run(["health", "--login", "--username", "pat.sample", "--password-file", file], t.ctx)).toBe(
      0,
    );
    await closeContext(t.ctx);
    chmodSync(file, 0o644);
    const loose = testContext({ dir: t.dir, fetch: createDirectFetch({ connectTimeoutMs: 5_000 }) });
    expect(
      await run(["health", "--login", "--username", "pat.sample", "--password-file", file], loose.ctx),
    ).toBe(3);
    expect(loose.stderr.text).toMatch(/can be read by other users/);

    const kc = testContext({
      baseUrl: sandbox.baseUrl,
      fetch: createDirectFetch({ connectTimeoutMs: 5_000 }),
    });
    await kc.credentials.store.setPassword("test", "pat.sample", PASSWORD);
    expect(await run(["health", "--login", "--username", "pat.sample", "--json"], kc.ctx)).toBe(0);
    await closeContext(kc.ctx);
    expect(kc.stdout.text + kc.stderr.text).not.toContain(PASSWORD);
  });
});
