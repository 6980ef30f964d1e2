// Building blocks for reading a portal's answers as leniently as the contract's prose allows
// (docs/portal-api.md, "Latitudes a portal may take"). The canonical schemas in ./schemas.ts say
// what a portal should send; these say what rxportal accepts without refusing the answer:
// - times in every form RFC 3339 permits, normalised to one UTC form everything downstream parses;
// - optional fields absent or null (null reads as absent);
// - enums open: a value rxportal does not know is kept as sent, for the display to word neutrally;
// - lists read item by item: an unusable item becomes a problem, the others are kept.
import * as z from "zod/mini";
import "../zod-messages.js";
import { COUNT_TEXT, readTimestamp, safeText } from "./read-values.js";

export { parseRfc3339, safeText } from "./read-values.js";

// zod/mini: the sandbox and any answer the client's quick readers (./quick-read.ts) decline build
// these schemas, and mini's are far cheaper to build and load than classic zod's.

// ---------------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------------

/**
 * A time the portal sent, read leniently. It is handed on as sent when `Date.parse` reads it to the
 * same instant, else in one form (`toISOString()`: UTC, to the millisecond), so that `Date.parse`,
 * sorting and formatting downstream never meet a form they misread (`:60`, a space, odd fractions).
 */
export const ReadTimestampSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const read = readTimestamp(text);
    if (read === undefined) {
      ctx.issues.push({ code: "custom", message: "not an RFC 3339 date-time", input: text });
      return z.NEVER;
    }
    return read;
  }),
);

/** A calendar date, yyyy-mm-dd, that exists (no 31 April); kept as sent. */
export const ReadDateSchema = z.iso.date();

// ---------------------------------------------------------------------------------------------
// Optional fields, open enums, ids, counts
// ---------------------------------------------------------------------------------------------

/** An optional field: absent and `null` both read as absent. */
export function optional<T extends z.ZodMiniType>(schema: T) {
  // The outer optional() keeps the key optional in the output type, as the canonical schema has it.
  return z.optional(
    z.pipe(
      z.nullable(schema),
      z.transform((value: z.output<T> | null): z.output<T> | undefined => value ?? undefined),
    ),
  );
}

/**
 * An enum read openly: any string passes and is kept as sent (control characters made spaces). `known` is the contract's list, for
 * the display to pick its words; `isKnown` tells the two apart.
 */
export function openEnum<const T extends readonly string[]>(known: T) {
  // Kept as sent, but terminal-safe: an unknown value is shown to people. Each enum is its own
  // object reading as ReadTextSchema (its prototype), so that `known` is this enum's list: one
  // schema object shared by all would hold only the last enum's. No zod schema is built for it.
  const schema = Object.create(ReadTextSchema) as z.ZodMiniType<T[number] | (string & {}), string>;
  return Object.assign(schema, {
    known,
    isKnown: (value: string): value is T[number] => (known as readonly string[]).includes(value),
  });
}

/** A free-text field (name, drug, hint, message): any string, made terminal-safe. */
export const ReadTextSchema = z.pipe(z.string(), z.transform(safeText));

/** An id: opaque, any non-empty string (unicode, slashes and spaces included). */
export const ReadIdSchema = z.string().check(z.minLength(1, "an empty id"));

/** A count or amount the prose gives no type for: a finite number >= 0, or such a number as a string. */
export const ReadCountSchema = z.union([
  z.number().check(z.gte(0)),
  z.pipe(z.string().check(z.regex(COUNT_TEXT, "a number")), z.transform(Number)),
]);

// ---------------------------------------------------------------------------------------------
// Lists read item by item
// ---------------------------------------------------------------------------------------------

/** One item of a list that could not be read, and why. */
export interface ItemProblem {
  /** Which list, when the answer has several or the list is nested ("dependents", "components"). */
  field?: string;
  /** Position in the list as the portal sent it, from 0. */
  index: number;
  /** The item's id when its raw form had one (rxId, orderId, memberId, name). */
  id?: string;
  /** What was wrong, in zod's words: "status: expected string, received number". */
  reason: string;
}

/** An item problem as a command reports it: where the list came from and the answer's request id. */
export interface ReadProblem extends ItemProblem {
  /** Whose list it was, when a command asked for several members' lists. */
  memberId?: string;
  /** The order an item belonged to, for items inside an order. */
  orderId?: string;
  /** X-Request-Id of the answer that carried the item: support asks for it. */
  requestId?: string;
}

/**
 * The first few issues of a failed parse as one short line: where, and what kind of issue. Like
 * the client's schema errors it never quotes a value (it may be health data), only the field path
 * and what was expected there.
 */
export function issueLine(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      const what =
        issue.code === "invalid_type"
          ? /received undefined$/.test(issue.message)
            ? `missing (expected ${issue.expected})`
            : issue.message.replace(/^Invalid input: /, "")
          : issue.code === "custom"
            ? issue.message
            : issue.code.replace(/_/g, " ");
      return path === "" ? what : `${path}: ${what}`;
    })
    .join("; ")
    .slice(0, 300);
}

function rawId(value: unknown, idKey: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const id = (value as Record<string, unknown>)[idKey];
  return typeof id === "string" && id !== "" ? id.slice(0, 200) : undefined;
}

/**
 * A JSON array whose items are parsed one by one: `{ items, problems }`. Only a value that is not
 * an array at all fails; a broken item is a problem with its index (and id, when it had one).
 */
export function listOf<T extends z.ZodMiniType>(item: T, idKey: string, field?: string) {
  return z.pipe(
    z.array(z.unknown()),
    z.transform((raw: unknown[]) => {
      const items: z.output<T>[] = [];
      const problems: ItemProblem[] = [];
      raw.forEach((value, index) => {
        const parsed = item.safeParse(value);
        if (parsed.success) {
          items.push(parsed.data as z.output<T>);
          return;
        }
        const id = rawId(value, idKey);
        problems.push({
          ...(field ? { field } : {}),
          index,
          ...(id ? { id } : {}),
          reason: issueLine(parsed.error),
        });
      });
      return { items, problems };
    }),
  );
}
