// A small fetch over node:http/https, for health. Why not undici's fetch (the CLI's default) or
// Node's global fetch: a monitor runs every minute, often on a small host, and both fetches load
// undici and compile its WebAssembly HTTP parser on the first request (measured here: +40 MB peak
// RSS, +60 ms per run, against the same four requests over node:http). The portal client needs
// only status, headers.get() and text(), and classifies failures by the Node error codes in the
// cause chain, which node:http gives directly (ECONNREFUSED, ECONNRESET, CERT_HAS_EXPIRED, ...).
//
// Not supported, on purpose: redirects (the client asks for "manual" and reports one), content
// encodings (none is asked for), and proxies (run.ts uses undici's EnvHttpProxyAgent when a proxy
// variable applies). TLS uses Node's default CA store, so NODE_EXTRA_CA_CERTS works.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export type HealthFetch = typeof globalThis.fetch & { close(): void };

interface MinimalResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error
    ? reason
    : Object.assign(new Error("The request was aborted."), { name: "AbortError" });
}

function responseOf(
  res: IncomingMessage,
  signal: AbortSignal | undefined,
  done: () => void,
): MinimalResponse {
  let body: Promise<string> | undefined;
  const status = res.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name: string) {
        const value = res.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(", ") : value;
      },
    },
    text() {
      body ??= new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const fail = (error: Error) => {
          done();
          reject(error);
        };
        if (signal?.aborted) {
          res.destroy();
          fail(abortError(signal));
          return;
        }
        const onAbort = () => {
          res.destroy();
          fail(abortError(signal as AbortSignal));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        // A connection cut mid-body ends the message without 'end' and with complete false.
        res.on("close", () => {
          signal?.removeEventListener("abort", onAbort);
          if (!res.complete)
            fail(Object.assign(new Error("The answer was cut off."), { code: "ECONNRESET" }));
        });
        res.on("end", () => {
          signal?.removeEventListener("abort", onAbort);
          done();
          resolve(Buffer.concat(chunks).toString("utf8"));
        });
      });
      return body;
    },
  };
}

export function createHealthFetch(): HealthFetch {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const healthFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<MinimalResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const secure = url.protocol === "https:";
      const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
      const body = typeof init.body === "string" ? init.body : undefined;
      if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
      const request = secure ? httpsRequest : httpRequest;
      const onAbort = () => req.destroy(abortError(signal as AbortSignal));
      const cleanup = () => signal?.removeEventListener("abort", onAbort);
      const req = request(
        url,
        { method: init.method ?? "GET", headers, agent: secure ? agents.https : agents.http },
        (res) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(responseOf(res, signal, cleanup));
        },
      );
      req.on("error", (error) => {
        cleanup();
        reject(error);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      req.end(body);
    });
  return Object.assign(healthFetch as unknown as typeof globalThis.fetch, {
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}
