// The hand-written checks of rxportal's state files and kept sessions against the zod schemas they
// replaced (written out here as the specification), on generated files: valid ones, the same with
// random breakages, `__proto__` and `constructor` keys, and arbitrary JSON. Both must accept the
// same files and give the same value, key order included.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { cases as scaled } from "../../test/helpers/cases.js";
import { exact, withBreakages } from "../../test/helpers/json-breakage.js";
import { CodeRefusalSchema, CodeRefusalsFileSchema } from "../auth/code-record.js";
import { keptProfilesCheck, signedOutCheck } from "../auth/kept.js";
import { GuardEntrySchema, GuardFileSchema, LegacyGuardFileSchema } from "../auth/lockout-guard.js";
import { UsersFileSchema } from "../auth/users.js";
import { StoredSessionSchema, serializeSession } from "../credentials/store.js";
import "../zod-messages.js";
import type { Schema } from "./json-store.js";

// ---------------------------------------------------------------------------------------------
// The zod schemas these files were read with, as they were
// ---------------------------------------------------------------------------------------------

const zodRecord = z.record(z.string(), z.unknown());
const zodGuardEntry = z.object({
  failures: z.number(),
  attemptsRemaining: z.optional(z.number()),
  lastFailureAt: z.optional(z.string()),
  lockedUntil: z.optional(z.string()),
});
const zodCodeRefusal = z.object({
  at: z.string(),
  problem: z.string(),
  resentAt: z.optional(z.string()),
  firstSentAt: z.string(),
  requestId: z.optional(z.string()),
});
const spec = {
  users: z.pipe(
    zodRecord,
    z.transform((data: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(data).filter((entry) => typeof entry[1] === "string")),
    ),
  ),
  keptProfiles: z.pipe(
    z.array(z.unknown()),
    z.transform((names: unknown[]) => names.filter((p) => typeof p === "string")),
  ),
  signedOut: zodRecord,
  guardEntry: zodGuardEntry,
  guardFile: z.extend(zodGuardEntry, { key: z.optional(z.string()), cleared: z.optional(z.boolean()) }),
  legacyGuard: zodRecord,
  codeRefusal: zodCodeRefusal,
  codeRefusals: z.pipe(
    zodRecord,
    z.transform((data: Record<string, unknown>) => {
      const kept: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(data)) {
        const entry = zodCodeRefusal.safeParse(value);
        if (entry.success) kept[key] = entry.data;
      }
      return kept;
    }),
  ),
  session: z.object({
    accessToken: z.string().check(z.minLength(1)),
    refreshToken: z.optional(z.string().check(z.minLength(1))),
    expiresAt: z.iso.datetime({ offset: true }),
    memberId: z.optional(z.string()),
    name: z.optional(z.string()),
    subject: z.optional(z.string()),
  }),
};

// ---------------------------------------------------------------------------------------------
// Files as they are written, and as a hand, a crash or another version may leave them
// ---------------------------------------------------------------------------------------------

const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "pat\u0000pat.sample", ""),
  },
);
const text = fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom("", "2026-12-03T10:00:00.000Z"));
const time = fc
  .date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) })
  .map((d) => d.toISOString());
/** An object with these fields, each but the `always` ones left out now and then, and extra keys. */
const objectOf = (shape: Record<string, fc.Arbitrary<unknown>>, always: string[] = []) =>
  fc
    .tuple(
      fc.record(shape, { requiredKeys: always }),
      fc.oneof(fc.constant({}), fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })),
      fc.boolean(),
    )
    .map(([fields, extra, extraFirst]) => (extraFirst ? { ...extra, ...fields } : { ...fields, ...extra }));
const recordOfValues = (value: fc.Arbitrary<unknown>) =>
  fc.array(fc.tuple(key, value), { maxLength: 5 }).map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries)
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true });
    return out;
  });
