// stdout is data, stderr is talk.
import type { UiContext } from "./io.js";

/** Exactly one JSON document on stdout. */
export function printJson(ctx: Pick<UiContext, "io">, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A line of the command's result, on stdout. */
export function printLine(ctx: Pick<UiContext, "io">, line = ""): void {
  ctx.io.stdout.write(`${line}\n`);
}

/** A note for the person, on stderr; never part of the data. */
export function note(ctx: Pick<UiContext, "io">, line: string): void {
  ctx.io.stderr.write(`${line}\n`);
}

// Intl formatters are costly to build (a table of 10,000 orders built one per row took seconds and
// hundreds of MiB): each is built once per time zone and kept.
const localTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** The fields of a local time as people read it, in every language: "Mon 23 Nov 2026, 14:05 UTC". */
export const LOCAL_TIME_FIELDS: Readonly<Intl.DateTimeFormatOptions> = {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
};

function localTimeFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? "";
  let format = localTimeFormats.get(key);
  if (!format) {
    // Throws RangeError for an unknown zone name; nothing is kept then.
    format = new Intl.DateTimeFormat("en-GB", { ...LOCAL_TIME_FIELDS, timeZone });
    localTimeFormats.set(key, format);
  }
  return format;
}

/**
 * Local time in a form people read, with the zone, e.g. "Mon 23 Nov 2026, 14:05 UTC". Throws
 * RangeError for an unknown `timeZone`; an invalid date reads "an unknown time".
 */
export function formatLocalTime(date: Date, timeZone?: string): string {
  const format = localTimeFormat(timeZone);
  return Number.isNaN(date.getTime()) ? "an unknown time" : format.format(date);
}

// Built on first use, not at import: the first Intl formatter loads ICU's locale data, which every
// command that imports this file (nearly all) would otherwise pay for at start-up.
let dateWordsFormat: Intl.DateTimeFormat | undefined;

/** A calendar date (YYYY-MM-DD) in words, without any time zone shifting it: "1 January 2025". */
export function formatDateWords(ymd: string): string {
  const date = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return printable(ymd);
  dateWordsFormat ??= new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  return dateWordsFormat.format(date);
}

/**
 * Text from a portal (or the command line) made safe to print on a terminal: control characters,
 * C1 controls included, become spaces, so escape sequences cannot rewrite the screen or the title
 * bar; bidirectional overrides are removed so text cannot pretend to read the other way.
 */
export function printable(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
      .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
      .replace(/[\u202a-\u202e\u2066-\u2069]/g, "")
      .trim()
  );
}

/** "2 minutes", "45 seconds", "1 hour 5 minutes". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} second${s === 1 ? "" : "s"}`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h} hour${h === 1 ? "" : "s"}${m ? ` ${m} minute${m === 1 ? "" : "s"}` : ""}`;
}
