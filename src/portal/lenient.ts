// Building blocks for reading a portal's answers as leniently as the contract's prose allows
// (docs/portal-api.md, "Latitudes a portal may take"). The canonical schemas in ./schemas.ts say
// what a portal should send; these say what rxportal accepts without refusing the answer:
// - times in every form RFC 3339 permits, normalised to one UTC form everything downstream parses;
// - optional fields absent or null (null reads as absent);
// - enums open: a value rxportal does not know is kept as sent, for the display to word neutrally;
// - lists read item by item: an unusable item becomes a problem, the others are kept.
import * as z from "zod/mini";
import "../zod-messages.js";

// zod/mini: the client's schemas are built on every portal command's start, and mini's schemas
// are far cheaper to build and load than classic zod's (`npm run bench` measures the commands).

// ---------------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------------

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; setUTCFullYear keeps years 0-99 as given.
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/**
 * An RFC 3339 date-time (section 5.6) as milliseconds since the epoch, or undefined when it is not
 * one. Accepts `T`/`t` or a space between date and time (the RFC's own note allows the space),
 * `Z`/`z` or any offset (`-00:00` included), fractional seconds of any length (read to the
 * millisecond), and the leap second `:60`, read as the last millisecond of that minute so that
 * 23:59:60 stays on its day.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second === 60 ? 59 : second, second === 60 ? 999 : fraction);
  const ms = d.getTime() - offsetMinutes * 60_000;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * A time the portal sent, read leniently. It is handed on as sent when `Date.parse` reads it to the
 * same instant, else in one form (`toISOString()`: UTC, to the millisecond), so that `Date.parse`,
 * sorting and formatting downstream never meet a form they misread (`:60`, a space, odd fractions).
 */
export const ReadTimestampSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const ms = parseRfc3339(text);
    if (ms === undefined) {
      ctx.issues.push({ code: "custom", message: "not an RFC 3339 date-time", input: text });
      return z.NEVER;
    }
    return Date.parse(text) === ms ? text : new Date(ms).toISOString();
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

/**
 * Text from the portal with what could drive a terminal taken out: each run of control characters
 * (C0 and C1: escape sequences, bells, carriage returns) becomes one space, and bidirectional
 * overrides are dropped. Portal text reaches terminals through many commands; cleaning it where it
 * is read means no display can forget to. Ids are not cleaned (they are sent back as they came).
 */
export function safeText(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
      .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
      .replace(/[\u202a-\u202e\u2066-\u2069]/g, "")
  );
}

/** A free-text field (name, drug, hint, message): any string, made terminal-safe. */
export const ReadTextSchema = z.pipe(z.string(), z.transform(safeText));

/** An id: opaque, any non-empty string (unicode, slashes and spaces included). */
export const ReadIdSchema = z.string().check(z.minLength(1, "an empty id"));

/** A count or amount the prose gives no type for: a finite number >= 0, or such a number as a string. */
export const ReadCountSchema = z.union([
  z.number().check(z.gte(0)),
  z.pipe(z.string().check(z.regex(/^\s*\d+(\.\d+)?\s*$/, "a number")), z.transform(Number)),
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
