// A small HTTP proxy in front of the sandbox that holds back the portal's ANSWER (not the
// request) for matching paths: the portal has already made the order, and the client does not
// know yet. The sandbox's own latency fault delays the request instead, before the order exists;
// the two together cover both halves of "the connection died mid-order".
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface AnswerDelayProxy {
  /** The proxy's base URL (same path as the target's). */
  baseUrl: string;
  /** Delay answers to requests under `pathPrefix` (relative to the API base) by `ms`, `count` times (default: always). */
  delayAnswers(pathPrefix: string, ms: number, count?: number): void;
  /** Requests forwarded to the portal under a path prefix: each one reached the portal. */
  forwarded(pathPrefix: string): number;
  /** When each request under a path prefix reached the proxy (Date.now()). */
  arrivals(pathPrefix: string): number[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startAnswerDelayProxy(targetBaseUrl: string): Promise<AnswerDelayProxy> {
  const target = new URL(targetBaseUrl);
  const apiPath = target.pathname.replace(/\/+$/, "");
  let rule: { prefix: string; ms: number; left: number } | undefined;
  const seen: { path: string; at: number }[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    (async () => {
      const body = await bodyOf(req);
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const relative = path.startsWith(apiPath) ? path.slice(apiPath.length) : path;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string" && !["host", "connection", "content-length"].includes(name))
          headers[name] = value;
      }
      seen.push({ path: relative, at: Date.now() });
      // A client that goes away takes its request with it, as its closed socket would at the portal.
      const upstream = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) upstream.abort();
      });
      const answer = await fetch(new URL(req.url ?? "/", target.origin), {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
        redirect: "manual",
        signal: upstream.signal,
      });
      const text = Buffer.from(await answer.arrayBuffer());
      if (rule && rule.left > 0 && relative.startsWith(rule.prefix)) {
        rule.left -= 1;
        await new Promise((r) => setTimeout(r, rule?.ms ?? 0));
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (
          !["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"].includes(
            name,
          )
        )
          out[name] = value;
      });
      out["content-length"] = String(text.length);
      res.writeHead(answer.status, out);
      res.end(text);
    })().catch(() => res.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${apiPath}`,
    delayAnswers(prefix, ms, count = Number.POSITIVE_INFINITY) {
      rule = { prefix, ms, left: count };
    },
    forwarded(prefix) {
      return seen.filter((r) => r.path.startsWith(prefix)).length;
    },
    arrivals(prefix) {
      return seen.filter((r) => r.path.startsWith(prefix)).map((r) => r.at);
    },
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      return closed;
    },
  };
}
