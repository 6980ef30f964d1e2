// Faults msw cannot fake faithfully, against real sockets on 127.0.0.1: a body cut short, a
// connection destroyed, a server that never answers, a closed port, a name that does not exist,
// a self-signed certificate. Each runs through Node's global fetch, undici's fetch from
// createPortalFetch (the proxy path), node:http (the direct path) and the production transport.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closedPort, unavailable } from "../../test/helpers/net.js";
import { PortalClient, type PortalClientOptions } from "./client.js";
import { createPortalFetch } from "./http.js";
import { createDirectFetch, createTransport } from "./transport.js";

const STATUS = {
  status: "operational",
  components: [],
  apps: { ios: { minimum: "1.0.0", latest: "1.0.0" }, android: { minimum: "1.0.0", latest: "1.0.0" } },
  serverTime: "2025-03-01T12:00:00Z",
};

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A raw TCP server; `onRequest` gets the socket once the request's first bytes arrive. */
async function rawServer(onRequest: (socket: net.Socket) => void) {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.once("data", () => onRequest(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const { port } = server.address() as net.AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/api/v1`, connections: () => connections };
}

const fetches: Array<[string, () => Promise<typeof fetch>]> = [
  ["Node's global fetch", async () => globalThis.fetch],
  ["undici via createPortalFetch", () => createPortalFetch({ connectTimeoutMs: 5_000 })],
  ["node:http via createDirectFetch", async () => createDirectFetch({ connectTimeoutMs: 5_000 })],
  [
    "the production transport (no proxy set)",
    async () => createTransport({ env: {}, connectTimeoutMs: 5_000 }),
  ],
];

describe.each(fetches)("transport faults through %s", (_name, getFetch) => {
  let fetchImpl: typeof fetch;
  beforeAll(async () => {
    fetchImpl = await getFetch();
  });
  const client = (baseUrl: string, more: Partial<PortalClientOptions> = {}) => {
    const waits: number[] = [];
    const c = new PortalClient({
      baseUrl,
      fetch: fetchImpl,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...more,
    });
    return { client: c, waits };
  };

  it("serves a real answer (the happy path works over real sockets)", async () => {
    const body = JSON.stringify(STATUS);
    const srv = await rawServer((socket) => {
      socket.end(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: real-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    const { client: c } = client(srv.baseUrl);
    const { data, meta } = await c.call("getStatus");
    expect(data).toEqual(STATUS);
    expect(meta).toMatchObject({ status: 200, requestId: "real-1" });
  });

  it("a body shorter than its Content-Length is a truncated bad_response, retried for a GET", async () => {
    const srv = await rawServer((socket) => {
      socket.end(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: cut-1\r\nContent-Length: 500\r\n\r\n{"status":"operational",',
      );
    });
    const { client: c, waits } = client(srv.baseUrl);
    const e = await unavailable(c.getStatus());
    expect(e).toMatchObject({
      reason: "bad_response",
      code: "truncated",
      status: 200,
      requestId: "cut-1",
      exitCode: 69,
    });
    expect(e.message).toBe("The portal's answer was cut off before it was complete (HTTP 200).");
    expect(srv.connections()).toBe(3);
    expect(waits).toEqual([200, 400]);
  });

  it("a destroyed connection is a reset, retried for a GET but not for a POST", async () => {
    const srv = await rawServer((socket) => socket.destroy());
    const get = client(srv.baseUrl);
    const e = await unavailable(get.client.getStatus());
    expect(e.reason).toBe("reset");
    expect(e.message).toMatch(
      /^The connection to the portal at 127\.0\.0\.1:\d+ was cut before it answered\.$/,
    );
    expect(srv.connections()).toBe(3);

    const post = client(srv.baseUrl);
    const e2 = await unavailable(post.client.login({ username: "a", password: "b" }));
    expect(e2.reason).toBe("reset");
    expect(srv.connections()).toBe(4);
    expect(post.waits).toEqual([]);
  });

  it("a server that never answers is cut off by the deadline (timeoutMs + 200 ms at most)", async () => {
    const srv = await rawServer(() => {
      // Say nothing, keep the socket open.
    });
    const c = new PortalClient({ baseUrl: srv.baseUrl, fetch: fetchImpl, timeoutMs: 500 });
    const started = performance.now();
    const e = await unavailable(c.getStatus());
    const elapsed = performance.now() - started;
    expect(e.reason).toBe("timeout");
    expect(e.message).toBe("The portal did not answer within 500 ms.");
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(700);
  });

  it("a body that stops mid-way is also cut off by the deadline, as timeout", async () => {
    const srv = await rawServer((socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"status":',
      );
    });
    const c = new PortalClient({ baseUrl: srv.baseUrl, fetch: fetchImpl, timeoutMs: 400 });
    const started = performance.now();
    const e = await unavailable(c.getStatus());
    expect(e.reason).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(600);
  });

  it("a closed port is a connect failure (ECONNREFUSED), retried with backoff", async () => {
    const port = await closedPort();
    const { client: c, waits } = client(`http://127.0.0.1:${port}/api/v1`);
    const e = await unavailable(c.getStatus());
    expect(e).toMatchObject({ reason: "connect", code: "ECONNREFUSED" });
    expect(e.message).toBe(`Cannot connect to the portal at 127.0.0.1:${port} (connection refused).`);
    expect(waits).toEqual([200, 400]);
  });

  it("an unknown host is a DNS failure and is not retried", async () => {
    const { client: c, waits } = client("https://no-such-portal.invalid/api/v1");
    const e = await unavailable(c.getStatus());
    expect(e.reason).toBe("dns");
    expect(e.message).toMatch(/no-such-portal\.invalid/);
    expect(waits).toEqual([]);
  });
});

