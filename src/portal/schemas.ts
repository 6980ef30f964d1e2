// The portal contract (shared/portal-api.md, version 1) as zod schemas. The client parses every
// response with these, the sandbox validates what it sends with them in its conformance tests, and
// openapi.json is generated from them (src/portal/openapi.ts). Change the contract here first.
import { z } from "zod";

/** RFC 3339 date-time with an offset or Z. */
export const TimestampSchema = z.iso.datetime({ offset: true });
/** A calendar date, yyyy-mm-dd. */
export const DateSchema = z.iso.date();
const Semver = z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, "a semver version such as 4.2.0");

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
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  code: z.string(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const InvalidCredentialsProblemSchema = ProblemSchema.extend({
  code: z.literal("invalid_credentials"),
  attemptsRemaining: z.number().int().min(0).optional(),
});
export const AccountLockedProblemSchema = ProblemSchema.extend({
  code: z.literal("account_locked"),
  lockedUntil: TimestampSchema.optional(),
});
export const InvalidCodeProblemSchema = ProblemSchema.extend({
  code: z.literal("invalid_code"),
  attemptsRemaining: z.number().int().min(0),
});
export const InvalidOrExpiredCodeProblemSchema = ProblemSchema.extend({
  code: z.literal("invalid_or_expired_code"),
  attemptsRemaining: z.number().int().min(0).optional(),
});
export const PolicyViolationSchema = z.object({ rule: z.string(), message: z.string() });
export const PasswordPolicyProblemSchema = ProblemSchema.extend({
  code: z.literal("password_policy"),
  violations: z.array(PolicyViolationSchema),
});
export const RefillRefusalReasonSchema = z.enum(["too_soon", "no_refills", "expired", "not_found"]);
export const RefillNotAllowedProblemSchema = ProblemSchema.extend({
  code: z.literal("refill_not_allowed"),
  items: z.array(z.object({ rxId: z.string(), reason: RefillRefusalReasonSchema })),
});

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
export const StatusSchema = z.object({
  status: ServiceStateSchema,
  message: z.string().optional(),
  components: z.array(z.object({ name: ComponentNameSchema, status: ServiceStateSchema })),
  maintenance: z
    .object({ start: TimestampSchema, end: TimestampSchema, message: z.string().optional() })
    .optional(),
  apps: z.object({ ios: AppVersionsSchema, android: AppVersionsSchema }),
  serverTime: TimestampSchema,
});
export type PortalStatus = z.infer<typeof StatusSchema>;

export const PasswordClassSchema = z.enum(["lower", "upper", "digit", "symbol"]);
export const MfaChannelSchema = z.enum(["sms", "email", "totp"]);
export type MfaChannel = z.infer<typeof MfaChannelSchema>;
export const AuthPolicySchema = z.object({
  lockout: z.object({ maxAttempts: z.number().int().min(1), lockMinutes: z.number().int().min(1) }),
  password: z.object({
    minLength: z.number().int().min(1),
    maxLength: z.number().int().min(1),
    requireClasses: z.array(PasswordClassSchema),
    minClasses: z.number().int().min(0).max(4),
    disallowUsername: z.boolean(),
  }),
  resetCode: z.object({ length: z.number().int().min(4), ttlMinutes: z.number().int().min(1) }),
  mfa: z.object({ channels: z.array(MfaChannelSchema) }),
});
export type AuthPolicy = z.infer<typeof AuthPolicySchema>;

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

export const LoginRequestSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });
export const MemberRefSchema = z.object({ memberId: z.string(), name: z.string() });
export const LoginOkSchema = z.object({
  result: z.literal("ok"),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresIn: z.number().int().min(0),
  member: MemberRefSchema,
});
export const MfaRequiredSchema = z.object({
  result: z.literal("mfa_required"),
  challengeId: z.string().min(1),
  channel: MfaChannelSchema,
  destinationHint: z.string(),
  expiresIn: z.number().int().min(0),
});
export const LoginResponseSchema = z.discriminatedUnion("result", [LoginOkSchema, MfaRequiredSchema]);
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
export type LoginOk = z.infer<typeof LoginOkSchema>;
export type MfaRequired = z.infer<typeof MfaRequiredSchema>;

export const MfaVerifyRequestSchema = z.object({ challengeId: z.string().min(1), code: z.string().min(1) });
export const MfaResendRequestSchema = z.object({
  challengeId: z.string().min(1),
  channel: MfaChannelSchema.optional(),
});
export const MfaResendResponseSchema = z.object({ channel: MfaChannelSchema, destinationHint: z.string() });

