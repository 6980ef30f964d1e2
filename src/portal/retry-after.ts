// Retry-After (RFC 9110 §10.2.3): either delta-seconds or an HTTP-date. The portal sends it on 429
// and 503; a proxy's maintenance page may send either form, so both are read here, once.
import { type Clock, systemClock } from "../clock.js";

const DELTA_SECONDS = /^\s*(-?\d+)\s*$/;
// The three HTTP-date forms RFC 9110 requires a recipient to accept. Matching them before handing
// the text to Date.parse keeps V8's very lenient parser from turning junk such as "soon 5" or
// "2024" into a date.
const IMF_FIXDATE = /^\s*[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/;
const RFC850_DATE = /^\s*[A-Za-z]+, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT\s*$/;
const ASCTIME_DATE = /^\s*[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}\s*$/;

/**
 * Seconds to wait according to a Retry-After value, relative to `clock` for the date form.
 * Junk (or no header) → undefined; a negative delta or a date in the past → 0.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  clock: Clock = systemClock,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const delta = DELTA_SECONDS.exec(value);
  if (delta) {
    const seconds = Number(delta[1]);
    return Number.isFinite(seconds) ? Math.max(0, seconds) : undefined;
  }
  let text: string;
  if (IMF_FIXDATE.test(value) || RFC850_DATE.test(value)) {
    text = value.trim();
  } else if (ASCTIME_DATE.test(value)) {
    // asctime carries no zone but means GMT; without the suffix V8 would read it as local time.
    text = `${value.trim()} GMT`;
  } else {
    return undefined;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  // Round up: waiting a fraction of a second too long is harmless, too short earns another 429.
  return Math.max(0, Math.ceil((at - clock.now()) / 1000));
}

/**
 * The wait in milliseconds that the client will honour for a Retry-After of `seconds`, or
 * undefined when the portal asks for more than `maxMs`: waiting less than asked would only earn
 * another refusal, so the caller should give up at once and pass the portal's number on.
 */
export function cappedRetryAfterMs(seconds: number, maxMs: number): number | undefined {
  const ms = seconds * 1000;
  return ms <= maxMs ? ms : undefined;
}

/** "45 seconds", "2 minutes", "3 hours": for messages such as "it asks to retry in 2 minutes". */
export function describeSeconds(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (seconds < 90) return plural(Math.max(0, Math.round(seconds)), "second");
  if (seconds < 90 * 60) return plural(Math.round(seconds / 60), "minute");
  if (seconds < 48 * 3600) return plural(Math.round(seconds / 3600), "hour");
  return plural(Math.round(seconds / 86400), "day");
}
