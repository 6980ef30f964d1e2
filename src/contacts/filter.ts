// Choosing which lines to show for an enrollee type, a topic and TTY need.
import { said, UsageError } from "../errors.js";
import {
  type Contact,
  type ContactTopic,
  contactTopics,
  type Enrollee,
  enrolleeTypes,
  topicAliases,
} from "./types.js";

export interface ContactFilter {
  enrollee?: Enrollee;
  topic?: ContactTopic;
  /** Only lines with a TTY number. */
  tty?: boolean;
}

export function parseEnrollee(value: string): Enrollee {
  const v = value.trim().toLowerCase();
  if ((enrolleeTypes as readonly string[]).includes(v)) return v as Enrollee;
  throw new UsageError(`Unknown enrollee type "${value}": expected one of ${enrolleeTypes.join(", ")}.`, {
    said: said("unknownEnrollee", value, enrolleeTypes),
  });
}

export function parseTopic(value: string): ContactTopic {
  const topic = topicAliases[value.trim().toLowerCase()];
  if (topic) return topic;
  throw new UsageError(`Unknown topic "${value}": expected one of ${contactTopics.join(", ")}.`, {
    said: said("unknownTopic", value, contactTopics),
  });
}

export function filterContacts(contacts: readonly Contact[], filter: ContactFilter): Contact[] {
  return contacts.filter(
    (c) =>
      (!filter.enrollee || c.enrollees.includes(filter.enrollee)) &&
      (!filter.topic || c.topics.includes(filter.topic)) &&
      (!filter.tty || c.tty !== undefined),
  );
}

/** A phone number as a tel: URI, e.g. "(800) 282-2881" → "tel:+18002822881" (US numbers). */
export function telUri(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return `tel:+${digits.length === 10 ? `1${digits}` : digits}`;
}
