// The portal contract (docs/portal-api.md, version 1) as zod schemas: what rxportal accepts.
// - `*Schema` for answers: built from ./lenient.ts. The client reads every answer as these do
//   (./operations.ts names them per answer), so a portal that takes the latitudes the prose allows
//   (docs/portal-api.md, "Latitudes a portal may take") is still read; the common answers first
//   meet a quick reader (./quick-read.ts) that gives the same output without building them, and
//   quick-read.test.ts holds the two equal. Change a reading schema and its quick reader together.
// - What a portal should send, exactly, is in ./canonical.ts (`Canonical*Schema`): openapi.json is
//   generated from those and the sandbox's conformance tests hold the sandbox to them. They live
//   apart so that a portal command does not build them: it only reads.
// Building blocks (enums of known values, times, dates) and request bodies are canonical: they are
// what rxportal and the sandbox send, and both files use them. Types named after answers are the
// reading types: they are what the client hands out. Change the contract here and in
// ./canonical.ts together.
// Answers and requests are z.lazy: a command builds the schemas of the answers it reads, the first
// time it reads one, not all of them at start.
import * as z from "zod/mini";
import "../zod-messages.js";
import {
  type ItemProblem,
  listOf,
  openEnum,
  optional,
  ReadCountSchema,
  ReadDateSchema,
  ReadIdSchema,
  ReadTextSchema,
  ReadTimestampSchema,
  safeText,
} from "./lenient.js";

export type { ItemProblem } from "./lenient.js";

/** RFC 3339 date-time with an offset or Z. */
export const TimestampSchema = z.iso.datetime({ offset: true });
/** A calendar date, yyyy-mm-dd. */
export const DateSchema = z.iso.date();
const Semver = z
  .string()
  .check(z.regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, "a semver version such as 4.2.0"));

// ---------------------------------------------------------------------------------------------
// Problem documents (RFC 9457)
// ---------------------------------------------------------------------------------------------

export const ProblemCodeSchema = z.enum([
  "unauthorized",
  "token_expired",
  "invalid_credentials",
  "account_locked",
  "password_expired",
  "account_disabled",
  "rate_limited",
  "maintenance",
  "invalid_code",
  "challenge_expired",
  "invalid_or_expired_code",
  "password_policy",
  "not_found",
  "not_eligible",
  "idempotency_conflict",
  "idempotency_key_required",
  "refill_not_allowed",
  "forbidden",
  "bad_request",
  "internal_error",
]);
export type ProblemCode = z.infer<typeof ProblemCodeSchema>;

/**
 * A problem document. `code` is kept as a plain string so that a portal's newer codes still parse;
 * the client maps the codes it knows and treats the rest by status.
 */
