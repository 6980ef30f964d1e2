// The seeded members. The JSON is bundled into the CLI (esbuild inlines it) and checked with zod
// at load, so a broken edit to the fixture fails loudly at start-up instead of as an odd answer.
import { z } from "zod";
import { omit } from "zod/mini";
import seedJson from "../../fixtures/sandbox/seed.json" with { type: "json" };
import {
  AppVersionsSchema,
  type CanonicalAuthPolicy as AuthPolicy,
  CanonicalAuthPolicySchema as AuthPolicySchema,
  DateSchema,
  EnrolleeTypeSchema,
  CanonicalIdCardSchema as IdCardSchema,
  MfaChannelSchema,
} from "../portal/schemas.js";

export const SeedPrescriptionSchema = z.object({
  rxId: z.string().min(1),
  memberId: z.string().min(1),
  drug: z.string().min(1),
  strength: z.string().min(1),
  quantity: z.number().int().min(0),
  daysSupply: z.number().int().min(1),
  refillsRemaining: z.number().int().min(0),
  /** Relative to the moment the sandbox (re)seeds, so the scenario does not rot with time. */
  lastFilledDaysAgo: z.number().int().min(0).optional(),
  /** Negative: already expired. */
  expiresInDays: z.number().int(),
  autoRefill: z.boolean(),
});

export const SeedOrderSchema = z.object({
  orderId: z.string().min(1),
  memberId: z.string().min(1),
  createdHoursAgo: z.number().min(0),
  /** Cancelled this many hours after creation; the order then stays cancelled. */
  cancelledAfterHours: z.number().min(0).optional(),
  items: z.array(z.object({ rxId: z.string(), drug: z.string() })).min(1),
});

export const SeedMemberSchema = z.object({
  username: z.string().regex(/^[a-z0-9._-]+$/, "lower-case usernames (matching is case-insensitive)"),
  scenario: z.string().min(1),
  memberId: z.string().min(1),
  name: z.string().min(1),
  dateOfBirth: DateSchema,
  enrolleeType: EnrolleeTypeSchema,
  email: z.email(),
  phone: z.string().regex(/\d{4}$/),
  /** MFA channels in order of preference; empty = no second step. */
  mfa: z.array(MfaChannelSchema),
  totpSecret: z
    .string()
    .regex(/^[A-Z2-7]{16,}$/)
    .optional(),
  totpNote: z.string().optional(),
  lockedAtStart: z.boolean().optional(),
  passwordExpired: z.boolean().optional(),
  disabled: z.boolean().optional(),
  card: omit(IdCardSchema, { memberId: true, name: true }),
  dependents: z.array(
    z.object({
      memberId: z.string().min(1),
      name: z.string().min(1),
      relationship: z.string(),
      dateOfBirth: DateSchema,
    }),
  ),
  prescriptions: z.array(SeedPrescriptionSchema),
  orders: z.array(SeedOrderSchema),
});
export type SeedMember = z.infer<typeof SeedMemberSchema>;

export const SeedSchema = z
  .object({
    notice: z.string(),
    sandboxPassword: z.string().min(1),
    policy: AuthPolicySchema,
    status: z.object({
      message: z.string().optional(),
      apps: z.object({ ios: AppVersionsSchema, android: AppVersionsSchema }),
    }),
    members: z.array(SeedMemberSchema).min(1),
  })
  .superRefine((seed, ctx) => {
    const seen = new Set<string>();
    for (const [i, m] of seed.members.entries()) {
      if (m.mfa.includes("totp") && !m.totpSecret) {
        ctx.addIssue({
          code: "custom",
          path: ["members", i, "totpSecret"],
          message: "a TOTP member needs a secret",
        });
      }
      const family = new Set([m.memberId, ...m.dependents.map((d) => d.memberId)]);
      for (const id of [m.username, ...family]) {
        if (seen.has(id))
          ctx.addIssue({ code: "custom", path: ["members", i], message: `duplicate id ${id}` });
        seen.add(id);
      }
      for (const [j, rx] of m.prescriptions.entries()) {
        if (!family.has(rx.memberId)) {
          ctx.addIssue({
            code: "custom",
            path: ["members", i, "prescriptions", j],
            message: "not in the family",
          });
        }
      }
      for (const [j, order] of m.orders.entries()) {
        if (!family.has(order.memberId)) {
          ctx.addIssue({ code: "custom", path: ["members", i, "orders", j], message: "not in the family" });
        }
      }
    }
  });
export type Seed = z.infer<typeof SeedSchema>;

/** Parses seed data; throws with the zod issues when the fixture is broken. */
export function loadSeed(data: unknown = seedJson): Seed {
  const parsed = SeedSchema.safeParse(data);
  if (!parsed.success) throw new Error(`The sandbox seed is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The bundled seed, parsed once. */
export const seed: Seed = loadSeed();
/** The policy the sandbox enforces and serves at GET /auth/policy (tests read it from here too). */
export const sandboxPolicy: AuthPolicy = seed.policy;
/** The one documented password every seeded member starts with. */
export const SANDBOX_PASSWORD: string = seed.sandboxPassword;
