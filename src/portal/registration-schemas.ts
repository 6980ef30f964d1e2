// Registration (contract version 1.1): POST /auth/register and POST /auth/register/verify.
// The reading schemas are what the client accepts, lenient where the contract's prose allows; what
// a portal should send is in ./canonical.ts (openapi.json, the sandbox's conformance tests). All
// are z.lazy, as in ./schemas.ts: built when a registration is sent or read, not at every start.
import * as z from "zod/mini";
import "../zod-messages.js";
import { optional, ReadCountSchema, ReadIdSchema, ReadTextSchema } from "./lenient.js";
import { DateSchema, ProblemSchema } from "./schemas.js";

/** Nine digits; the client strips dashes and spaces before sending. */
export const SsnSchema = z.string().check(z.regex(/^\d{9}$/, "nine digits"));

/** Identified by the member ID, or by the Social Security number: exactly one of the two. */
export const RegisterRequestSchema = z.lazy(() => {
  const person = {
    firstName: z.string().check(z.minLength(1)),
    lastName: z.string().check(z.minLength(1)),
    dateOfBirth: DateSchema,
  };
  const account = {
    username: z.string().check(z.minLength(1)),
    password: z.string().check(z.minLength(1)),
    email: z.email(),
    phone: z.optional(z.string().check(z.minLength(1))),
  };
  return z.union([
    z.strictObject({ ...person, memberId: z.string().check(z.minLength(1)), ...account }),
    z.strictObject({ ...person, ssn: SsnSchema, ...account }),
  ]);
});
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

export const RegisterStartedSchema = z.lazy(() =>
  z.object({
    result: z.literal("verify"),
    challengeId: z.string().check(z.minLength(1)),
    // Read as text: a newer portal may send the code another way, and the member only needs the hint.
    channel: optional(ReadTextSchema),
    destinationHint: optional(ReadTextSchema),
    expiresIn: optional(ReadCountSchema),
  }),
);
export type RegisterStarted = z.infer<typeof RegisterStartedSchema>;

export const RegisterVerifyRequestSchema = z.lazy(() =>
  z.object({
    challengeId: z.string().check(z.minLength(1)),
    code: z.string().check(z.minLength(1)),
  }),
);

export const RegisteredSchema = z.lazy(() =>
  z.object({
    result: z.literal("ok"),
    username: ReadIdSchema,
    member: z.object({ memberId: ReadIdSchema, name: ReadTextSchema }),
  }),
);
export type Registered = z.infer<typeof RegisteredSchema>;

/**
 * 409 carries `already_registered` (an account exists for this member) or `username_taken`, the
 * latter with optional suggestions; the client tells them apart by `code`.
 */
export const RegisterConflictProblemSchema = z.lazy(() =>
  z.extend(ProblemSchema, {
    suggestions: z.optional(z.array(z.string())),
  }),
);
