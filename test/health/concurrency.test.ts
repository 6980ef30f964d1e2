// `health --all` over 200 loopback profiles holds at most --concurrency probes in flight: every
// profile points at one counting server (in front of the real sandbox) that holds each request a
// little, so probes that were let through together would show up together.

import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthReport } from "../../src/health/report.js";
import { run } from "../../src/main.js";
import { createDirectFetch } from "../../src/portal/transport.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { closeContext, testContext } from "../helpers/context.js";

const PROFILES = 200;
let sandbox: RunningSandbox;
let counter: Server;
let port: number;
let inFlight = 0;
let peak = 0;
let requests = 0;
let openConnections = 0;
let peakConnections = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  counter = createServer((req, res) => {
    inFlight += 1;
    requests += 1;
    peak = Math.max(peak, inFlight);
    setTimeout(() => {
      const upstream = request(
        `${sandbox.origin}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          // Connection: close, so a connection lives only as long as its request.
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, connection: "close" });
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      res.on("close", () => {
        inFlight -= 1;
      });
      req.pipe(upstream);
    }, 25);
  });
  counter.on("connection", (socket) => {
    openConnections += 1;
    peakConnections = Math.max(peakConnections, openConnections);
    socket.on("close", () => {
      openConnections -= 1;
    });
  });
  await new Promise<void>((resolve) => counter.listen(0, "127.0.0.1", resolve));
  port = (counter.address() as AddressInfo).port;
});

afterAll(async () => {
  counter.closeAllConnections();
  await new Promise((resolve) => counter.close(resolve));
  await sandbox.close();
});

async function healthAll(extra: string[]) {
  const t = testContext({ fetch: createDirectFetch({ connectTimeoutMs: 5_000 }) });
  mkdirSync(join(t.dir, "config"), { recursive: true });
  const lines = Array.from(
    { length: PROFILES },
    (_, i) => `  p${i}:\n    baseUrl: http://127.0.0.1:${port}/api/v1\n    timeoutMs: 20000\n`,
  );
  writeFileSync(join(t.dir, "config", "config.yaml"), `profiles:\n${lines.join("")}`);
  inFlight = 0;
  peak = 0;
  requests = 0;
  peakConnections = 0;
  const code = await run(["health", "--all", "--json", ...extra], t.ctx);
  await closeContext(t.ctx);
  return { code, report: JSON.parse(t.stdout.text) as HealthReport, stderr: t.stderr.text };
}

describe("health --all --concurrency", () => {
  it("200 profiles, --concurrency 7: never more than 7 requests in flight, and all 200 probed", async () => {
    const r = await healthAll(["--concurrency", "7"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.report.results).toHaveLength(PROFILES);
    expect(r.report.results.every((x) => x.state === "OK")).toBe(true);
    expect(requests).toBe(PROFILES);
    expect(peak).toBeLessThanOrEqual(7);
    // The bound is used, not merely respected: with 25 ms per request, 7 overlap.
    expect(peak).toBe(7);
    // Each probe opens two connections one after the other (the timed connect, then GET /status);
    // the first may not have closed on this side yet when the second arrives.
    expect(peakConnections).toBeLessThanOrEqual(2 * 7);
  }, 60_000);

  it("without the flag, the default bound of 16", async () => {
    const r = await healthAll([]);
    expect(r.code).toBe(0);
    expect(requests).toBe(PROFILES);
    expect(peak).toBeLessThanOrEqual(16);
    expect(peak).toBeGreaterThan(8);
  }, 60_000);

  it("--concurrency 0 is a usage error (UNKNOWN, exit 3)", async () => {
    const t = testContext();
    const code = await run(["health", "--concurrency", "0"], t.ctx);
    expect(code).toBe(3);
    expect(t.stderr.text).toMatch(/--concurrency must be a whole number from 1 to 1000/);
  });
});
