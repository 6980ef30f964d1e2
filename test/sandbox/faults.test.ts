// Each fault kind, observed on the wire the way the CLI's client will meet it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/server.js";
import { call, control, UUID } from "./helpers.js";

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

describe("fault kinds", () => {
  it("reset: the connection is destroyed before any answer, so fetch rejects", async () => {
    sb.addFault({ kind: "reset" });
    await expect(call(sb, "GET", "/status")).rejects.toThrow(TypeError);
  });

  it("hang: the request is accepted and never answered, so a timeout aborts it", async () => {
    sb.addFault({ kind: "hang", count: 1 });
    const started = Date.now();
    await expect(call(sb, "GET", "/status", { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({
      name: "TimeoutError",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await call(sb, "GET", "/status")).status).toBe(200);
  });

  it("truncated: headers promise more bytes than arrive, so reading the body rejects", async () => {
    sb.addFault({ kind: "truncated" });
    const res = await call(sb, "GET", "/status");
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(0);
    await expect(res.text()).rejects.toThrow();
  });

  it("malformed: 200 application/json whose body is not JSON", async () => {
    sb.addFault({ kind: "malformed", path: "/status" });
    const res = await call(sb, "GET", "/status");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-request-id")).toMatch(UUID);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it("maintenance: a 503 HTML page with Retry-After (300 by default)", async () => {
    sb.addFault({ kind: "maintenance" });
    const res = await call(sb, "POST", "/auth/login", { json: { username: "a", password: "b" } });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("retry-after")).toBe("300");
    expect(await res.text()).toMatch(/<html/);
  });

  it("status: a problem document with the injected status, Retry-After on 429 and 503", async () => {
    sb.addFault({ kind: "status", value: 429, count: 1 });
    sb.addFault({ kind: "status", value: 503, count: 1 });
    sb.addFault({ kind: "status", value: 500, count: 1 });
    const answers: Response[] = [];
    for (let i = 0; i < 3; i++) answers.push(await call(sb, "GET", "/status"));
    expect(answers.map((r) => r.status)).toEqual([429, 503, 500]);
    expect(answers.map((r) => r.headers.get("retry-after"))).toEqual(["30", "30", null]);
    const codes = await Promise.all(answers.map(async (r) => ((await r.json()) as { code: string }).code));
    expect(codes).toEqual(["rate_limited", "maintenance", "internal_error"]);
    expect(answers[0]?.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("latency: delays, then answers normally; stacks with another fault", async () => {
    sb.addFault({ kind: "latency", value: 150, count: 2 });
    let started = Date.now();
    expect((await call(sb, "GET", "/status")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sb.addFault({ kind: "status", value: 502, count: 1 });
    started = Date.now();
    expect((await call(sb, "GET", "/status")).status).toBe(502);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    started = Date.now();
    expect((await call(sb, "GET", "/status")).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(140);
  });
});

describe("fault scope", () => {
  it("a path prefix limits the fault to matching paths, and #count to the next n of them", async () => {
    sb.addFault({ kind: "status", value: 500, path: "/auth/login", count: 2 });
    expect((await call(sb, "GET", "/status")).status).toBe(200);
    const login = () => call(sb, "POST", "/auth/login", { json: { username: "pat.sample", password: "x" } });
    expect((await login()).status).toBe(500);
    expect((await login()).status).toBe(500);
    expect((await login()).status).toBe(401);
  });

  it("faults never touch the control surface", async () => {
    sb.addFault({ kind: "reset" });
    expect((await control(sb, "GET", "/members")).status).toBe(200);
    expect((await control(sb, "DELETE", "/faults")).status).toBe(204);
    expect((await call(sb, "GET", "/status")).status).toBe(200);
  });

  it("faults posted to the control surface apply, including `maintenance:120@/status#1`", async () => {
    expect((await control(sb, "POST", "/faults", { spec: "maintenance:120@/status#1" })).status).toBe(201);
    const res = await call(sb, "GET", "/status");
    expect([res.status, res.headers.get("retry-after")]).toEqual([503, "120"]);
    expect((await call(sb, "GET", "/status")).status).toBe(200);
  });

  it("initial faults from the options apply from the first request", async () => {
    const other = await startSandbox({ faults: [{ kind: "status", value: 503, path: "/status" }] });
    try {
      expect((await fetch(`${other.baseUrl}/status`)).status).toBe(503);
      other.clearFaults();
      expect((await fetch(`${other.baseUrl}/status`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe("close", () => {
  it("closes promptly with hung, keep-alive and latency-delayed connections open", async () => {
    const other = await startSandbox({ faults: [{ kind: "hang", path: "/me" }] });
    await fetch(`${other.baseUrl}/status`); // leaves a keep-alive socket
    const hung = fetch(`${other.baseUrl}/me`).catch((err: unknown) => err);
    other.addFault({ kind: "latency", value: 60_000, path: "/orders" });
    const slow = fetch(`${other.baseUrl}/orders`).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(TypeError);
    expect(await slow).toBeInstanceOf(TypeError);
  });
});
