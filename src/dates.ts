// Calendar dates and date-times as text, checked without zod (a leaf: it imports nothing). The
// portal's answers (src/portal/read-values.ts) and rxportal's own state files (src/state/shapes.ts)
// use these; each is held to the zod check it stands for by a property test (dates.test.ts).

/** The days in a month (1-12) of a proleptic Gregorian year, as `Date` counts them. */
export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; setUTCFullYear keeps years 0-99 as given.
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date, yyyy-mm-dd, that exists (no 31 April, 29 February in leap years only): `z.iso.date()`. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * A date-time as rxportal writes them: a date that exists, `T`, hh:mm:ss with any fraction, then
 * `Z` or an offset: `z.iso.datetime({ offset: true })`.
 */
export function isIsoDateTime(text: string): boolean {
  const m = ISO_DATE_TIME.exec(text);
  return m !== null && isIsoDate(m[1] as string);
}