describe("a self-signed HTTPS portal", () => {
  const openssl = (() => {
    try {
      execFileSync("openssl", ["version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  let dir = "";
  let baseUrl = "";
  let handshakes = 0;
  let server: https.Server | undefined;

  beforeAll(async () => {
    if (!openssl) return;
    dir = mkdtempSync(join(tmpdir(), "rxportal-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    server = https.createServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(STATUS));
      },
    );
    server.on("connection", () => handshakes++);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/v1`;
  });
  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!openssl).each(fetches)(
    "is refused as tls with the problem in plain words (%s)",
    async (_name, getFetch) => {
      const before = handshakes;
      const waits: number[] = [];
      const client = new PortalClient({
        baseUrl,
        fetch: await getFetch(),
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
      const e = await unavailable(client.getStatus());
      expect(e).toMatchObject({ reason: "tls", code: "DEPTH_ZERO_SELF_SIGNED_CERT", exitCode: 69 });
      expect(e.message).toBe("Cannot connect securely to 127.0.0.1: its certificate is self-signed.");
      expect(e.hint).toMatch(/NODE_EXTRA_CA_CERTS/);
      // A certificate will not fix itself in 200 ms: no retry.
      expect(handshakes - before).toBe(1);
      expect(waits).toEqual([]);
    },
  );

  it.skipIf(openssl)(
    "needs openssl on PATH to generate a certificate; skipped because it is missing",
    () => {},
  );
});

describe("createPortalFetch", () => {
  it("talks to a node:http portal through undici and reads its headers", async () => {
    let seenAgent = "";
    const server = http.createServer((req, res) => {
      seenAgent = req.headers["user-agent"] ?? "";
      res
        .writeHead(200, { "content-type": "application/json", "x-request-id": "undici-1" })
        .end(JSON.stringify(STATUS));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const port = (server.address() as net.AddressInfo).port;
    const client = new PortalClient({
      baseUrl: `http://127.0.0.1:${port}/api/v1`,
      fetch: await createPortalFetch({ connectTimeoutMs: 2_000 }),
      userAgent: "rxportal-test",
    });
    const { data, meta } = await client.call("getStatus");
    expect(data).toEqual(STATUS);
    expect(meta.requestId).toBe("undici-1");
    expect(seenAgent).toBe("rxportal-test");
  });

  it("honours HTTP_PROXY and NO_PROXY (read when the fetch is created)", async () => {
    // A minimal CONNECT proxy (undici tunnels even plain-http targets through CONNECT).
    const proxied: string[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      proxied.push(req.url ?? "");
      const [host = "", port = ""] = (req.url ?? "").split(":");
      const upstream = net.connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      const destroy = () => {
        upstream.destroy();
        client.destroy();
      };
      upstream.on("error", destroy);
      client.on("error", destroy);
      closers.push(destroy);
    });
    const direct = http.createServer((_req, res) => {
      res
        .writeHead(200, { "content-type": "application/json", "x-request-id": "direct" })
        .end(JSON.stringify(STATUS));
    });
    for (const s of [proxy, direct]) {
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      closers.push(() => {
        s.closeAllConnections();
        s.close();
      });
    }
    const proxyPort = (proxy.address() as net.AddressInfo).port;
    const directPort = (direct.address() as net.AddressInfo).port;
    const saved = { ...process.env };
    const call = async (noProxy: string) => {
      for (const key of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"])
        delete process.env[key];
      process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
      process.env.NO_PROXY = noProxy;
      const client = new PortalClient({
        baseUrl: `http://127.0.0.1:${directPort}/api/v1`,
        fetch: await createPortalFetch({ connectTimeoutMs: 2_000 }),
      });
      return (await client.call("getStatus")).meta.requestId;
    };
    try {
      expect(await call("")).toBe("direct");
      expect(proxied).toEqual([`127.0.0.1:${directPort}`]);
      expect(await call("127.0.0.1")).toBe("direct");
      expect(proxied).toHaveLength(1);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("close() ends idle keep-alive sockets so the CLI can exit at once", async () => {
    let open = 0;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(STATUS));
    });
    server.on("connection", (socket) => {
      open++;
      socket.on("close", () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const portalFetch = await createPortalFetch({ connectTimeoutMs: 2_000 });
    const client = new PortalClient({
      baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/v1`,
      fetch: portalFetch,
    });
    await client.getStatus();
    expect(open).toBe(1);
    await portalFetch.close();
    await expect.poll(() => open, { timeout: 2_000 }).toBe(0);
  });

  it("is the only module that imports undici statically (startup time)", () => {
    const offenders: string[] = [];
    const walk = (folder: string) => {
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ts$/.test(name) && !/\.test\.ts$/.test(name)) {
          const text = readFileSync(path, "utf8");
          if (
            /^\s*import\s[^;]*?from\s+["']undici["']/m.test(text) ||
            /^\s*import\s+["']undici["']/m.test(text)
          ) {
            offenders.push(path);
          }
        }
      }
    };
    walk(join(import.meta.dirname, ".."));
    expect(offenders).toEqual([]);
  });
});
