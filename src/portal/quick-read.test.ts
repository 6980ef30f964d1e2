// The quick readers against the contract's reading schemas, on generated answers: every form the
// prose allows (test/contract/arbitraries.ts, written from the contract), the same answers with a
// few random breakages, and arbitrary JSON. For each answer both ways must agree: the quick reader
// takes it exactly when the schema reads it with no problem, and then returns the same value, key
// order and keys holding undefined included.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import * as a from "../../test/contract/arbitraries.js";
import { operations } from "./contract.js";
import { quickRead } from "./quick-read.js";
import { isIsoDate } from "./read-values.js";

type Json = Record<string, unknown>;

function readingSchema(operation: string): z.ZodMiniType {
  const op = operations.find((o) => o.id === operation);
  const ok = Object.entries(op?.responses ?? {}).find(([status]) => Number(status) < 300)?.[1];
  if (!ok?.schema) throw new Error(`no success schema for ${operation}`);
  return ok.schema;
}

/** The value as text that keeps key order and tells a key holding undefined from a missing one. */
const exact = (value: unknown) => JSON.stringify(value, (_k, v) => (v === undefined ? "<undefined>" : v));

/** Whether a reading holds item problems anywhere (an order's own unusable items sit on the order). */
function hasProblems(data: unknown): boolean {
  if (Array.isArray(data)) return data.some(hasProblems);
  if (data === null || typeof data !== "object") return false;
  return Object.entries(data).some(([key, value]) =>
    key === "problems" ? Array.isArray(value) && value.length > 0 : hasProblems(value),
  );
}

/** Every place in a JSON value, as a path of keys. */
function places(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) places(v, [...path, i], out);
  } else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) places(v, [...path, k], out);
  return out;
}

type Breakage = { at: number; how: "delete" | "null" | "replace" | "wrap"; with: unknown };

/** The value with each breakage applied at one of its places (chosen by `at`). */
function broken(value: unknown, breakages: Breakage[]): unknown {
  let out: unknown = structuredClone(value);
  for (const b of breakages) {
    const all = places(out);
    const path = all[b.at % all.length] as (string | number)[];
    const replacement = b.how === "null" ? null : b.how === "wrap" ? [get(out, path)] : b.with;
    if (path.length === 0) {
      out = b.how === "delete" ? undefined : replacement;
      continue;
    }
    const parent = get(out, path.slice(0, -1)) as Record<string | number, unknown>;
    const key = path[path.length - 1] as string | number;
    if (b.how === "delete" && !Array.isArray(parent)) delete parent[key];
    else parent[key] = replacement;
  }
  return out;
}

function get(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
}

const breakages = fc.array(
  fc.record({
    at: fc.nat(),
    how: fc.constantFrom("delete", "null", "replace", "wrap"),
    with: fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom("", -1, 1.5, 2 ** 53, "2026-02-30", "12", " 7 ", "2026-13-01T00:00:00Z", {}),
    ),
  }),
  { minLength: 1, maxLength: 3 },
);

/**
 * Answers as a portal may send them, some broken, now and then anything at all; each as the client
 * has it, out of JSON.parse (plain objects, no undefined).
 */