export const RefreshRequestSchema = z.object({ refreshToken: z.string().min(1) });
export const RefreshResponseSchema = z.object({
  result: z.literal("ok"),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  expiresIn: z.number().int().min(0),
});
export type RefreshResponse = z.infer<typeof RefreshResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Recovery
// ---------------------------------------------------------------------------------------------

export const UsernameRecoverRequestSchema = z.union([
  z.object({ email: z.string().min(3) }),
  z.object({ memberId: z.string().min(1), dateOfBirth: DateSchema }),
]);
export const AcceptedMessageSchema = z.object({ message: z.string() });
export const PasswordResetRequestSchema = z.union([
  z.object({ username: z.string().min(1) }),
  z.object({ memberId: z.string().min(1), dateOfBirth: DateSchema }),
]);
export const PasswordResetAcceptedSchema = z.object({
  message: z.string(),
  channel: MfaChannelSchema.optional(),
  destinationHint: z.string().optional(),
});
export const PasswordResetConfirmRequestSchema = z.object({
  username: z.string().min(1),
  code: z.string().min(1),
  newPassword: z.string().min(1),
});

// ---------------------------------------------------------------------------------------------
// Member
// ---------------------------------------------------------------------------------------------

export const EnrolleeTypeSchema = z.enum(["commercial", "medicare", "tricare"]);
export type EnrolleeType = z.infer<typeof EnrolleeTypeSchema>;
export const MeSchema = z.object({
  memberId: z.string(),
  name: z.string(),
  dateOfBirth: DateSchema,
  enrolleeType: EnrolleeTypeSchema,
  recoveryEmailHint: z.string(),
  phoneHint: z.string(),
  dependents: z.array(z.object({ memberId: z.string(), name: z.string(), relationship: z.string() })),
});
export type Me = z.infer<typeof MeSchema>;

export const IdCardSchema = z.object({
  memberId: z.string(),
  name: z.string(),
  plan: z.string(),
  group: z.string(),
  bin: z.string(),
  pcn: z.string(),
  rxGroup: z.string().optional(),
  issuer: z.string(),
  effectiveDate: DateSchema,
  helpPhone: z.string(),
});
export type IdCard = z.infer<typeof IdCardSchema>;

export const PrescriptionStatusSchema = z.enum(["active", "too_soon", "no_refills", "expired"]);
export const PrescriptionSchema = z.object({
  rxId: z.string(),
  memberId: z.string(),
  drug: z.string(),
  strength: z.string(),
  quantity: z.number().int().min(0),
  daysSupply: z.number().int().min(0),
  refillsRemaining: z.number().int().min(0),
  lastFilled: DateSchema.optional(),
  nextEligibleDate: DateSchema.optional(),
  autoRefill: z.boolean(),
  status: PrescriptionStatusSchema,
});
export type Prescription = z.infer<typeof PrescriptionSchema>;
export const PrescriptionListSchema = z.object({ items: z.array(PrescriptionSchema) });

export const AutoRefillRequestSchema = z.object({ enabled: z.boolean() });
export const AutoRefillResponseSchema = z.object({ rxId: z.string(), autoRefill: z.boolean() });

export const RefillRequestSchema = z.object({
  memberId: z.string().min(1),
  rxIds: z.array(z.string().min(1)).min(1),
});
export type RefillRequest = z.infer<typeof RefillRequestSchema>;
export const OrderItemSchema = z.object({ rxId: z.string(), drug: z.string() });
export const RefillCreatedSchema = z.object({
  orderId: z.string(),
  status: z.literal("received"),
  items: z.array(OrderItemSchema),
  estimatedDelivery: DateSchema.optional(),
  createdAt: TimestampSchema,
});
export type RefillCreated = z.infer<typeof RefillCreatedSchema>;

export const OrderStatusSchema = z.enum(["received", "processing", "shipped", "delivered", "cancelled"]);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;
export const OrderSchema = z.object({
  orderId: z.string(),
  memberId: z.string(),
  status: OrderStatusSchema,
  items: z.array(OrderItemSchema),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  tracking: z.object({ carrier: z.string(), number: z.string(), url: z.url().optional() }).optional(),
});
export type Order = z.infer<typeof OrderSchema>;
export const OrderListSchema = z.object({ items: z.array(OrderSchema) });
