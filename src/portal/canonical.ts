// What a portal should send, exactly (docs/portal-api.md): the canonical reading of each success
// answer. openapi.json is generated from these (src/portal/openapi.ts), and the sandbox's
// conformance tests hold the sandbox to them. The client never loads this file: it reads answers
// with the lenient schemas of ./schemas.ts, which the contract table (./contract.ts) names; the
// table's rows and `canonicalSchemaOf` below together say, per answer, what may be read and what
// should be sent. Where an answer has no entry here, the two are the same schema.
import * as z from "zod/mini";
import "../zod-messages.js";
import {
  AppVersionsSchema,
  ComponentNameSchema,
  DateSchema,
  EnrolleeTypeSchema,
  MfaChannelSchema,
  OrderStatusSchema,
  PasswordClassSchema,
  PrescriptionStatusSchema,
  ServiceStateSchema,
  TimestampSchema,
} from "./schemas.js";

export const CanonicalStatusSchema = z.object({
  status: ServiceStateSchema,
  message: z.optional(z.string()),
  components: z.array(z.object({ name: ComponentNameSchema, status: ServiceStateSchema })),
  maintenance: z.optional(
    z.object({ start: TimestampSchema, end: TimestampSchema, message: z.optional(z.string()) }),
  ),
  apps: z.object({ ios: AppVersionsSchema, android: AppVersionsSchema }),
  serverTime: TimestampSchema,
});
export const CanonicalAuthPolicySchema = z.object({
  lockout: z.object({ maxAttempts: z.int().check(z.gte(1)), lockMinutes: z.int().check(z.gte(1)) }),
  password: z.object({
    minLength: z.int().check(z.gte(1)),
    maxLength: z.int().check(z.gte(1)),
    requireClasses: z.array(PasswordClassSchema),
    minClasses: z.int().check(z.gte(0), z.lte(4)),
    disallowUsername: z.boolean(),
  }),
  resetCode: z.object({ length: z.int().check(z.gte(4)), ttlMinutes: z.int().check(z.gte(1)) }),
  mfa: z.object({ channels: z.array(MfaChannelSchema) }),
});
export const CanonicalMemberRefSchema = z.object({ memberId: z.string(), name: z.string() });
export const CanonicalLoginOkSchema = z.object({
  result: z.literal("ok"),
  accessToken: z.string().check(z.minLength(1)),
  refreshToken: z.optional(z.string().check(z.minLength(1))),
  expiresIn: z.int().check(z.gte(0)),
  member: CanonicalMemberRefSchema,
});
export const CanonicalMfaRequiredSchema = z.object({
  result: z.literal("mfa_required"),
  challengeId: z.string().check(z.minLength(1)),
  channel: MfaChannelSchema,
  destinationHint: z.string(),
  expiresIn: z.int().check(z.gte(0)),
});
export const CanonicalLoginResponseSchema = z.discriminatedUnion("result", [
  CanonicalLoginOkSchema,
  CanonicalMfaRequiredSchema,
]);
export const CanonicalMfaResendResponseSchema = z.object({
  channel: MfaChannelSchema,
  destinationHint: z.string(),
});
export const CanonicalRefreshResponseSchema = z.object({
  result: z.literal("ok"),
  accessToken: z.string().check(z.minLength(1)),
  refreshToken: z.optional(z.string().check(z.minLength(1))),
  expiresIn: z.int().check(z.gte(0)),
});
export const CanonicalAcceptedMessageSchema = z.object({ message: z.string() });
export const CanonicalPasswordResetAcceptedSchema = z.object({
  message: z.string(),
  channel: z.optional(MfaChannelSchema),
  destinationHint: z.optional(z.string()),
});
export const CanonicalMeSchema = z.object({
  memberId: z.string(),
  name: z.string(),
  dateOfBirth: DateSchema,
  enrolleeType: EnrolleeTypeSchema,
  recoveryEmailHint: z.string(),
  phoneHint: z.string(),
  dependents: z.array(z.object({ memberId: z.string(), name: z.string(), relationship: z.string() })),
});
export const CanonicalIdCardSchema = z.object({
  memberId: z.string(),
  name: z.string(),
  plan: z.string(),
  group: z.string(),
  bin: z.string(),
  pcn: z.string(),
  rxGroup: z.optional(z.string()),
  issuer: z.string(),
  effectiveDate: DateSchema,
  helpPhone: z.string(),
});
export const CanonicalPrescriptionSchema = z.object({
  rxId: z.string(),
  memberId: z.string(),
  drug: z.string(),
  strength: z.string(),
  quantity: z.int().check(z.gte(0)),
  daysSupply: z.int().check(z.gte(0)),
  refillsRemaining: z.int().check(z.gte(0)),
  lastFilled: z.optional(DateSchema),
  nextEligibleDate: z.optional(DateSchema),
  autoRefill: z.boolean(),
  status: PrescriptionStatusSchema,
});
export const CanonicalPrescriptionListSchema = z.object({ items: z.array(CanonicalPrescriptionSchema) });
export const CanonicalAutoRefillResponseSchema = z.object({ rxId: z.string(), autoRefill: z.boolean() });
export const CanonicalOrderItemSchema = z.object({ rxId: z.string(), drug: z.string() });
export const CanonicalRefillCreatedSchema = z.object({
  orderId: z.string(),
  status: z.literal("received"),
  items: z.array(CanonicalOrderItemSchema),
  estimatedDelivery: z.optional(DateSchema),
  createdAt: TimestampSchema,
});
export const CanonicalOrderSchema = z.object({
  orderId: z.string(),
  memberId: z.string(),
  status: OrderStatusSchema,
  items: z.array(CanonicalOrderItemSchema),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  tracking: z.optional(z.object({ carrier: z.string(), number: z.string(), url: z.optional(z.url()) })),
});
export const CanonicalOrderListSchema = z.object({ items: z.array(CanonicalOrderSchema) });

