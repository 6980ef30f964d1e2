// stdout is data, stderr is talk (shared/STYLE.md).
import type { AppContext } from "../context.js";

/** Exactly one JSON document on stdout. */
export function printJson(ctx: AppContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A line of the command's result, on stdout. */
export function printLine(ctx: AppContext, line = ""): void {
  ctx.io.stdout.write(`${line}\n`);
}

/** A note for the person, on stderr; never part of the data. */
export function note(ctx: AppContext, line: string): void {
  ctx.io.stderr.write(`${line}\n`);
}

/** Local time in a form people read, with the zone, e.g. "Mon 23 Nov 2026, 14:05 UTC". */
export function formatLocalTime(date: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone,
  }).format(date);
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
