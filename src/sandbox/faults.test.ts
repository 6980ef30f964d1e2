import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { FaultList, formatFaultSpec, parseFaultSpec } from "./faults.js";

describe("parseFaultSpec", () => {
  it.each([
    ["latency:300", { kind: "latency", value: 300 }],
    ["latency", { kind: "latency" }],
    ["status:500@/auth/login", { kind: "status", value: 500, path: "/auth/login" }],
    ["maintenance:120", { kind: "maintenance", value: 120 }],
    ["maintenance:120@/status#1", { kind: "maintenance", value: 120, path: "/status", count: 1 }],
    ["malformed@/status", { kind: "malformed", path: "/status" }],
    ["truncated", { kind: "truncated" }],
    ["reset#3", { kind: "reset", count: 3 }],
    ["hang", { kind: "hang" }],
    ["status:429", { kind: "status", value: 429 }],
    [" status:503 ", { kind: "status", value: 503 }],
  ])("accepts %s", (spec, expected) => {
    expect(parseFaultSpec(spec)).toEqual(expected);
  });

  it.each([
    ["", /not in the fault syntax/],
    ["explode", /unknown kind "explode"/],
    ["status", /status needs a value/],
    ["status:200", /between 400 and 599/],
    ["status:abc", /whole number/],
    ["latency:-5", /whole number/],
    ["reset:5", /"reset" takes no value/],
    ["hang@status", /must start with "\/"/],
    ["hang@/api/v1/status", /relative to \/api\/v1/],
    ["hang#0", /count must be between 1/],
    ["hang#x", /whole number/],
    ["Latency:300", /not in the fault syntax/],
  ])("rejects %j with a one-line UsageError", (spec, message) => {
    let error: unknown;
    try {
      parseFaultSpec(spec);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).message).not.toContain("\n");
  });

  it("formats back to the same text", () => {
    for (const spec of ["latency:300", "status:500@/auth/login#2", "hang", "malformed@/status"]) {
      expect(formatFaultSpec(parseFaultSpec(spec))).toBe(spec);
    }
  });
});

describe("FaultList.take", () => {
  it("matches path prefixes relative to /api/v1 and skips other paths", () => {
    const list = new FaultList();
    list.add({ kind: "reset", path: "/auth" });
    expect(list.take("/api/v1/status").fault).toBeUndefined();
    expect(list.take("/api/v1/auth/login").fault?.kind).toBe("reset");
    expect(list.take("/elsewhere").fault).toBeUndefined();
  });

  it("never applies to /_sandbox", () => {
    const list = new FaultList();
    list.add({ kind: "hang" });
    expect(list.take("/_sandbox/outbox")).toEqual({ latencyMs: 0 });
    expect(list.take("/api/v1/status").fault?.kind).toBe("hang");
  });

  it("sums latencies, picks the earliest other fault, and spends only the faults it applied", () => {
    const list = new FaultList();
    list.add({ kind: "latency", value: 100 });
    list.add({ kind: "status", value: 500, count: 1 });
    list.add({ kind: "latency", value: 50, count: 1 });
    list.add({ kind: "reset", count: 1 });
    expect(list.take("/api/v1/status")).toEqual({
      latencyMs: 150,
      fault: { kind: "status", value: 500, count: 1 },
    });
    expect(list.take("/api/v1/status")).toEqual({ latencyMs: 100, fault: { kind: "reset", count: 1 } });
    expect(list.take("/api/v1/status")).toEqual({ latencyMs: 100 });
    expect(list.list()).toEqual([{ kind: "latency", value: 100 }]);
  });
});
