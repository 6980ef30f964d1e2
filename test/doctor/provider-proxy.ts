// A forward proxy (HTTP_PROXY) in front of a real OpenID Provider, for the doctor's OIDC tests:
// it passes every request on unchanged, except that it can move the Date header of the
// provider's answers by a skew (a provider whose clock is off) and make the JWKS fail (an
// answer 500, an empty key list, or a connection cut). The provider keeps its own address, so its issuer is
// still the configured one. Plain and tunnelled (CONNECT) requests alike.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ProxyRules {
  /** Added to the provider's Date header, in milliseconds. */
  skewMs: number;
  /** What a request for the JWKS gets instead of the keys. */
  jwks?: "500" | "cut" | "empty";
}

export interface ProviderProxy {
  url: string;
  rules: ProxyRules;
  /** Requests seen, by path. */
  seen: string[];
  close(): Promise<void>;
}

export async function startProviderProxy(rules: ProxyRules, jwksPath = "/jwks"): Promise<ProviderProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? "/", `http://${req.headers.host}`);
    seen.push(target.pathname);
    if (target.pathname === jwksPath && rules.jwks === "500") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"error":"server_error"}');
      return;
    }
    if (target.pathname === jwksPath && rules.jwks === "empty") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"keys":[]}');
      return;
    }
    if (target.pathname === jwksPath && rules.jwks === "cut") {
      req.socket.destroy();
      return;
    }
    const headers = { ...req.headers };
    delete headers["proxy-connection"];
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers,
      },
      (answer) => {
        const out = { ...answer.headers };
        const date = Date.parse(String(answer.headers.date));
        if (Number.isFinite(date)) out.date = new Date(date + rules.skewMs).toUTCString();
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };
  const inner = createServer(handle);
  const outer: Server = createServer(handle);
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  outer.on("connection", track);
  outer.on("connect", (_req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) socket.unshift(head);
    inner.emit("connection", socket);
  });
  await new Promise<void>((resolve) => outer.listen(0, "127.0.0.1", () => resolve()));
  const { port } = outer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rules,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => outer.close(() => resolve()));
      inner.close();
    },
  };
}
