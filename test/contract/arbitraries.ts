// fast-check arbitraries for portal answers in every form the contract's prose allows (and a few
// it does not, marked as such): derived field by field from the canonical schemas in
// src/portal/schemas.ts and the latitudes in docs/portal-api.md.
import fc from "fast-check";
import {
  ComponentNameSchema,
  EnrolleeTypeSchema,
  MfaChannelSchema,
  OrderStatusSchema,
  PrescriptionStatusSchema,
  ServiceStateSchema,
} from "../../src/portal/schemas.js";

type Json = Record<string, unknown>;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** Text as a portal may send it: ASCII, any unicode, control characters, now and then very long. */
export const text = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("\u001b[2J\u001b]0;owned\u0007", "Ünïcødé 名前 🙂", "\u202eevil", "a\r\nb"),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 500, maxLength: 3000 }) },
  );

/** An opaque id: any non-empty string. `argv`: one a person can type (what `orders show` takes). */
export const id = (opts: { argv?: boolean } = {}): fc.Arbitrary<string> => {
  const any = fc.oneof(
    fc.stringMatching(/^[A-Z]{2,4}-\d{1,8}$/),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }),
    fc.constantFrom("ORD/2026/7", "rx 42", "名前-1", "a%2Fb", "?x=1#y"),
    fc.string({ minLength: 100, maxLength: 600 }),
  );
  if (!opts.argv) return any.filter((s) => s.length > 0);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what a command line cannot carry.
  const control = /[\u0000-\u001f\u007f-\u009f]/;
  return any.filter(
    (s) => s.trim() !== "" && !control.test(s) && !/^(\.|%2e){1,2}$/i.test(s) && s.length <= 1024,
  );
};

/** Every RFC 3339 date-time form: T/t/space, Z/z/offsets (-00:00 too), fractions of any length, :60. */
export const timestamp = (): fc.Arbitrary<string> =>
  fc
    .record({
      date: calendarDate(),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 0, max: 59 }) },
        { weight: 1, arbitrary: fc.constant(60) },
      ),
      fraction: fc.oneof(fc.constant(""), fc.stringMatching(/^\.\d{1,12}$/)),
      sep: fc.constantFrom("T", "t", " "),
      zone: fc.oneof(
        fc.constantFrom("Z", "z", "-00:00", "+00:00"),
        fc
          .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
          .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
      ),
    })
    .map((t) => `${t.date}${t.sep}${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${t.fraction}${t.zone}`);

