// The values of a portal's answers read the way the contract's prose allows (docs/portal-api.md,
// "Latitudes a portal may take"), as plain functions: the zod schemas of ./lenient.ts and the
// quick readers of ./quick-read.ts both call these, so the two read every value alike. No zod
// here, so that a run whose answers the quick readers take builds no schema.
import { daysInMonth } from "../dates.js";

// ---------------------------------------------------------------------------------------------
// Times and dates
// ---------------------------------------------------------------------------------------------

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

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
 * A time the portal sent, read leniently: as sent when `Date.parse` reads it to the same instant,
 * else in one form (`toISOString()`: UTC, to the millisecond), so that `Date.parse`, sorting and
 * formatting downstream never meet a form they misread (`:60`, a space, odd fractions). Undefined
 * when it is no RFC 3339 date-time.
 */
export function readTimestamp(text: string): string | undefined {
  const ms = parseRfc3339(text);
  if (ms === undefined) return undefined;
  return Date.parse(text) === ms ? text : new Date(ms).toISOString();
}

/** A count or amount sent as text ("90", " 2.5 "), which reads as that number. */
export const COUNT_TEXT = /^\s*\d+(\.\d+)?\s*$/;

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

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
