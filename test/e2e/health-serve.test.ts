// End to end: the built binary's `health serve` as a service manager runs it. The graceful stop
// (SIGTERM with a slow scrape in progress, a kept-open idle connection, a scrape longer than the
// grace), the event log (logfmt and JSON, never a secret: a canary test), and the web config
// (TLS with a test CA, basic auth right, wrong and missing, the certificate reloaded, a broken
// file refused in one line).
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent, get as httpGet, type IncomingHttpHeaders } from "node:http";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { firstLine, runCli, startCli, tempHome } from "../helpers/spawn.js";
import { makeTestCertificates, opensslAvailable, type TestCertificates } from "../helpers/tls-certs.js";

const PASSWORD = "Sandbox-Pass-2026";
const SLOW_MS = 1500;
const haveOpenssl = opensslAvailable();

let fast: RunningSandbox;
let slow: RunningSandbox;
let slower: RunningSandbox;
let home: string;

beforeAll(async () => {
  fast = await startSandbox({ port: 0 });
  slow = await startSandbox({ port: 0, faults: [{ kind: "latency", value: SLOW_MS, path: "/status" }] });
  slower = await startSandbox({ port: 0, faults: [{ kind: "latency", value: 8000, path: "/status" }] });
  home = tempHome();
  mkdirSync(join(home, ".config", "rxportal"), { recursive: true });
  writeFileSync(
    join(home, ".config", "rxportal", "config.yaml"),
    `defaultProfile: fast
profiles:
  fast:
    baseUrl: ${fast.baseUrl}
    username: pat.sample
  slow:
    baseUrl: ${slow.baseUrl}
    timeoutMs: 20000
  slower:
    baseUrl: ${slower.baseUrl}
    timeoutMs: 20000
`,
  );
});

afterAll(async () => {
  await Promise.all([fast, slow, slower].map((s) => s?.close()));
});

interface Served {
  child: ChildProcess;
  url: string;
  origin: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; at: number }>;
}

async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = startCli(["health", "serve", "--port", "0", ...args], { home, env });
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: Date.now() })),
  );
  const url = await firstLine(child);
  return { child, url, origin: new URL(url).origin, stderr: () => err, exit };
}

async function stop(s: Served): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) {
    s.child.kill("SIGKILL");
    await s.exit;
  }
}

/** A GET that resolves with the status, the headers and the whole body, or the socket's error. */
function getText(
  url: string,
  opts: { agent?: Agent; headers?: Record<string, string>; ca?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const req = get(url, { agent: opts.agent, headers: opts.headers, ca: opts.ca }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        body += d;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, complete: res.complete }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the exporter's own metrics show a probe running (the slow scrape has arrived). */
async function probeRunning(origin: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { body } = await getText(`${origin}/metrics`);
    if (/^rxportal_exporter_probes_in_flight 1$/m.test(body)) return;
    if (Date.now() > deadline) throw new Error(`no probe in flight:\n${body}`);
    await sleep(50);
  }
}

describe("health serve stops gracefully", () => {
  it("SIGTERM during a slow scrape: the scrape gets its whole answer, an idle kept-open connection closes, new connections are refused, exit 0 promptly", async () => {
    const s = await serve([]);
    try {
      // A kept-open connection, idle once /-/healthy is answered: it must not hold the stop up.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      expect((await getText(`${s.origin}/-/healthy`, { agent })).status).toBe(200);
      const started = Date.now();
      const scrape = getText(`${s.origin}/probe?target=slow`);
      await probeRunning(s.origin);
      const termAt = Date.now();
      s.child.kill("SIGTERM");
      await sleep(150);
      // Not listening any more: a new connection is refused while the slow scrape finishes.
      await expect(getText(`${s.origin}/-/healthy`)).rejects.toThrow(
        /ECONNREFUSED|ECONNRESET|socket hang up/,
      );
      const answer = await scrape;
      expect(answer.status).toBe(200);
      expect(answer.complete).toBe(true);
      expect(answer.body).toMatch(/^probe_success 1$/m);
      expect(answer.body.endsWith("\n")).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS);
      const { code, at } = await s.exit;
      expect(code).toBe(0);
      // The slow probe had about 1.1 s left at SIGTERM; the exit follows its answer closely.
      expect(at - termAt).toBeLessThan(SLOW_MS + 2000);
      agent.destroy();
      const log = s.stderr();
      expect(log).toMatch(/msg="Received signal, exiting gracefully" signal=SIGTERM/);
      expect(log).toMatch(/msg="shutting down" in_flight=1 grace_seconds=10/);
      expect(log).toMatch(/msg=stopped drained=true cut_short=0/);
    } finally {
      await stop(s);
    }
  }, 20_000);

  it("a scrape longer than --shutdown-grace gets a complete 503 at the end of the grace; exit 0", async () => {
    const s = await serve(["--shutdown-grace", "1"]);
    try {
      const scrape = getText(`${s.origin}/probe?target=slower`);
      await probeRunning(s.origin);
      const termAt = Date.now();
      s.child.kill("SIGTERM");
      const answer = await scrape;
      expect(answer.status).toBe(503);
      expect(answer.complete).toBe(true);
      expect(answer.body).toBe("The probe could not run; see the exporter's log.\n");
      const { code, at } = await s.exit;
      expect(code).toBe(0);
      expect(at - termAt).toBeLessThan(4000);
      expect(s.stderr()).toMatch(/msg=stopped drained=false cut_short=1/);
    } finally {
      await stop(s);
    }
  }, 20_000);

  it("Ctrl-C (SIGINT) stops the same way, with the CLI's 130", async () => {
    const s = await serve([]);
    try {
      const termAt = Date.now();
      s.child.kill("SIGINT");
      const { code, at } = await s.exit;
      expect(code).toBe(130);
      expect(at - termAt).toBeLessThan(2000);
      expect(s.stderr()).toMatch(/signal=SIGINT/);
    } finally {
      await stop(s);
    }
  });
});

