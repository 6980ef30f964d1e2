// Fault injection: the sandbox misbehaves on purpose so the client's error classification and the
// doctor's outage branches can be exercised against real sockets, not mocks.
import { UsageError } from "../errors.js";

export const FAULT_KINDS = [
  "latency",
  "status",
  "maintenance",
  "malformed",
  "truncated",
  "reset",
  "hang",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultSpec = {
  kind: FaultKind;
  /** latency: milliseconds; status: HTTP status; maintenance: Retry-After seconds. */
  value?: number;
  /** Prefix of the path relative to /api/v1, e.g. "/auth/login". Absent: every portal path. */
  path?: string;
  /** Only the next `count` matching requests; absent: until cleared. */
  count?: number;
};

export const DEFAULT_LATENCY_MS = 1000;
export const DEFAULT_MAINTENANCE_RETRY_AFTER = 300;
const MAX_LATENCY_MS = 600_000;

const GRAMMAR = "kind[:value][@pathPrefix][#count]";

/** Parses `kind[:value][@pathPrefix][#count]`, e.g. `status:500@/auth/login#2`. */
export function parseFaultSpec(spec: string): FaultSpec {
  const text = spec.trim();
  const fail = (why: string): never => {
    throw new UsageError(
      `Invalid fault "${spec}": ${why} (expected ${GRAMMAR}, e.g. status:503@/auth/login#1).`,
    );
  };
  const match = /^([a-z]+)(?::([^@#]*))?(?:@([^#]*))?(?:#(.*))?$/.exec(text);
  if (!match) return fail("not in the fault syntax");
  const [, kindText = "", valueText, pathText, countText] = match;
  if (!(FAULT_KINDS as readonly string[]).includes(kindText)) {
    return fail(`unknown kind "${kindText}"; use one of ${FAULT_KINDS.join(", ")}`);
  }
  const kind = kindText as FaultKind;
  const fault: FaultSpec = { kind };

  const integer = (raw: string, what: string, min: number, max: number): number => {
    if (!/^\d+$/.test(raw)) return fail(`${what} must be a whole number, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) return fail(`${what} must be between ${min} and ${max}, got ${n}`);
    return n;
  };

  if (valueText !== undefined) {
    switch (kind) {
      case "latency":
        fault.value = integer(valueText, "latency milliseconds", 0, MAX_LATENCY_MS);
        break;
      case "status":
        fault.value = integer(valueText, "status", 400, 599);
        break;
      case "maintenance":
        fault.value = integer(valueText, "maintenance Retry-After seconds", 1, 86_400);
        break;
      default:
        return fail(`"${kind}" takes no value`);
    }
  } else if (kind === "status") {
    return fail("status needs a value, e.g. status:503");
  }

  if (pathText !== undefined) {
    if (!/^\/[^\s?#]*$/.test(pathText)) return fail(`path prefix must start with "/" and hold no spaces`);
    if (pathText.startsWith("/api/v1") || pathText.startsWith("/_sandbox")) {
      return fail("path prefix is relative to /api/v1 (write /auth/login, not /api/v1/auth/login)");
    }
    fault.path = pathText;
  }
  if (countText !== undefined) fault.count = integer(countText, "count", 1, 1_000_000);
  return fault;
}

/** The spec text back from a fault, for listings and logs. */
export function formatFaultSpec(fault: FaultSpec): string {
  let text = fault.kind;
  if (fault.value !== undefined) text += `:${fault.value}`;
  if (fault.path !== undefined) text += `@${fault.path}`;
  if (fault.count !== undefined) text += `#${fault.count}`;
  return text;
}

/** What to do to one request: wait, then either misbehave (`fault`) or answer normally. */
export interface FaultDecision {
  latencyMs: number;
  fault?: FaultSpec;
}

/** The active faults, consumed request by request. */
export class FaultList {
  private faults: FaultSpec[] = [];

  add(fault: FaultSpec): void {
    this.faults.push({ ...fault });
  }
  clear(): void {
    this.faults = [];
  }
  list(): FaultSpec[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * Decides the faults for a request to `pathname` (the full path, e.g. /api/v1/status). Latency
   * stacks with everything; of the other kinds the earliest added wins. Only the faults actually
   * applied use up their count, so a `#1` fault hidden behind another one is kept for later.
   */
  take(pathname: string): FaultDecision {
    if (pathname === "/_sandbox" || pathname.startsWith("/_sandbox/")) return { latencyMs: 0 };
    const relative =
      pathname === "/api/v1" || pathname.startsWith("/api/v1/") ? pathname.slice(7) || "/" : null;
    const decision: FaultDecision = { latencyMs: 0 };
    for (const fault of this.faults) {
      if (fault.path !== undefined && (relative === null || !relative.startsWith(fault.path))) continue;
      if (fault.kind === "latency") {
        decision.latencyMs += fault.value ?? DEFAULT_LATENCY_MS;
      } else if (decision.fault === undefined) {
        decision.fault = { ...fault };
      } else {
        continue;
      }
      if (fault.count !== undefined) fault.count -= 1;
    }
    this.faults = this.faults.filter((f) => f.count === undefined || f.count > 0);
    return decision;
  }
}
