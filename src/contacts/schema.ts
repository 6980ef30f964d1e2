// The shape of an inline contacts directory in a config profile (a help desk's own numbers).
import * as z from "zod/mini";
import "../zod-messages.js";
import { contactTopics, enrolleeTypes } from "./types.js";

const Phone = z
  .string({ error: "expected a phone number string" })
  .check(z.regex(/^[0-9+()\-. ]{7,}$/, { error: "expected a phone number such as (800) 555-0100" }));

export const ContactSchema = z.strictObject({
  id: z
    .string({ error: "expected an id string" })
    .check(z.regex(/^[a-z0-9-]+$/, { error: "expected a lower-case id" })),
  name: z.string({ error: "expected a name string" }).check(z.minLength(1)),
  purpose: z.string({ error: "expected a purpose string" }).check(z.minLength(1)),
  phone: Phone,
  tty: z.optional(Phone),
  hours: z.optional(z.string({ error: "expected hours as text" })),
  enrollees: z
    .array(z.enum(enrolleeTypes, { error: `expected one of ${enrolleeTypes.join(", ")}` }))
    .check(z.minLength(1)),
  topics: z
    .array(z.enum(contactTopics, { error: `expected one of ${contactTopics.join(", ")}` }))
    .check(z.minLength(1)),
});

export const ContactsDirectorySchema = z.strictObject({
  advice: z.string({ error: "expected advice text" }).check(z.minLength(1)),
  contacts: z.array(ContactSchema).check(z.minLength(1, { error: "expected at least one contact" })),
});