describe("health serve's log", () => {
  it("--log.format json --log.level debug: every stderr line is one JSON event; start, each probe, a target down, a refused probe, the stop", async () => {
    const s = await serve(["--log.format", "json", "--log.level", "debug"]);
    try {
      expect((await getText(`${s.origin}/probe?target=fast`)).status).toBe(200);
      slow.addFault({ kind: "status", value: 503, path: "/status", count: 1 });
      expect((await getText(`${s.origin}/probe?target=slow`)).body).toMatch(/^probe_success 0$/m);
      expect((await getText(`${s.origin}/probe?target=ghost`)).status).toBe(400);
      s.child.kill("SIGTERM");
      expect((await s.exit).code).toBe(0);
      const lines = s.stderr().trimEnd().split("\n");
      const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const e of events) expect(Object.keys(e).slice(0, 3)).toEqual(["time", "level", "msg"]);
      const find = (msg: string, extra: Record<string, unknown> = {}) =>
        events.find((e) => e.msg === msg && Object.entries(extra).every(([k, v]) => e[k] === v));
      expect(find("Listening on", { level: "info", tls: false })?.address).toBe(new URL(s.url).host);
      const probe = find("probe", { level: "debug", target: "fast", module: "status", success: true });
      expect(probe?.duration_seconds).toEqual(expect.any(Number));
      expect(find("probe", { target: "slow", success: false })).toBeDefined();
      expect(find("target down", { level: "warn", target: "slow" })?.reason).toEqual(expect.any(String));
      expect(
        find("probe refused", { level: "warn", target: "ghost", reason: "unknown_target" }),
      ).toBeDefined();
      expect(find("stopped", { level: "info", drained: true })).toBeDefined();
    } finally {
      await stop(s);
    }
  }, 20_000);

  it("logfmt at the default level: no line per probe", async () => {
    const s = await serve([]);
    try {
      await getText(`${s.origin}/probe?target=fast`);
      s.child.kill("SIGTERM");
      await s.exit;
      expect(s.stderr()).toMatch(/^time=\S+ level=info msg="Listening on" address=/m);
      expect(s.stderr()).not.toMatch(/msg=probe /);
      for (const line of s.stderr().trimEnd().split("\n")) expect(line).toMatch(/^time=\S+ level=\w+ msg=/);
    } finally {
      await stop(s);
    }
  });

  it("--log-format and --log.format saying different things: one line, exit 3", async () => {
    const r = await runCli(["health", "serve", "--log-format", "json", "--log.format", "logfmt"], { home });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("rxportal: --log-format and --log.format are one option; give it once.\n");
  });
});