// Registration (contract version 1.1).
export const CanonicalRegisterStartedSchema = z.object({
  result: z.literal("verify"),
  challengeId: z.string().check(z.minLength(1)),
  channel: z.literal("email"),
  destinationHint: z.string(),
  expiresIn: z.int().check(z.gte(0)),
});
export const CanonicalRegisteredSchema = z.object({
  result: z.literal("ok"),
  username: z.string().check(z.minLength(1)),
  member: z.object({ memberId: z.string(), name: z.string() }),
});

// What the sandbox, a producer, builds its answers as: the canonical shapes.
export type CanonicalPortalStatus = z.infer<typeof CanonicalStatusSchema>;
export type CanonicalAuthPolicy = z.infer<typeof CanonicalAuthPolicySchema>;
export type CanonicalIdCard = z.infer<typeof CanonicalIdCardSchema>;
export type CanonicalPrescription = z.infer<typeof CanonicalPrescriptionSchema>;
export type CanonicalOrder = z.infer<typeof CanonicalOrderSchema>;

/** Per operation and status: the canonical schema of an answer whose reading is lenient. */
const CANONICAL: Readonly<Record<string, Readonly<Record<number, z.ZodMiniType>>>> = {
  getStatus: { 200: CanonicalStatusSchema },
  getAuthPolicy: { 200: CanonicalAuthPolicySchema },
  login: { 200: CanonicalLoginResponseSchema },
  verifyMfa: { 200: CanonicalLoginOkSchema },
  resendMfa: { 202: CanonicalMfaResendResponseSchema },
  refreshToken: { 200: CanonicalRefreshResponseSchema },
  recoverUsername: { 202: CanonicalAcceptedMessageSchema },
  requestPasswordReset: { 202: CanonicalPasswordResetAcceptedSchema },
  getMe: { 200: CanonicalMeSchema },
  getIdCard: { 200: CanonicalIdCardSchema },
  listPrescriptions: { 200: CanonicalPrescriptionListSchema },
  setAutoRefill: { 200: CanonicalAutoRefillResponseSchema },
  orderRefills: { 201: CanonicalRefillCreatedSchema },
  listOrders: { 200: CanonicalOrderListSchema },
  getOrder: { 200: CanonicalOrderSchema },
  register: { 202: CanonicalRegisterStartedSchema },
  verifyRegistration: { 201: CanonicalRegisteredSchema },
};

/** What a portal should send for this answer; undefined where that is the reading schema itself. */
export function canonicalSchemaOf(operationId: string, status: number): z.ZodMiniType | undefined {
  return Object.hasOwn(CANONICAL, operationId) ? CANONICAL[operationId]?.[status] : undefined;
}
