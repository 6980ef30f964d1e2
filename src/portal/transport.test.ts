// The one transport, against real sockets on 127.0.0.1: direct requests over node:http, keep-alive,
// the loopback-only rule for plain http:// decided by the resolved address, and requests that a
// proxy variable sends through a (real, local) forward proxy, whose failures name the proxy.

import type { LookupAddress } from "node:dns";
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { closedPort, unavailable } from "../../test/helpers/net.js";
import { PortalClient } from "./client.js";
import { createDirectFetch, createTransport } from "./transport.js";

const STATUS = {
  status: "operational",
  components: [],
  apps: { ios: { minimum: "1.0.0", latest: "1.0.0" }, android: { minimum: "1.0.0", latest: "1.0.0" } },
  serverTime: "2025-03-01T12:00:00Z",
};

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** A portal that answers /status and counts TCP connections. */
async function portal() {
  let connections = 0;
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? "");
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(STATUS));
  });
  server.on("connection", () => connections++);
  const port = await listen(server);
  return { baseUrl: `http://127.0.0.1:${port}/api/v1`, port, connections: () => connections, paths };
}

/** A forward proxy (CONNECT tunnels, which is how undici's proxy agent always talks), counting tunnels. */
async function forwardProxy() {
  const relayed: string[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on("connect", (req, client: net.Socket) => {
    relayed.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    closers.push(() => {
      upstream.destroy();
      client.destroy();
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, relayed };
}

function clientFor(baseUrl: string, fetch: typeof globalThis.fetch) {
  return new PortalClient({ baseUrl, fetch, timeoutMs: 3000, maxRetries: 0 });
}

describe("direct requests (node:http)", () => {
  it("reuses one keep-alive connection for several calls, and close() lets the process go", async () => {
    const p = await portal();
    const fetch = createDirectFetch({ connectTimeoutMs: 2000 });
    const client = clientFor(p.baseUrl, fetch);
    for (let i = 0; i < 3; i++) expect((await client.getStatus()).status).toBe("operational");
    expect(p.connections()).toBe(1);
    await fetch.close();
  });

  it("close({ keepIdle: true }) leaves an idle keep-alive connection open; close() ends it", async () => {
    let open = 0;
    const server = http.createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(STATUS));
    });
    server.on("connection", (socket) => {
      open++;
      socket.on("close", () => open--);
    });
    const port = await listen(server);
    const fetch = createDirectFetch({ connectTimeoutMs: 2000 });
    const client = clientFor(`http://127.0.0.1:${port}/api/v1`, fetch);
    expect((await client.getStatus()).status).toBe("operational");
    await fetch.close({ keepIdle: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(open, "the idle connection is left to the process's end").toBe(1);
    await fetch.close();
    await expect.poll(() => open, { timeout: 2000 }).toBe(0);
  });

  it("close({ keepIdle: true }) still ends a request that is out, at once", async () => {
    let asked = 0;
    // Never answers: only the close can end the request before the client's 3 s limit.
    const server = http.createServer(() => {
      asked++;
    });
    const port = await listen(server);
    const fetch = createDirectFetch({ connectTimeoutMs: 2000 });
    const client = clientFor(`http://127.0.0.1:${port}/api/v1`, fetch);
    const started = Date.now();
    const pending = client.getStatus().then(
      () => "answered",
      (error: Error) => error,
    );
    await expect.poll(() => asked, { timeout: 2000 }).toBe(1);
    await fetch.close({ keepIdle: true });
    const outcome = await pending;
    expect(outcome).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("refuses plain http:// to a name that resolves off this machine, before connecting", async () => {
    const asked: string[] = [];
    const fetch = createDirectFetch({
      connectTimeoutMs: 2000,
      resolve: (hostname, _opts, callback) => {
        asked.push(hostname);
        callback(null, [{ address: "192.0.2.10", family: 4 } as LookupAddress]);
      },
    });
    closers.push(() => fetch.close());
    const e = await unavailable(clientFor("http://portal.localhost:8080/api/v1", fetch).getStatus());
    expect(asked).toEqual(["portal.localhost"]);
    expect(e.reason).toBe("insecure_url");
    expect(e.code).toBe("insecure_http");
    expect(e.message).toBe(
      "Refusing plain http:// to portal.localhost: it is not this machine (it resolves to 192.0.2.10).",
    );
  });

  it("allows plain http:// to a name that resolves to loopback", async () => {
    const p = await portal();
    const fetch = createDirectFetch({
      connectTimeoutMs: 2000,
      resolve: (_hostname, _opts, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]),
    });
    closers.push(() => fetch.close());
    const status = await clientFor(`http://portal.localhost:${p.port}/api/v1`, fetch).getStatus();
    expect(status.status).toBe("operational");
  });
});

describe("requests through a proxy (HTTP_PROXY / HTTPS_PROXY)", () => {
  it("go through the proxy the environment names, and not when NO_PROXY exempts the portal", async () => {
    const p = await portal();
    const proxy = await forwardProxy();
    const via = createTransport({ env: { HTTP_PROXY: proxy.url }, connectTimeoutMs: 2000 });
    closers.push(() => via.close());
    expect((await clientFor(p.baseUrl, via).getStatus()).status).toBe("operational");
    expect(proxy.relayed).toEqual([`127.0.0.1:${p.port}`]);

    const exempt = createTransport({
      env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" },
      connectTimeoutMs: 2000,
    });
    closers.push(() => exempt.close());
    expect((await clientFor(p.baseUrl, exempt).getStatus()).status).toBe("operational");
    expect(proxy.relayed).toHaveLength(1);
  });

  it("a dead proxy is named as the proxy, not as the portal refusing connections", async () => {
    const port = await closedPort();
    const via = createTransport({
      env: { HTTPS_PROXY: `http://user:secret@127.0.0.1:${port}` },
      connectTimeoutMs: 2000,
    });
    closers.push(() => via.close());
    const e = await unavailable(clientFor("https://portal.example/api/v1", via).getStatus());
    expect(e.code).toBe("proxy_connect");
    expect(e.message).toBe(
      `Cannot reach the portal: cannot connect to the proxy http://***@127.0.0.1:${port} (from HTTPS_PROXY) (connection refused).`,
    );
    expect(e.message).not.toContain("secret");
    expect(e.hint).toMatch(/NO_PROXY/);
  });

  it("a proxy that refuses the tunnel is named with its status", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(403);
      res.end();
    });
    server.on("connect", (_req, socket) => {
      socket.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
    });
    const port = await listen(server);
    const via = createTransport({ env: { HTTPS_PROXY: `http://127.0.0.1:${port}` }, connectTimeoutMs: 2000 });
    closers.push(() => via.close());
    const e = await unavailable(clientFor("https://portal.example/api/v1", via).getStatus());
    expect(e.code).toBe("proxy_http_407");
    expect(e.message).toMatch(
      /^Cannot reach the portal: the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) asks for a username and password \(HTTP 407\)\.$/,
    );
  });

  it("a proxy variable that is not a URL says so, naming the variable", async () => {
    const via = createTransport({ env: { https_proxy: "http://[not-a-host" }, connectTimeoutMs: 2000 });
    closers.push(() => via.close());
    const e = await unavailable(clientFor("https://portal.example/api/v1", via).getStatus());
    expect(e.code).toBe("proxy_invalid");
    expect(e.message).toBe("The proxy setting https_proxy is not a valid URL.");
  });
});
