// Quick readers for the answers portal commands read on every run (status, the policy, sign-in, the
// member, prescriptions, orders), written as plain code so that a run whose answers are in order
// builds no zod schema. The contract's reading schemas (./schemas.ts) stay the specification:
// - a quick reader takes only an answer the schema would read with no problem at all (every field
//   valid, every list item usable); anything else, even a single odd item, makes it decline, and
//   the client reads that answer with the schema, which words the problems and the refusals;
// - what a quick reader returns is what the schema would return, key order included:
//   quick-read.test.ts holds the two equal on generated answers, lenient forms and broken ones;
// - the values are read by the functions the schemas call too (./read-values.ts).
import { isIsoDate } from "../dates.js";
import { isPlainObject } from "../state/shapes.js";
import { COUNT_TEXT, readTimestamp, safeText } from "./read-values.js";

type Obj = Record<string, unknown>;

/** Thrown inside a reader to decline; never leaves this module. */
const DECLINE = Symbol("decline");

function obj(value: unknown): Obj {
  if (!isPlainObject(value)) throw DECLINE;
  return value;
}

function str(value: unknown): string {
  if (typeof value !== "string") throw DECLINE;
  return value;
}

/** A string of at least one character (ids, tokens, challenge ids). */
function nonEmpty(value: unknown): string {
  const s = str(value);
  if (s.length === 0) throw DECLINE;
  return s;
}

/** Free text and open enums, made terminal-safe. */
function text(value: unknown): string {
  return safeText(str(value));
}

function bool(value: unknown): boolean {
  if (typeof value !== "boolean") throw DECLINE;
  return value;
}

function int(value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) throw DECLINE;
  return value as number;
}

function num(value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) throw DECLINE;
  return value;
}

/** A count: a number >= 0, or such a number as a string. */
function count(value: unknown): number {
  if (typeof value === "number") return num(value, 0);
  if (typeof value === "string" && COUNT_TEXT.test(value)) return Number(value);
  throw DECLINE;
}

function time(value: unknown): string {
  const read = readTimestamp(str(value));
  if (read === undefined) throw DECLINE;
  return read;
}

function date(value: unknown): string {
  const s = str(value);
  if (!isIsoDate(s)) throw DECLINE;
  return s;
}

function array<T>(value: unknown, item: (value: unknown) => T): T[] {
  if (!Array.isArray(value)) throw DECLINE;
  return value.map((v) => item(v));
}

/**
 * An optional field (absent, or null read as absent) copied onto `out`, as the schema's
 * `optional()` does: absent stays absent, null becomes a key holding undefined.
 */
function optional<T>(out: Obj, from: Obj, key: string, read: (value: unknown) => T): void {
  if (!(key in from)) return;
  const value = from[key];
  out[key] = value === null ? undefined : read(value);
}

