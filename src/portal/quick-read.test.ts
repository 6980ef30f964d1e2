// The quick readers against the contract's reading schemas, on generated answers: every form the
// prose allows (test/contract/arbitraries.ts, written from the contract), the same answers with a
// few random breakages, and arbitrary JSON. For each answer both ways must agree: the quick reader
// takes it exactly when the schema reads it with no problem, and then returns the same value, key
// order and keys holding undefined included.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import * as a from "../../test/contract/arbitraries.js";
import { cases as scaled } from "../../test/helpers/cases.js";
import { exact, withBreakages } from "../../test/helpers/json-breakage.js";
import { operations } from "./contract.js";
import { quicklyRead, quickRead } from "./quick-read.js";

type Json = Record<string, unknown>;

function readingSchema(operation: string): z.ZodMiniType {
  const op = operations.find((o) => o.id === operation);
  const ok = Object.entries(op?.responses ?? {}).find(([status]) => Number(status) < 300)?.[1];
  if (!ok?.schema) throw new Error(`no success schema for ${operation}`);
  return ok.schema;
}

/** Whether a reading holds item problems anywhere (an order's own unusable items sit on the order). */
function hasProblems(data: unknown): boolean {
  if (Array.isArray(data)) return data.some(hasProblems);
  if (data === null || typeof data !== "object") return false;
  return Object.entries(data).some(([key, value]) =>
    key === "problems" ? Array.isArray(value) && value.length > 0 : hasProblems(value),
  );
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

const RUNS = scaled(600);
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
      fc.property(withBreakages(valid), (json) => {
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

  it("covers every operation that has a quick reader", () => {
    expect(cases.map(([operation]) => operation).sort()).toEqual([...quicklyRead].sort());
  });

  it("has no reader for an operation without one, and none for inherited names", () => {
    expect(quickRead("getIdCard", { memberId: "x" })).toBeUndefined();
    expect(quickRead("toString", {})).toBeUndefined();
    expect(quickRead("__proto__", {})).toBeUndefined();
  });
});