/** A calendar date that exists, yyyy-mm-dd, from year 0000 to 9999. */
export const calendarDate = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1900, max: 2100 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 9999 }) },
    )
    .chain((year) =>
      fc.integer({ min: 1, max: 12 }).chain((month) => {
        const d = new Date(0);
        d.setUTCFullYear(year, month, 0);
        return fc
          .integer({ min: 1, max: d.getUTCDate() })
          .map((day) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`);
      }),
    );

/** A count the prose gives no type for: a number >= 0, whole or not, or such a number as a string. */
export const count = (): fc.Arbitrary<number | string> =>
  fc.oneof(
    fc.nat({ max: 1000 }),
    fc.double({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true }),
    fc.nat({ max: 1000 }).map(String),
  );

/** An enum read openly: a value the contract names, or one a newer portal might send. */
export const openEnum = (known: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.constantFrom("on_hold", "", "UNKNOWN", "paused\u001b[31m") },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );

// ---------------------------------------------------------------------------------------------
// Objects: optional fields absent, null or present; extra fields anywhere
// ---------------------------------------------------------------------------------------------

const ABSENT = Symbol("absent");

/** An optional field: absent, null, or a value. */
export const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | typeof ABSENT> =>
  fc.oneof(fc.constant(ABSENT), fc.constant(null), arb);

/** Fields a newer portal may add; never a field the contract names for this object. */
const extras = (known: readonly string[]): fc.Arbitrary<Json> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc
        .dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
        .map((d) =>
          Object.fromEntries(Object.entries(d).filter(([k]) => !known.includes(k) && k !== "__proto__")),
        ),
    },
  );

/** An object with these fields (ABSENT ones left out) plus extra ones. */
export function object(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Json> {
  const known = Object.keys(shape);
  return fc.tuple(fc.record(shape), extras(known)).map(([fields, extra]) => {
    const out: Json = { ...extra };
    for (const [k, v] of Object.entries(fields)) if (v !== ABSENT) out[k] = v;
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

export const prescription = (): fc.Arbitrary<Json> =>
  object({
    rxId: id(),
    memberId: text(),
    drug: text(),
    strength: text(),
    quantity: count(),
    daysSupply: count(),
    refillsRemaining: count(),
    lastFilled: optional(calendarDate()),
    nextEligibleDate: optional(calendarDate()),
    autoRefill: fc.boolean(),
    status: openEnum(PrescriptionStatusSchema.options),
  });

const orderItem = () => object({ rxId: id(), drug: text() });

export const order = (orderId: fc.Arbitrary<string> = id()): fc.Arbitrary<Json> =>
  object({
    orderId,
    memberId: text(),
    status: openEnum(OrderStatusSchema.options),
    items: fc.array(orderItem(), { maxLength: 4 }),
    createdAt: timestamp(),
    updatedAt: timestamp(),
    tracking: optional(object({ carrier: text(), number: text(), url: optional(text()) })),
  });

export const me = (): fc.Arbitrary<Json> =>
  object({
    memberId: id(),
    name: text(),
    dateOfBirth: calendarDate(),
    enrolleeType: openEnum(EnrolleeTypeSchema.options),
    recoveryEmailHint: text(),
    phoneHint: text(),
    dependents: fc.array(object({ memberId: id(), name: text(), relationship: text() }), { maxLength: 3 }),
  });

export const idCard = (): fc.Arbitrary<Json> =>
  object({
    memberId: id(),
    name: text(),
    plan: text(),
    group: text(),
    bin: text(),
    pcn: text(),
    rxGroup: optional(text()),
    issuer: text(),
    effectiveDate: calendarDate(),
    helpPhone: text(),
  });

const versions = () => object({ minimum: text(), latest: text() });

export const status = (): fc.Arbitrary<Json> =>
  object({
    status: openEnum(ServiceStateSchema.options),
    message: optional(text()),
    components: fc.array(
      object({
        name: openEnum(ComponentNameSchema.options),
        status: openEnum(ServiceStateSchema.options),
      }),
      { maxLength: 8 },
    ),
    maintenance: optional(object({ start: timestamp(), end: timestamp(), message: optional(text()) })),
    apps: object({ ios: versions(), android: versions() }),
    // The clock-skew check reads serverTime: keep it near now so the note stays the exception.
    serverTime: timestamp(),
  });

const member = () => object({ memberId: id(), name: text() });
const token = () => fc.string({ minLength: 1, maxLength: 80 });

export const loginOk = (): fc.Arbitrary<Json> =>
  object({
    result: fc.constant("ok"),
    accessToken: token(),
    refreshToken: optional(token()),
    expiresIn: fc.oneof(
      fc.integer({ min: 60, max: 86_400 }),
      fc.integer({ min: 60, max: 86_400 }).map(String),
    ),
    member: member(),
  });

export const mfaRequired = (): fc.Arbitrary<Json> =>
  object({
    result: fc.constant("mfa_required"),
    challengeId: token(),
    channel: openEnum(MfaChannelSchema.options.filter((c) => c !== "totp")),
    destinationHint: text(),
    expiresIn: fc.integer({ min: 60, max: 3600 }),
  });

export const resetAccepted = (): fc.Arbitrary<Json> =>
  object({
    message: text(),
    channel: optional(openEnum(MfaChannelSchema.options)),
    destinationHint: optional(text()),
  });

// ---------------------------------------------------------------------------------------------
// Unusable items (outside the prose on purpose): one of these in a list must cost only itself
// ---------------------------------------------------------------------------------------------

/** An item no reading can use: not an object, or missing/breaking a field the contract requires. */
export const brokenItem = (idKey: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(null, 42, "item", [], true),
    fc.record({ [idKey]: id() }),
    fc.record({ [idKey]: fc.constant(7), status: fc.constant("active") }),
  );

/** A list with its usable items and unusable ones mixed in, and which positions are which. */
export function listWith(
  good: fc.Arbitrary<Json>,
  idKey: string,
  opts: { maxLength?: number } = {},
): fc.Arbitrary<{ items: unknown[]; good: Json[]; brokenAt: number[] }> {
  return fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: good.map((g) => ({ ok: true as const, v: g as unknown })) },
        {
          weight: 1,
          arbitrary: brokenItem(idKey).map((b) => ({ ok: false as const, v: b })),
        },
      ),
      { maxLength: opts.maxLength ?? 6 },
    )
    .map((entries) => ({
      items: entries.map((e) => e.v),
      good: entries.filter((e) => e.ok).map((e) => e.v as Json),
      brokenAt: entries.flatMap((e, i) => (e.ok ? [] : [i])),
    }));
}