describe.skipIf(!haveOpenssl)("health serve --web-config-file", () => {
  const USER_PASSWORD = "canary-Basic-Pw-7f3a9";
  let certs: TestCertificates;
  let hash: string;

  beforeAll(() => {
    certs = makeTestCertificates();
    hash = bcrypt.hashSync(USER_PASSWORD, 4);
  });

  const writeWebConfig = (text: string) => {
    const file = join(certs.dir, `web-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  it("TLS and basic auth: https URL; right password 200; wrong or missing 401 with WWW-Authenticate, /-/healthy too; plain HTTP refused; no secret in the log", async () => {
    // cert_file and key_file relative to the web config file, as the toolkit reads them.
    const file = writeWebConfig(`tls_server_config:
  cert_file: good.pem
  key_file: good.key
  min_version: TLS12
http_server_config:
  headers:
    X-Content-Type-Options: nosniff
basic_auth_users:
  prometheus: ${hash}
`);
    const TOTP = "JBSWY3DPEHPK3PXPCANARYTOTP";
    const s = await serve(
      ["--web.config.file", file, "--log-level", "debug", "--login", "--profile", "fast"],
      { RXPORTAL_PASSWORD: PASSWORD, RXPORTAL_TOTP_SECRET: TOTP },
    );
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const ca = certs.ca.cert;
      const right = { authorization: basic("prometheus", USER_PASSWORD) };
      const ok = await getText(`${s.origin}/probe?target=fast&module=login`, { ca, headers: right });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatch(/^probe_success 1$/m);
      expect(ok.headers["x-content-type-options"]).toBe("nosniff");
      // A second scrape with the same password: answered from the cache of verified passwords.
      expect((await getText(`${s.origin}/metrics`, { ca, headers: right })).status).toBe(200);
      const refusals: Record<string, string>[] = [
        { authorization: basic("prometheus", "wrong-canary-password") },
        { authorization: basic("nobody", USER_PASSWORD) },
        {},
      ];
      for (const headers of refusals) {
        for (const path of ["/probe?target=fast", "/-/healthy", "/metrics"]) {
          const refused = await getText(`${s.origin}${path}`, { ca, headers });
          expect(refused.status).toBe(401);
          expect(refused.headers["www-authenticate"]).toMatch(/^Basic realm="rxportal health exporter"/);
        }
      }
      await expect(getText(s.url.replace("https:", "http:"))).rejects.toThrow();
      s.child.kill("SIGTERM");
      expect((await s.exit).code).toBe(0);
      const log = s.stderr();
      expect(log).toMatch(/msg="Listening on" address=\S+ tls=true basic_auth=true/);
      expect(log).toMatch(/msg=unauthorized path=/);
      // The canaries: no password, hash, Authorization value or TOTP secret in any line.
      for (const secret of [
        USER_PASSWORD,
        "wrong-canary-password",
        PASSWORD,
        TOTP,
        hash,
        basic("prometheus", USER_PASSWORD).slice(6),
        "Basic ",
        "authorization",
      ]) {
        expect(log.toLowerCase()).not.toContain(secret.toLowerCase());
      }
    } finally {
      await stop(s);
    }
  }, 30_000);

  it("a new certificate in cert_file/key_file is served to the connections after it changed, without a restart", async () => {
    const dir = join(certs.dir, `reload-${Date.now()}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "tls.pem"), certs.good.cert);
    writeFileSync(join(dir, "tls.key"), certs.good.key);
    const file = writeWebConfig(
      `tls_server_config:\n  cert_file: ${dir}/tls.pem\n  key_file: ${dir}/tls.key\n`,
    );
    const s = await serve(["--web-config-file", file]);
    const peer = (ca: string) =>
      new Promise<string>((resolve, reject) => {
        const req = httpsGet(`${s.origin}/-/healthy`, { ca, agent: false }, (res) => {
          const cert = (res.socket as import("node:tls").TLSSocket).getPeerCertificate();
          res.resume();
          res.on("end", () => resolve(cert.fingerprint256));
        });
        req.on("error", reject);
      });
    try {
      const before = await peer(certs.ca.cert);
      writeFileSync(join(dir, "tls.pem"), certs.selfSigned.cert);
      writeFileSync(join(dir, "tls.key"), certs.selfSigned.key);
      const after = await peer(certs.selfSigned.cert);
      expect(after).not.toBe(before);
      expect(s.stderr()).toMatch(/msg="TLS certificate reloaded"/);
    } finally {
      await stop(s);
    }
  }, 20_000);

  it("client_auth_type RequireAndVerifyClientCert: a client certificate from client_ca_file is let in, none is not", async () => {
    const file = writeWebConfig(`tls_server_config:
  cert_file: good.pem
  key_file: good.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.pem
`);
    const s = await serve(["--web-config-file", file]);
    const get = (client?: { cert: string; key: string }) =>
      new Promise<number>((resolve, reject) => {
        const req = httpsGet(
          `${s.origin}/-/healthy`,
          { ca: certs.ca.cert, agent: false, cert: client?.cert, key: client?.key },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
      });
    try {
      expect(await get({ cert: certs.good.cert, key: certs.good.key })).toBe(200);
      await expect(get()).rejects.toThrow();
      // A certificate from another CA (self-signed) is refused too.
      await expect(get({ cert: certs.selfSigned.cert, key: certs.selfSigned.key })).rejects.toThrow();
    } finally {
      await stop(s);
    }
  }, 20_000);

  it.each([
    [
      "an unknown key, with the nearest known one",
      "tls_server_config:\n  cert_fle: good.pem\n  key_file: good.key\n",
      'unknown key "tls_server_config.cert_fle"; did you mean "tls_server_config.cert_file"?',
    ],
    [
      "a key of the toolkit rxportal does not implement",
      "tls_server_config:\n  cert_file: good.pem\n  key_file: good.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
      "tls_server_config.cipher_suites: not supported by rxportal",
    ],
    [
      "a password where the bcrypt hash belongs (not echoed)",
      "basic_auth_users:\n  prometheus: plain-canary-password\n",
      "basic_auth_users.prometheus: not a bcrypt hash",
    ],
    [
      "a missing key_file",
      "tls_server_config:\n  cert_file: good.pem\n",
      "tls_server_config.key_file: missing",
    ],
    [
      "a certificate file that is not there",
      "tls_server_config:\n  cert_file: nope.pem\n  key_file: good.key\n",
      "tls_server_config.cert_file",
    ],
    [
      "a certificate with another certificate's key",
      "tls_server_config:\n  cert_file: good.pem\n  key_file: self-signed.key\n",
      "cannot be used",
    ],
    [
      "a min_version that is none",
      "tls_server_config:\n  cert_file: good.pem\n  key_file: good.key\n  min_version: TLS14\n",
      'min_version: "TLS14" is not one of',
    ],
  ])(
    "%s: one line, exit 3 (health's UNKNOWN for a configuration error), nothing on stdout",
    async (_, text, message) => {
      const file = writeWebConfig(text);
      const r = await runCli(["health", "serve", "--web-config-file", file], { home });
      expect(r.code).toBe(3);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain("plain-canary-password");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it("a FIFO or a device named as the web config: refused at once, not read forever", async () => {
    const { execFileSync } = await import("node:child_process");
    const fifo = join(home, "web-config.fifo");
    execFileSync("mkfifo", [fifo]);
    for (const [file, why] of [
      [fifo, "is a named pipe (FIFO), not a regular file"],
      ["/dev/zero", "not a regular file"],
    ] as const) {
      const r = await runCli(["health", "serve", "--web-config-file", file], { home, timeoutMs: 10_000 });
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code).toBe(3);
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
      expect(r.stderr).toContain(`${file} (--web-config-file)`);
      expect(r.stderr).toContain(why);
    }
    // The same for a certificate file the web config names.
    const config = writeWebConfig(`tls_server_config:\n  cert_file: ${fifo}\n  key_file: good.key\n`);
    const r = await runCli(["health", "serve", "--web-config-file", config], { home, timeoutMs: 10_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `rxportal: tls_server_config.cert_file ${fifo}: is a named pipe (FIFO), not a regular file.\n`,
    );
  });

  it("no such web config file: one line naming it", async () => {
    const r = await runCli(["health", "serve", "--web.config.file", "/nonexistent/web.yml"], { home });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("rxportal: /nonexistent/web.yml (--web-config-file): no such file.\n");
  });
});
