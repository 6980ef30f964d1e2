// The seeded members. The JSON is bundled into the CLI (esbuild inlines it) and checked with zod
// at load, so a broken edit to the fixture fails loudly at start-up instead of as an odd answer.
import * as z from "zod/mini";
import "../zod-messages.js";
import seedJson from "../../fixtures/sandbox/seed.json" with { type: "json" };
import {
  type CanonicalAuthPolicy as AuthPolicy,
  CanonicalAuthPolicySchema as AuthPolicySchema,
  CanonicalIdCardSchema as IdCardSchema,
} from "../portal/canonical.js";
import { AppVersionsSchema, DateSchema, EnrolleeTypeSchema, MfaChannelSchema } from "../portal/schemas.js";
import { registrants as bundledRegistrants } from "./registrants.js";

export const SeedPrescriptionSchema = z.object({
  rxId: z.string().check(z.minLength(1)),
  memberId: z.string().check(z.minLength(1)),
  drug: z.string().check(z.minLength(1)),
  strength: z.string().check(z.minLength(1)),
  quantity: z.int().check(z.gte(0)),
  daysSupply: z.int().check(z.gte(1)),
  refillsRemaining: z.int().check(z.gte(0)),
  /** Relative to the moment the sandbox (re)seeds, so the scenario does not rot with time. */
  lastFilledDaysAgo: z.optional(z.int().check(z.gte(0))),
  /** Negative: already expired. */
  expiresInDays: z.int(),
  autoRefill: z.boolean(),
});

export const SeedOrderSchema = z.object({
  orderId: z.string().check(z.minLength(1)),
  memberId: z.string().check(z.minLength(1)),
  createdHoursAgo: z.number().check(z.gte(0)),
  /** Cancelled this many hours after creation; the order then stays cancelled. */
  cancelledAfterHours: z.optional(z.number().check(z.gte(0))),
  items: z.array(z.object({ rxId: z.string(), drug: z.string() })).check(z.minLength(1)),
});

export const SeedMemberSchema = z.object({
  username: z
    .string()
    .check(z.regex(/^[a-z0-9._-]+$/, "lower-case usernames (matching is case-insensitive)")),
  scenario: z.string().check(z.minLength(1)),
  memberId: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  dateOfBirth: DateSchema,
  enrolleeType: EnrolleeTypeSchema,
  email: z.email(),
  phone: z.string().check(z.regex(/\d{4}$/)),
  /** MFA channels in order of preference; empty = no second step. */
  mfa: z.array(MfaChannelSchema),
  totpSecret: z.optional(z.string().check(z.regex(/^[A-Z2-7]{16,}$/))),
  totpNote: z.optional(z.string()),
  lockedAtStart: z.optional(z.boolean()),
  passwordExpired: z.optional(z.boolean()),
  disabled: z.optional(z.boolean()),
  card: z.omit(IdCardSchema, { memberId: true, name: true }),
  dependents: z.array(
    z.object({
      memberId: z.string().check(z.minLength(1)),
      name: z.string().check(z.minLength(1)),
      relationship: z.string(),
      dateOfBirth: DateSchema,
    }),
  ),
  prescriptions: z.array(SeedPrescriptionSchema),
  orders: z.array(SeedOrderSchema),
});
export type SeedMember = z.infer<typeof SeedMemberSchema>;

/** Someone with benefits and no account yet (see registrants.ts), as a seed file adds one. */
export const SeedRegistrantSchema = z.strictObject({
  memberId: z.string().check(z.minLength(1)),
  firstName: z.string().check(z.minLength(1)),
  lastName: z.string().check(z.minLength(1)),
  dateOfBirth: DateSchema,
  ssn: z.string().check(z.regex(/^\d{9}$/, "nine digits, no dashes")),
  enrolleeType: EnrolleeTypeSchema,
  relationship: z.optional(z.enum(["self", "spouse", "child"])),
  active: z.optional(z.boolean()),
  scenario: z.optional(z.string()),
});
export type SeedRegistrant = z.infer<typeof SeedRegistrantSchema>;

export const SeedSchema = z
  .object({
    notice: z.string(),
    sandboxPassword: z.string().check(z.minLength(1)),
    policy: AuthPolicySchema,
    status: z.object({
      message: z.optional(z.string()),
      apps: z.object({ ios: AppVersionsSchema, android: AppVersionsSchema }),
    }),
    members: z.array(SeedMemberSchema).check(z.minLength(1)),
    /** Added by a seed file to the bundled registrants (src/sandbox/registrants.ts). */
    registrants: z.optional(z.array(SeedRegistrantSchema)),
  })
  .check(
    z.superRefine((seed, ctx) => {
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
      // A registrant is someone without an account: their member ID and SSN name nobody else.
      const ssns = new Set(bundledRegistrants.map((r) => r.ssn));
      for (const r of bundledRegistrants) seen.add(r.memberId);
      for (const [i, r] of (seed.registrants ?? []).entries()) {
        if (seen.has(r.memberId))
          ctx.addIssue({
            code: "custom",
            path: ["registrants", i, "memberId"],
            message: `duplicate id ${r.memberId}`,
          });
        if (ssns.has(r.ssn))
          ctx.addIssue({
            code: "custom",
            path: ["registrants", i, "ssn"],
            message: "an SSN another person has",
          });
        seen.add(r.memberId);
        ssns.add(r.ssn);
      }
    }),
  );
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
