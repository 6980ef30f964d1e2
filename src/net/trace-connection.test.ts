import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  makeTestCertificates,
  opensslAvailable,
  startTlsServer,
  type TestCertificates,
  type TestTlsServer,
} from "../../test/helpers/tls-certs.js";
import { describeNetProblem, endpointOf, traceConnection } from "./trace-connection.js";

async function listen(server: Server | HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("endpointOf", () => {
  it("takes host, default ports and the scheme from the URL", () => {
    expect(endpointOf("https://portal.example/api/v1")).toEqual({
      host: "portal.example",
      port: 443,
      secure: true,
    });
    expect(endpointOf("http://127.0.0.1:8787/api/v1")).toEqual({
      host: "127.0.0.1",
      port: 8787,
      secure: false,
    });
    expect(endpointOf("https://[::1]:9443/")).toEqual({ host: "::1", port: 9443, secure: true });
  });
});

describe("traceConnection over plain TCP", () => {
  let http: HttpServer;
  let port: number;
  beforeAll(async () => {
    http = createHttpServer((_req, res) => res.end("ok"));
    port = await listen(http);
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

  it("an IP literal needs no DNS; http:// has no tls phase", async () => {
    const trace = await traceConnection(`http://127.0.0.1:${port}/api/v1`, { timeoutMs: 2000 });
    expect(trace.dns).toEqual({ ok: true, ms: 0, detail: { addresses: ["127.0.0.1"] } });
    expect(trace.connect).toMatchObject({ ok: true, detail: { address: "127.0.0.1" } });
    expect(trace.connect?.ms).toBeGreaterThanOrEqual(0);
    expect(trace.tls).toBeUndefined();
    expect(trace).toMatchObject({ host: "127.0.0.1", port, secure: false });
  });

  it("resolves localhost through the system resolver, timing it", async () => {
    const trace = await traceConnection(`http://localhost:${port}/`, { timeoutMs: 2000 });
    expect(trace.dns.ok).toBe(true);
    if (trace.dns.ok) expect(trace.dns.detail.addresses.length).toBeGreaterThan(0);
    // localhost may resolve to ::1 first, where nothing listens; the next address must be tried.
    expect(trace.connect).toMatchObject({ ok: true });
  });

  it("a refused port is ECONNREFUSED with a sentence", async () => {
    const trace = await traceConnection(`http://127.0.0.1:${await closedPort()}/`, { timeoutMs: 2000 });
    expect(trace.connect).toMatchObject({ ok: false, code: "ECONNREFUSED" });
    if (trace.connect && !trace.connect.ok) expect(trace.connect.message).toMatch(/refused the connection/);
  });

  it("a name that does not exist is ENOTFOUND, and nothing after dns is tried", async () => {
    const trace = await traceConnection("https://no-such-host.invalid/api/v1", { timeoutMs: 3000 });
    expect(trace.dns).toMatchObject({ ok: false });
    if (!trace.dns.ok) expect(["ENOTFOUND", "EAI_AGAIN"]).toContain(trace.dns.code);
    expect(trace.connect).toBeUndefined();
    expect(trace.tls).toBeUndefined();
  });

  it("an aborted signal ends the trace at once with ABORTED", async () => {
    const controller = new AbortController();
    controller.abort();
    const trace = await traceConnection("https://no-such-host.invalid/", {
      timeoutMs: 3000,
      signal: controller.signal,
    });
    expect(trace.dns).toMatchObject({ ok: false, code: "ABORTED" });
  });
});

describe("traceConnection with a server that accepts and never speaks TLS", () => {
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.push(socket);
    });
    port = await listen(server);
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("times the TLS phase out within the overall budget (ETIMEDOUT)", async () => {
    const started = performance.now();
    const trace = await traceConnection(`https://127.0.0.1:${port}/`, { timeoutMs: 400 });
    const took = performance.now() - started;
    expect(trace.connect).toMatchObject({ ok: true });
    expect(trace.tls).toMatchObject({ ok: false, code: "ETIMEDOUT" });
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(1000);
  });

  it("phaseTimeoutMs caps one phase below the overall budget", async () => {
    const started = performance.now();
    const trace = await traceConnection(`https://127.0.0.1:${port}/`, {
      timeoutMs: 5000,
      phaseTimeoutMs: 200,
    });
    expect(trace.tls).toMatchObject({ ok: false, code: "ETIMEDOUT" });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("an abort mid-handshake is ABORTED, not a timeout", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const trace = await traceConnection(`https://127.0.0.1:${port}/`, {
      timeoutMs: 5000,
      signal: controller.signal,
    });
    expect(trace.tls).toMatchObject({ ok: false, code: "ABORTED" });
  });
});

describe("traceConnection against a plain HTTP server on an https:// URL", () => {
  it("fails the tls phase with an SSL error code and a sentence", async () => {
    const http = createHttpServer((_req, res) => res.end("ok"));
    const port = await listen(http);
    try {
      const trace = await traceConnection(`https://127.0.0.1:${port}/`, { timeoutMs: 2000 });
      expect(trace.tls).toMatchObject({ ok: false });
      if (trace.tls && !trace.tls.ok) {
        expect(trace.tls.code).toMatch(/^(ERR_SSL|ECONNRESET|EPROTO)/);
        expect(trace.tls.message).toMatch(/127\.0\.0\.1/);
      }
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});

describe.skipIf(!opensslAvailable())("traceConnection TLS certificates (openssl-made)", () => {
  let certs: TestCertificates;
  const servers: Record<string, TestTlsServer> = {};
  const now = () => Date.parse("2026-11-23T12:00:00Z");
  beforeAll(async () => {
    certs = makeTestCertificates();
    servers.good = await startTlsServer(certs.good);
    servers.expired = await startTlsServer(certs.expired);
    servers.wrongHost = await startTlsServer(certs.wrongHost);
    servers.selfSigned = await startTlsServer(certs.selfSigned);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  const tlsOf = async (name: string, opts: { trustCa?: boolean; host?: string } = {}) => {
    const server = servers[name] as TestTlsServer;
    const trace = await traceConnection(`https://${opts.host ?? "127.0.0.1"}:${server.port}/api/v1`, {
      timeoutMs: 3000,
      now,
      ca: opts.trustCa ? certs.ca.cert : undefined,
    });
    expect(trace.tls?.ok, JSON.stringify(trace)).toBe(true);
    if (!trace.tls?.ok) throw new Error("unreachable");
    return trace.tls.detail;
  };

  it("a certificate from an unknown CA is reported, not refused: authorized false, with why", async () => {
    const tls = await tlsOf("good");
    expect(tls.authorized).toBe(false);
    expect(tls.authorizationError).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(tls.certificate).toMatchObject({
      subject: "CN=localhost",
      issuer: "CN=rxportal Test CA",
      selfSigned: false,
      hostMatches: true,
    });
    expect(tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(tls.certificate.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Date.parse(tls.certificate.validTo)).toBeGreaterThan(Date.now());
  });

  it("a certificate from a trusted CA for this host is authorized, by IP and by name", async () => {
    for (const host of ["127.0.0.1", "localhost"]) {
      const tls = await tlsOf("good", { trustCa: true, host });
      expect(tls.authorized, host).toBe(true);
      expect(tls.authorizationError).toBeUndefined();
      expect(tls.certificate.daysLeft).toBeGreaterThan(0);
    }
  });

  it("a self-signed certificate says so", async () => {
    const tls = await tlsOf("selfSigned");
    expect(tls.authorized).toBe(false);
    expect(tls.authorizationError).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(tls.certificate.selfSigned).toBe(true);
    expect(tls.authorizationMessage).toMatch(/self-signed/);
  });

  it("an expired certificate has its dates and negative daysLeft", async () => {
    const tls = await tlsOf("expired");
    expect(tls.authorized).toBe(false);
    // Node checks the chain first; the unknown CA would hide the expiry, so the daysLeft tells it.
    expect(["CERT_HAS_EXPIRED", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"]).toContain(tls.authorizationError);
    expect(tls.certificate.validTo).toBe("2024-02-01T00:00:00.000Z");
    expect(tls.certificate.validFrom).toBe("2024-01-01T00:00:00.000Z");
    expect(tls.certificate.daysLeft).toBe(-1027);
  });

  it("an expired certificate from a trusted CA is CERT_HAS_EXPIRED", async () => {
    const tls = await tlsOf("expired", { trustCa: true });
    expect(tls).toMatchObject({ authorized: false, authorizationError: "CERT_HAS_EXPIRED" });
    expect(tls.authorizationMessage).toMatch(/expired/);
  });

  it("a certificate for another host: hostMatches false and ERR_TLS_CERT_ALTNAME_INVALID once the CA is trusted", async () => {
    const untrusted = await tlsOf("wrongHost");
    expect(untrusted.certificate.hostMatches).toBe(false);
    expect(untrusted.authorized).toBe(false);
    const trusted = await tlsOf("wrongHost", { trustCa: true });
    expect(trusted).toMatchObject({ authorized: false, authorizationError: "ERR_TLS_CERT_ALTNAME_INVALID" });
    expect(trusted.certificate).toMatchObject({ hostMatches: false, subject: "CN=portal.other.example" });
    expect(trusted.authorizationMessage).toMatch(/not for 127\.0\.0\.1/);
  });

  it("daysLeft counts whole days from `now`", async () => {
    const tls = await tlsOf("good");
    const expected = Math.floor((Date.parse(tls.certificate.validTo) - now()) / 86_400_000);
    expect(tls.certificate.daysLeft).toBe(expected);
  });
});

describe("describeNetProblem", () => {
  it("has a sentence for every agreed code, and a fallback naming the code", () => {
    for (const code of [
      "ENOTFOUND",
      "ECONNREFUSED",
      "ETIMEDOUT",
      "ABORTED",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "CERT_HAS_EXPIRED",
      "ERR_TLS_CERT_ALTNAME_INVALID",
      "SELF_SIGNED_CERT_IN_CHAIN",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    ]) {
      const sentence = describeNetProblem(code, "portal.example");
      expect(sentence, code).toMatch(/^[A-Z0-9a-z].+\.$/);
      expect(sentence).not.toContain(code);
    }
    expect(describeNetProblem("EWEIRD", "portal.example")).toContain("EWEIRD");
  });
});
