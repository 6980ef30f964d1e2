// Words every area's catalog needs: a moment in local time and a length of time, in the member's
// language. English is src/ui/output.ts's formatLocalTime and formatDuration, unchanged.

import { formatDuration, formatLocalTime, LOCAL_TIME_FIELDS } from "../../ui/output.js";
import { dateFormat, plural } from "../catalog.js";
import type { Lang } from "../lang.js";

/** "Mon 23 Nov 2026, 14:05 UTC" / "lun, 23 nov 2026, 14:05 UTC", in the computer's time zone. */
export function formatTime(lang: Lang, date: Date, timeZone?: string): string {
  if (lang === "en") return formatLocalTime(date, timeZone);
  if (Number.isNaN(date.getTime())) return "una hora desconocida";
  return dateFormat(lang, { ...LOCAL_TIME_FIELDS, timeZone, hourCycle: "h23" }).format(date);
}

const UNITS_ES = { s: ["segundo", "segundos"], m: ["minuto", "minutos"], h: ["hora", "horas"] } as const;

function count(lang: Lang, n: number, unit: "s" | "m" | "h"): string {
  const [one, other] = UNITS_ES[unit];
  return `${n} ${plural(lang, n, { one, other })}`;
}

/** "2 minutes", "45 seconds", "1 hour 5 minutes" / "2 minutos", "45 segundos", "1 hora 5 minutos". */
export function formatSpan(lang: Lang, seconds: number): string {
  if (lang === "en") return formatDuration(seconds);
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return count(lang, s, "s");
  const minutes = Math.round(s / 60);
  if (minutes < 60) return count(lang, minutes, "m");
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${count(lang, h, "h")}${m ? ` ${count(lang, m, "m")}` : ""}`;
}
