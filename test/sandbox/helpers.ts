// Shared helpers for the sandbox integration tests: plain fetch calls against the real server, and
// a contract checker that validates an answer against its row in src/portal/contract.ts.
import { expect } from "vitest";
import { canonicalSchemaOf } from "../../src/portal/canonical.js";
import { type ContractOperation, maintenanceAnyPath, operations } from "../../src/portal/contract.js";
import { quicklyRead, quickRead } from "../../src/portal/quick-read.js";
import { SANDBOX_PASSWORD } from "../../src/sandbox/seed.js";
import type { RunningSandbox } from "../../src/sandbox/server.js";

export const PASSWORD = SANDBOX_PASSWORD;

/**
 * A response body after expectContract validated it against the contract's schema. Kept loose on
 * purpose: tests read fields the schema already checked, and a narrower type per row would only
 * repeat the schemas.
 */
// biome-ignore lint/suspicious/noExplicitAny: validated by the contract schema before use.
export type Checked = any;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface CallOptions {
  json?: unknown;
  /** A raw body, sent as is (for malformed-JSON tests). */
  body?: string;
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One request to the portal API (`path` relative to /api/v1). */
export function call(
  sb: RunningSandbox,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let body: string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["Content-Type"] = "application/json";
  }
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  return fetch(sb.baseUrl + path, { method, headers, body, signal: opts.signal });
}

/** One request to the control surface (`path` relative to /_sandbox). */
export async function control(
  sb: RunningSandbox,
  method: string,
  path: string,
  json?: unknown,
): Promise<Response> {
  return fetch(`${sb.origin}/_sandbox${path}`, {
    method,
    headers: json === undefined ? {} : { "Content-Type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
}

/** Signs in a member without MFA and returns the tokens. */
export async function signIn(
  sb: RunningSandbox,
  username = "pat.sample",
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await call(sb, "POST", "/auth/login", { json: { username, password: PASSWORD } });
  const body = (await res.json()) as { result: string; accessToken: string; refreshToken: string };
  expect(res.status).toBe(200);
  expect(body.result).toBe("ok");
  return body;
}

/** The newest outbox code of a kind for a username. */
export function latestCode(sb: RunningSandbox, username: string, kind: "mfa" | "reset"): string {
  const messages = sb.outbox().filter((m) => m.to === username && m.kind === kind);
  const code = messages.at(-1)?.code;
  if (!code) throw new Error(`no ${kind} code in the outbox for ${username}`);
  return code;
}

export function operation(id: string): ContractOperation {
  const op = operations.find((o) => o.id === id);
  if (!op) throw new Error(`no operation ${id} in the contract`);
  return op;
}

export const ANY_PATH_503 = "* * 503";

/** Every (operation, status) of the contract, plus maintenance on any path. */
export function contractKeys(): Set<string> {
  const keys = new Set<string>([ANY_PATH_503]);
  for (const op of operations)
    for (const status of Object.keys(op.responses)) keys.add(`${op.method} ${op.path} ${status}`);
  return keys;
}

/**
 * Checks an answer against its contract row and records "METHOD path status" in `covered`: status
 * listed, X-Request-Id present, required headers present, Content-Type right, body valid for the
 * row's schema, and for problems a `code` the row names. Returns the parsed body.
 */
export async function expectContract(covered: Set<string>, opId: string, res: Response): Promise<Checked> {
  const op = operation(opId);
  const row = op.responses[res.status];
  const text = await res.text();
  expect(row, `${opId} answered ${res.status}, which its contract row does not list: ${text}`).toBeDefined();
  if (!row) return undefined;
  expect(res.headers.get("x-request-id")).toMatch(UUID);
  for (const header of row.headers ?? [])
    expect(res.headers.get(header), `${opId} ${res.status} ${header}`).toBeTruthy();
  let body: Checked;
  if (!row.schema) {
    expect(text).toBe("");
  } else {
    const contentType = res.headers.get("content-type") ?? "";
    expect(contentType).toMatch(row.codes ? /^application\/problem\+json\b/ : /^application\/json\b/);
    expect(contentType).toMatch(/charset=utf-8/);
    body = JSON.parse(text);
    const parsed = (canonicalSchemaOf(opId, res.status) ?? row.schema).safeParse(body);
    expect(parsed.success, `${opId} ${res.status} body: ${parsed.error?.message}`).toBe(true);
    if (quicklyRead.includes(opId) && res.status < 300) {
      // The client reads the sandbox's answers without building a schema (what `npm run bench` times).
      expect(quickRead(opId, body), `${opId} ${res.status}: the quick reader declined`).toEqual({
        data: row.schema.parse(body),
      });
    }
    if (row.codes) {
      expect(row.codes).toContain(body.code);
      expect(body.status).toBe(res.status);
      expect(typeof body.title).toBe("string");
      expect(typeof body.detail).toBe("string");
    }
  }
  covered.add(`${op.method} ${op.path} ${res.status}`);
  return body;
}

/** Checks a 503 maintenance answer on any path (maintenanceAnyPath) and records it. */
export async function expectMaintenance(covered: Set<string>, res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get("x-request-id")).toMatch(UUID);
  for (const header of maintenanceAnyPath.headers ?? []) expect(res.headers.get(header)).toMatch(/^\d+$/);
  const contentType = res.headers.get("content-type") ?? "";
  const text = await res.text();
  if (contentType.startsWith("text/html")) {
    expect(text).toMatch(/<html/i);
  } else {
    expect(contentType).toMatch(/^application\/problem\+json\b/);
    const body = JSON.parse(text);
    expect(maintenanceAnyPath.schema?.safeParse(body).success).toBe(true);
    expect(maintenanceAnyPath.codes).toContain(body.code);
  }
  covered.add(ANY_PATH_503);
}