function answers(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .oneof(
      { weight: 5, arbitrary: valid },
      { weight: 4, arbitrary: fc.tuple(valid, breakages).map(([v, b]) => broken(v, b)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    )
    .map((value) => (value === undefined ? value : JSON.parse(JSON.stringify(value))));
}

/** A name a portal may add outside the contract: text, an object with a name, or something else. */
const extraName = () =>
  a.optional(
    fc.oneof(
      a.text(),
      a.object({ name: fc.oneof(a.text(), fc.constant(7)) }),
      fc.constantFrom(null, 3, [], "  "),
    ),
  );

const prescription = () =>
  fc.tuple(a.prescription(), extraName(), extraName()).map(([p, prescriber, pharmacy]) => ({
    ...p,
    ...(typeof prescriber === "symbol" ? {} : { prescriber }),
    ...(typeof pharmacy === "symbol" ? {} : { pharmacy }),
  }));

const policy = () =>
  a.object({
    lockout: a.object({
      maxAttempts: fc.oneof(
        fc.integer({ min: 1, max: 10 }),
        fc.constantFrom(0, 2.5, Number.MAX_SAFE_INTEGER),
      ),
      lockMinutes: fc.oneof(fc.double({ min: 0, max: 120, noNaN: true }), fc.constant(-1)),
    }),
    password: a.object({
      minLength: fc.integer({ min: 0, max: 64 }),
      maxLength: fc.integer({ min: 1, max: 256 }),
      requireClasses: fc.array(a.openEnum(["lower", "upper", "digit", "symbol"]), { maxLength: 4 }),
      minClasses: fc.integer({ min: 0, max: 4 }),
      disallowUsername: fc.boolean(),
    }),
    resetCode: a.object({
      length: fc.integer({ min: 1, max: 12 }),
      ttlMinutes: fc.double({ min: 0, max: 60, noNaN: true }),
    }),
    mfa: a.object({ channels: fc.array(a.openEnum(["sms", "email", "totp"]), { maxLength: 3 }) }),
  });

const refresh = () => a.loginOk().map(({ member: _member, ...tokens }) => tokens as Json);

const items = (item: fc.Arbitrary<Json>, idKey: string) =>
  fc.oneof(
    fc.array(item, { maxLength: 5 }).map((list) => ({ items: list })),
    a.listWith(item, idKey, { maxLength: 5 }).map(({ items: list }) => ({ items: list })),
  );

const cases: Array<[operation: string, valid: fc.Arbitrary<unknown>]> = [
  ["getStatus", a.status()],
  ["getAuthPolicy", policy()],
  ["login", fc.oneof(a.loginOk(), a.mfaRequired())],
  ["verifyMfa", a.loginOk()],
  ["refreshToken", refresh()],
  ["getMe", a.me()],
  ["listPrescriptions", items(prescription(), "rxId")],
  ["listOrders", items(a.order(), "orderId")],
  ["getOrder", a.order()],
];

const RUNS = 600;
const tally = { answers: 0, quick: 0, declined: 0 };
afterAll(() => {
  console.log(
    `quick readers: ${tally.answers} generated answers, ${tally.quick} read quickly, ${tally.declined} left to the schema`,
  );
});

describe("quick readers", () => {
  it.each(cases)("%s: taken exactly when the schema reads it cleanly, and read alike", (operation, valid) => {
    const schema = readingSchema(operation);
    let quick = 0;
    let declined = 0;
    fc.assert(
      fc.property(answers(valid), (json) => {
        const input = exact(json);
        const read = quickRead(operation, json);
        expect(exact(json), "a quick reader never changes the answer").toBe(input);
        const parsed = schema.safeParse(json);
        const clean = parsed.success && !hasProblems(parsed.data);
        expect(read !== undefined, exact(json)).toBe(clean);
        if (read) {
          quick++;
          expect(exact(read.data)).toBe(exact(parsed.data));
          expect(read.data).toStrictEqual(parsed.data);
        } else declined++;
      }),
      { numRuns: RUNS },
    );
    tally.answers += RUNS;
    tally.quick += quick;
    tally.declined += declined;
    // Both sides of the property were reached: answers taken quickly and answers left to zod.
    expect(quick).toBeGreaterThan(RUNS / 10);
    expect(declined).toBeGreaterThan(RUNS / 10);
  });

  it("has no reader for an operation without one, and none for inherited names", () => {
    expect(quickRead("getIdCard", { memberId: "x" })).toBeUndefined();
    expect(quickRead("toString", {})).toBeUndefined();
    expect(quickRead("__proto__", {})).toBeUndefined();
  });
});

describe("isIsoDate", () => {
  const zodDate = z.iso.date();
  const pad = (n: number, width: number) => String(n).padStart(width, "0");

  it("agrees with zod's z.iso.date() on dates that exist and dates that do not", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .tuple(
              fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1900, 2000, 2024, 2100, 2400)),
              fc.integer({ min: 0, max: 13 }),
              fc.integer({ min: 0, max: 32 }),
            )
            .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
          fc.stringMatching(/^\d{1,5}-\d{1,3}-\d{1,3}$/),
          fc.string({ maxLength: 12 }),
          fc.constantFrom("２０２６-01-01", "2026-01-01\n", " 2026-01-01", "2026-1-01", "+2026-01-01"),
        ),
        (text) => {
          expect(isIsoDate(text), text).toBe(zodDate.safeParse(text).success);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