export const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int().check(z.gte(400), z.lte(599)),
  detail: z.optional(z.string()),
  code: z.string(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const InvalidCredentialsProblemSchema = z.lazy(() =>
  z.extend(ProblemSchema, {
    code: z.literal("invalid_credentials"),
    attemptsRemaining: z.optional(z.int().check(z.gte(0))),
  }),
);
export const AccountLockedProblemSchema = z.lazy(() =>
  z.extend(ProblemSchema, {
    code: z.literal("account_locked"),
    lockedUntil: z.optional(TimestampSchema),
  }),
);
export const InvalidCodeProblemSchema = z.lazy(() =>
  z.extend(ProblemSchema, {
    code: z.literal("invalid_code"),
    attemptsRemaining: z.int().check(z.gte(0)),
  }),
);
export const InvalidOrExpiredCodeProblemSchema = z.lazy(() =>
  z.extend(ProblemSchema, {
    code: z.literal("invalid_or_expired_code"),
    attemptsRemaining: z.optional(z.int().check(z.gte(0))),
  }),
);
export const PolicyViolationSchema = z.object({ rule: z.string(), message: z.string() });
export const PasswordPolicyProblemSchema = z.lazy(() =>
  z.extend(ProblemSchema, {
    code: z.literal("password_policy"),
    violations: z.array(PolicyViolationSchema),
  }),
);
export const RefillRefusalReasonSchema = z.enum(["too_soon", "no_refills", "expired", "not_found"]);
export const RefillNotAllowedProblemSchema = z.lazy(() =>
  z.extend(ProblemSchema, {
    code: z.literal("refill_not_allowed"),
    items: z.array(z.object({ rxId: z.string(), reason: RefillRefusalReasonSchema })),
  }),
);

// ---------------------------------------------------------------------------------------------
// Service
// ---------------------------------------------------------------------------------------------

export const ServiceStateSchema = z.enum(["operational", "degraded", "maintenance", "outage"]);
export type ServiceState = z.infer<typeof ServiceStateSchema>;
export const ComponentNameSchema = z.enum([
  "login",
  "password_reset",
  "refills",
  "orders",
  "id_card",
  "mobile_app",
]);
export type ComponentName = z.infer<typeof ComponentNameSchema>;

export const AppVersionsSchema = z.object({ minimum: Semver, latest: Semver });

export const PasswordClassSchema = z.enum(["lower", "upper", "digit", "symbol"]);
export type PasswordClass = z.infer<typeof PasswordClassSchema>;
export const MfaChannelSchema = z.enum(["sms", "email", "totp"]);
export type MfaChannel = z.infer<typeof MfaChannelSchema>;

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

export const LoginRequestSchema = z.lazy(() =>
  z.object({
    username: z.string().check(z.minLength(1)),
    password: z.string().check(z.minLength(1)),
  }),
);

export const MfaVerifyRequestSchema = z.lazy(() =>
  z.object({
    challengeId: z.string().check(z.minLength(1)),
    code: z.string().check(z.minLength(1)),
  }),
);
export const MfaResendRequestSchema = z.lazy(() =>
  z.object({
    challengeId: z.string().check(z.minLength(1)),
    channel: z.optional(MfaChannelSchema),
  }),
);

export const RefreshRequestSchema = z.lazy(() =>
  z.object({ refreshToken: z.string().check(z.minLength(1)) }),
);

// ---------------------------------------------------------------------------------------------
// Recovery
// ---------------------------------------------------------------------------------------------

export const UsernameRecoverRequestSchema = z.lazy(() =>
  z.union([
    z.object({ email: z.string().check(z.minLength(3)) }),
    z.object({ memberId: z.string().check(z.minLength(1)), dateOfBirth: DateSchema }),
  ]),
);
export const PasswordResetRequestSchema = z.lazy(() =>
  z.union([
    z.object({ username: z.string().check(z.minLength(1)) }),
    z.object({ memberId: z.string().check(z.minLength(1)), dateOfBirth: DateSchema }),
  ]),
);
export const PasswordResetConfirmRequestSchema = z.lazy(() =>
  z.object({
    username: z.string().check(z.minLength(1)),
    code: z.string().check(z.minLength(1)),
    newPassword: z.string().check(z.minLength(1)),
  }),
);

// ---------------------------------------------------------------------------------------------
// Member
// ---------------------------------------------------------------------------------------------

export const EnrolleeTypeSchema = z.enum(["commercial", "medicare", "tricare"]);
export type EnrolleeType = z.infer<typeof EnrolleeTypeSchema>;

export const PrescriptionStatusSchema = z.enum(["active", "too_soon", "no_refills", "expired"]);

export const AutoRefillRequestSchema = z.lazy(() => z.object({ enabled: z.boolean() }));

export const RefillRequestSchema = z.lazy(() =>
  z.object({
    memberId: z.string().check(z.minLength(1)),
    rxIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  }),
);
export type RefillRequest = z.infer<typeof RefillRequestSchema>;

export const OrderStatusSchema = z.enum(["received", "processing", "shipped", "delivered", "cancelled"]);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

// =============================================================================================
// Reading: what rxportal accepts (docs/portal-api.md, "Latitudes a portal may take")
// =============================================================================================
// Free text is made terminal-safe as it is read (ReadTextSchema); ids and tokens are kept as sent.
// Unknown fields are dropped (zod's default), never refused. Every `optional(...)` field may be
// absent or null. Open enums keep a value rxportal does not know, as sent.

/** A value of a known enum, or any other string a newer portal may send. */
export type KnownOr<T extends string> = T | (string & {});

const ReadServiceState = openEnum(ServiceStateSchema.options);
const ReadComponentName = openEnum(ComponentNameSchema.options);
const ReadMfaChannel = openEnum(MfaChannelSchema.options);
const ReadPasswordClass = openEnum(PasswordClassSchema.options);
const ReadEnrolleeType = openEnum(EnrolleeTypeSchema.options);
export const ReadPrescriptionStatus = openEnum(PrescriptionStatusSchema.options);
export const ReadOrderStatus = openEnum(OrderStatusSchema.options);
const ReadInt = z.int().check(z.gte(0));
const Text = ReadTextSchema;

/**
 * A name a portal may add although the contract has none (a prescriber, a pharmacy): text, or an
 * object with a `name`, read as that text (made terminal-safe). Anything else reads as absent: a
 * field outside the contract never makes a prescription unreadable.
 */
const NameText = z.pipe(
  z.unknown(),
  z.transform((value: unknown): string | undefined => {
    const name = typeof value === "object" && value !== null ? (value as { name?: unknown }).name : value;
    return typeof name === "string" && name.trim() !== "" ? safeText(name) : undefined;
  }),
);

/** Moves a nested list's problems onto its parent object as `problems` (only when there are any). */
function liftProblems<T extends { problems?: ItemProblem[] }>(value: T, lists: ItemProblem[][]): T {
  const all = [...(value.problems ?? []), ...lists.flat()];
  return all.length > 0 ? { ...value, problems: all } : value;
}

const ComponentRead = z.lazy(() => z.object({ name: ReadComponentName, status: ReadServiceState }));
export const StatusSchema = z.lazy(() =>
  z.pipe(
    z.object({
      status: ReadServiceState,
      message: optional(Text),
      components: listOf(ComponentRead, "name", "components"),
      maintenance: optional(
        z.object({ start: ReadTimestampSchema, end: ReadTimestampSchema, message: optional(Text) }),
      ),
      apps: z.object({
        ios: z.object({ minimum: Text, latest: Text }),
        android: z.object({ minimum: Text, latest: Text }),
      }),
      serverTime: ReadTimestampSchema,
    }),
    z.transform(({ components, ...rest }) =>
      liftProblems(
        { ...rest, components: components.items } as typeof rest & {
          components: z.output<typeof ComponentRead>[];
          problems?: ItemProblem[];
        },
        [components.problems],
      ),
    ),
  ),
);
export type PortalStatus = z.output<typeof StatusSchema>;

export const AuthPolicySchema = z.lazy(() =>
  z.object({
    lockout: z.object({ maxAttempts: z.int().check(z.gte(1)), lockMinutes: z.number().check(z.gte(0)) }),
    password: z.object({
      minLength: ReadInt,
      maxLength: z.int().check(z.gte(1)),
      requireClasses: z.array(ReadPasswordClass),
      minClasses: ReadInt,
      disallowUsername: z.boolean(),
    }),
    resetCode: z.object({ length: z.int().check(z.gte(1)), ttlMinutes: z.number().check(z.gte(0)) }),
    mfa: z.object({ channels: z.array(ReadMfaChannel) }),
  }),
);
export type AuthPolicy = z.output<typeof AuthPolicySchema>;

export const MemberRefSchema = z.lazy(() => z.object({ memberId: ReadIdSchema, name: Text }));
export const LoginOkSchema = z.lazy(() =>
  z.object({
    result: z.literal("ok"),
    accessToken: z.string().check(z.minLength(1)),
    refreshToken: optional(z.string().check(z.minLength(1))),
    expiresIn: ReadCountSchema,
    member: MemberRefSchema,
  }),
);
export const MfaRequiredSchema = z.lazy(() =>
  z.object({
    result: z.literal("mfa_required"),
    challengeId: z.string().check(z.minLength(1)),
    channel: ReadMfaChannel,
    destinationHint: Text,
    expiresIn: ReadCountSchema,
  }),
);
export const LoginResponseSchema = z.lazy(() =>
  z.discriminatedUnion("result", [LoginOkSchema, MfaRequiredSchema]),
);
export type LoginResponse = z.output<typeof LoginResponseSchema>;
export type LoginOk = z.output<typeof LoginOkSchema>;
export type MfaRequired = z.output<typeof MfaRequiredSchema>;

export const MfaResendResponseSchema = z.lazy(() =>
  z.object({ channel: ReadMfaChannel, destinationHint: Text }),
);
export const RefreshResponseSchema = z.lazy(() =>
  z.object({
    result: z.literal("ok"),
    accessToken: z.string().check(z.minLength(1)),
    refreshToken: optional(z.string().check(z.minLength(1))),
    expiresIn: ReadCountSchema,
  }),
);
export type RefreshResponse = z.output<typeof RefreshResponseSchema>;

export const AcceptedMessageSchema = z.lazy(() => z.object({ message: Text }));
export const PasswordResetAcceptedSchema = z.lazy(() =>
  z.object({
    message: Text,
    channel: optional(ReadMfaChannel),
    destinationHint: optional(Text),
  }),
);

const DependentRead = z.lazy(() => z.object({ memberId: ReadIdSchema, name: Text, relationship: Text }));
export const MeSchema = z.lazy(() =>
  z.pipe(
    z.object({
      memberId: ReadIdSchema,
      name: Text,
      dateOfBirth: ReadDateSchema,
      enrolleeType: ReadEnrolleeType,
      recoveryEmailHint: Text,
      phoneHint: Text,
      dependents: listOf(DependentRead, "memberId", "dependents"),
    }),
    z.transform(({ dependents, ...rest }) =>
      liftProblems(
        { ...rest, dependents: dependents.items } as typeof rest & {
          dependents: z.output<typeof DependentRead>[];
          problems?: ItemProblem[];
        },
        [dependents.problems],
      ),
    ),
  ),
);
export type Me = z.output<typeof MeSchema>;

export const IdCardSchema = z.lazy(() =>
  z.object({
    memberId: ReadIdSchema,
    name: Text,
    plan: Text,
    group: Text,
    bin: Text,
    pcn: Text,
    rxGroup: optional(Text),
    issuer: Text,
    effectiveDate: ReadDateSchema,
    helpPhone: Text,
  }),
);
export type IdCard = z.output<typeof IdCardSchema>;

export const PrescriptionSchema = z.lazy(() =>
  z.object({
    rxId: ReadIdSchema,
    memberId: z.string(),
    drug: Text,
    strength: Text,
    quantity: ReadCountSchema,
    daysSupply: ReadCountSchema,
    refillsRemaining: ReadCountSchema,
    lastFilled: optional(ReadDateSchema),
    nextEligibleDate: optional(ReadDateSchema),
    autoRefill: z.boolean(),
    status: ReadPrescriptionStatus,
    // Not in the contract; read when a portal sends them (the emergency kit shows them).
    prescriber: z.optional(NameText),
    pharmacy: z.optional(NameText),
  }),
);
export type Prescription = z.output<typeof PrescriptionSchema>;
/** The envelope is strict (`items` must be an array); the items are read one by one. */
export const PrescriptionListSchema = z.lazy(() =>
  z.pipe(
    z.object({ items: listOf(PrescriptionSchema, "rxId") }),
    z.transform(({ items }) => ({ items: items.items, problems: items.problems })),
  ),
);

export const AutoRefillResponseSchema = z.lazy(() =>
  z.object({ rxId: ReadIdSchema, autoRefill: z.boolean() }),
);

const OrderItemRead = z.lazy(() => z.object({ rxId: ReadIdSchema, drug: Text }));
export const RefillCreatedSchema = z.lazy(() =>
  z.pipe(
    z.object({
      orderId: ReadIdSchema,
      status: ReadOrderStatus,
      items: listOf(OrderItemRead, "rxId", "items"),
      estimatedDelivery: optional(ReadDateSchema),
      createdAt: ReadTimestampSchema,
    }),
    z.transform(({ items, ...rest }) =>
      liftProblems(
        { ...rest, items: items.items } as typeof rest & {
          items: z.output<typeof OrderItemRead>[];
          problems?: ItemProblem[];
        },
        [items.problems],
      ),
    ),
  ),
);
export type RefillCreated = z.output<typeof RefillCreatedSchema>;

export const OrderSchema = z.lazy(() =>
  z.pipe(
    z.object({
      orderId: ReadIdSchema,
      memberId: z.string(),
      status: ReadOrderStatus,
      items: listOf(OrderItemRead, "rxId", "items"),
      createdAt: ReadTimestampSchema,
      updatedAt: ReadTimestampSchema,
      tracking: optional(z.object({ carrier: Text, number: Text, url: optional(Text) })),
    }),
    z.transform(({ items, ...rest }) =>
      liftProblems(
        { ...rest, items: items.items } as typeof rest & {
          items: z.output<typeof OrderItemRead>[];
          problems?: ItemProblem[];
        },
        [items.problems],
      ),
    ),
  ),
);
export type Order = z.output<typeof OrderSchema>;
/** The envelope is strict (`items` must be an array); the orders are read one by one. */
export const OrderListSchema = z.lazy(() =>
  z.pipe(
    z.object({ items: listOf(OrderSchema, "orderId") }),
    z.transform(({ items }) => ({ items: items.items, problems: items.problems })),
  ),
);