/** A name outside the contract (prescriber, pharmacy): text, or an object's `name`; else absent. */
function nameText(value: unknown): string | undefined {
  const name = typeof value === "object" && value !== null ? (value as { name?: unknown }).name : value;
  return typeof name === "string" && name.trim() !== "" ? safeText(name) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The answers, each built in its schema's key order
// ---------------------------------------------------------------------------------------------

function status(value: unknown): Obj {
  const o = obj(value);
  const out: Obj = { status: text(o.status) };
  optional(out, o, "message", text);
  optional(out, o, "maintenance", (m) => {
    const window = obj(m);
    const read: Obj = { start: time(window.start), end: time(window.end) };
    optional(read, window, "message", text);
    return read;
  });
  const apps = obj(o.apps);
  const versions = (v: unknown) => {
    const app = obj(v);
    return { minimum: text(app.minimum), latest: text(app.latest) };
  };
  out.apps = { ios: versions(apps.ios), android: versions(apps.android) };
  out.serverTime = time(o.serverTime);
  // Last, as the schema's transform puts it.
  out.components = array(o.components, (c) => {
    const component = obj(c);
    return { name: text(component.name), status: text(component.status) };
  });
  return out;
}

function authPolicy(value: unknown): Obj {
  const o = obj(value);
  const lockout = obj(o.lockout);
  const password = obj(o.password);
  const resetCode = obj(o.resetCode);
  const mfa = obj(o.mfa);
  return {
    lockout: { maxAttempts: int(lockout.maxAttempts, 1), lockMinutes: num(lockout.lockMinutes, 0) },
    password: {
      minLength: int(password.minLength, 0),
      maxLength: int(password.maxLength, 1),
      requireClasses: array(password.requireClasses, text),
      minClasses: int(password.minClasses, 0),
      disallowUsername: bool(password.disallowUsername),
    },
    resetCode: { length: int(resetCode.length, 1), ttlMinutes: num(resetCode.ttlMinutes, 0) },
    mfa: { channels: array(mfa.channels, text) },
  };
}

/** The tokens of a sign-in or a refresh: `result: "ok"`, then the fields of both. */
function tokens(o: Obj): Obj {
  if (o.result !== "ok") throw DECLINE;
  const out: Obj = { result: "ok", accessToken: nonEmpty(o.accessToken) };
  optional(out, o, "refreshToken", nonEmpty);
  out.expiresIn = count(o.expiresIn);
  return out;
}

function loginOk(value: unknown): Obj {
  const o = obj(value);
  const out = tokens(o);
  const member = obj(o.member);
  out.member = { memberId: nonEmpty(member.memberId), name: text(member.name) };
  return out;
}

function loginResponse(value: unknown): Obj {
  const o = obj(value);
  if (o.result === "ok") return loginOk(o);
  if (o.result !== "mfa_required") throw DECLINE;
  return {
    result: "mfa_required",
    challengeId: nonEmpty(o.challengeId),
    channel: text(o.channel),
    destinationHint: text(o.destinationHint),
    expiresIn: count(o.expiresIn),
  };
}

function me(value: unknown): Obj {
  const o = obj(value);
  return {
    memberId: nonEmpty(o.memberId),
    name: text(o.name),
    dateOfBirth: date(o.dateOfBirth),
    enrolleeType: text(o.enrolleeType),
    recoveryEmailHint: text(o.recoveryEmailHint),
    phoneHint: text(o.phoneHint),
    dependents: array(o.dependents, (d) => {
      const dependent = obj(d);
      return {
        memberId: nonEmpty(dependent.memberId),
        name: text(dependent.name),
        relationship: text(dependent.relationship),
      };
    }),
  };
}

function prescription(value: unknown): Obj {
  const o = obj(value);
  const out: Obj = {
    rxId: nonEmpty(o.rxId),
    memberId: str(o.memberId),
    drug: text(o.drug),
    strength: text(o.strength),
    quantity: count(o.quantity),
    daysSupply: count(o.daysSupply),
    refillsRemaining: count(o.refillsRemaining),
  };
  optional(out, o, "lastFilled", date);
  optional(out, o, "nextEligibleDate", date);
  out.autoRefill = bool(o.autoRefill);
  out.status = text(o.status);
  if ("prescriber" in o) out.prescriber = nameText(o.prescriber);
  if ("pharmacy" in o) out.pharmacy = nameText(o.pharmacy);
  return out;
}

function order(value: unknown): Obj {
  const o = obj(value);
  const out: Obj = { orderId: nonEmpty(o.orderId), memberId: str(o.memberId), status: text(o.status) };
  out.createdAt = time(o.createdAt);
  out.updatedAt = time(o.updatedAt);
  optional(out, o, "tracking", (t) => {
    const tracking = obj(t);
    const read: Obj = { carrier: text(tracking.carrier), number: text(tracking.number) };
    optional(read, tracking, "url", text);
    return read;
  });
  // Last, as the schema's transform puts it.
  out.items = array(o.items, (i) => {
    const item = obj(i);
    return { rxId: nonEmpty(item.rxId), drug: text(item.drug) };
  });
  return out;
}

/** A list answer: every item usable, so no problems. */
function listOf(item: (value: unknown) => Obj) {
  return (value: unknown) => ({ items: array(obj(value).items, item), problems: [] });
}

/** By operation id (./operations.ts). */
const readers: Record<string, (value: unknown) => unknown> = {
  getStatus: status,
  getAuthPolicy: authPolicy,
  login: loginResponse,
  verifyMfa: loginOk,
  refreshToken: (value) => tokens(obj(value)),
  getMe: me,
  listPrescriptions: listOf(prescription),
  listOrders: listOf(order),
  getOrder: order,
};

/** The operations whose success answers have a quick reader. */
export const quicklyRead: readonly string[] = Object.keys(readers);

/**
 * A success answer's JSON read without zod: `{ data }` when the answer is in order, undefined when
 * the operation has no quick reader or the answer needs its schema.
 */
export function quickRead(operation: string, json: unknown): { data: unknown } | undefined {
  if (!Object.hasOwn(readers, operation)) return undefined;
  const read = readers[operation] as (value: unknown) => unknown;
  try {
    return { data: read(json) };
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}