const guardEntry = objectOf({
  failures: fc.oneof(fc.nat({ max: 9 }), fc.double({ noNaN: true })),
  attemptsRemaining: fc.nat({ max: 9 }),
  lastFailureAt: time,
  lockedUntil: time,
});
const codeRefusal = objectOf({
  at: time,
  problem: fc.constantFrom("invalid_code", "challenge_expired"),
  resentAt: time,
  firstSentAt: time,
  requestId: fc.uuid(),
});
const token = fc.string({ minLength: 1, maxLength: 40 });
const session = objectOf(
  {
    accessToken: fc.oneof(token, token, token, fc.constant("")),
    refreshToken: fc.oneof(token, token, token, fc.constant("")),
    expiresAt: fc.oneof(
      time,
      time,
      time,
      fc.constantFrom("2026-12-03 10:00:00Z", "2026-02-30T00:00:00Z", "2026-12-03T10:00Z"),
    ),
    memberId: text,
    name: text,
    subject: text,
  },
  ["accessToken", "expiresAt"],
);

const cases: Array<[name: string, check: Schema<unknown>, zod: z.ZodMiniType, valid: fc.Arbitrary<unknown>]> =
  [
    [
      "users.json",
      UsersFileSchema,
      spec.users,
      recordOfValues(fc.oneof(text, fc.jsonValue({ maxDepth: 1 }))),
    ],
    [
      "kept-profiles.json",
      keptProfilesCheck,
      spec.keptProfiles,
      fc.array(fc.oneof(text, fc.integer()), { maxLength: 5 }),
    ],
    ["signed-out.json", signedOutCheck, spec.signedOut, recordOfValues(time)],
    ["a lockout-guard entry", GuardEntrySchema, spec.guardEntry, guardEntry],
    [
      "a lockout-guard file",
      GuardFileSchema,
      spec.guardFile,
      fc
        .tuple(guardEntry, objectOf({ key: text, cleared: fc.boolean() }))
        .map(([entry, more]) => ({ ...entry, ...more })),
    ],
    ["lockout-guard.json (before 0.1)", LegacyGuardFileSchema, spec.legacyGuard, recordOfValues(guardEntry)],
    ["a code refusal", CodeRefusalSchema, spec.codeRefusal, codeRefusal],
    ["code-refusals.json", CodeRefusalsFileSchema, spec.codeRefusals, recordOfValues(codeRefusal)],
    ["a kept session", StoredSessionSchema, spec.session, session],
  ];

const RUNS = scaled(500);
let total = 0;
afterAll(() => console.log(`state file checks: ${total} generated files`));

describe("hand-written state checks", () => {
  it.each(cases)("%s: accepted and read as its zod schema did", (_name, check, zod, valid) => {
    let accepted = 0;
    fc.assert(
      fc.property(withBreakages(valid), (json) => {
        const ours = check.safeParse(json);
        const theirs = zod.safeParse(json);
        expect(ours.success, exact(json)).toBe(theirs.success);
        if (ours.success && theirs.success) {
          accepted++;
          expect(exact(ours.data)).toBe(exact(theirs.data));
          // A `__proto__` key never becomes the read value's prototype.
          if (typeof ours.data === "object" && ours.data !== null)
            expect(Object.getPrototypeOf(ours.data)).toBe(Object.getPrototypeOf(theirs.data));
          // A copy, as zod's is: changing what a store read never changes what it was given.
          if (typeof json === "object" && json !== null) expect(ours.data).not.toBe(json);
        }
      }),
      { numRuns: RUNS },
    );
    total += RUNS;
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(RUNS - accepted).toBeGreaterThan(RUNS / 10);
  });

  it("a session built in code may hold undefined for what it lacks, and an invalid one names only its fields", () => {
    const expiresAt = "2026-12-03T10:00:00.000Z";
    expect(serializeSession({ accessToken: "a", refreshToken: undefined, expiresAt })).toBe(
      JSON.stringify({ accessToken: "a", expiresAt }),
    );
    const bad = { accessToken: "", expiresAt: "soon", name: "Pat", refreshToken: "secret-token" };
    expect(() => serializeSession(bad as never)).toThrow(
      "Refusing to store an invalid session (bad accessToken, expiresAt).",
    );
    expect(() => serializeSession(bad as never)).not.toThrow(/secret-token|soon/);
  });
});
