// Words the emergency kit shows in every form (terminal, --plain, --json, the printed page), so
// they say the same thing everywhere. Pure: no I/O, no clock of its own.
import type { KitMedication } from "./kit-store.js";

/** What a pharmacy can do with the kit, in plain words, one sentence each. */
export const PHARMACY_NOTE: readonly string[] = [
  "Show this list and your ID card at any pharmacy: the pharmacist can see what you take and how your plan pays.",
  "If you run out before you can get a refill, many states let a pharmacist hand out a short emergency supply of a medicine you take regularly. Ask the pharmacist whether they can.",
  "This is a copy from the day it was saved: doses and dates may have changed since.",
];

const DAY_MS = 24 * 60 * 60 * 1000;

/** "today", "yesterday", "3 days ago", "5 weeks ago": how old a saved kit is. */
export function savedAgo(savedAt: string, now: number): string {
  const days = Math.floor((now - Date.parse(savedAt)) / DAY_MS);
  if (!Number.isFinite(days) || days < 0) return "just now";
  if (days === 0) return "today";
  if (days === 1) return "yesterday";
  if (days < 14) return `${days} days ago`;
  if (days < 120) return `${Math.floor(days / 7)} weeks ago`;
  return `${Math.floor(days / 30)} months ago`;
}

/** Saved kits older than this get a stronger word of caution. */
export const OLD_KIT_DAYS = 90;

export function isOld(savedAt: string, now: number): boolean {
  return now - Date.parse(savedAt) > OLD_KIT_DAYS * DAY_MS;
}

const statusWords: Record<string, string> = {
  active: "active",
  too_soon: "active, too soon to refill",
  no_refills: "no refills left",
  expired: "expired",
};

export function statusWord(status: string): string {
  return statusWords[status] ?? status;
}

/** "30 tablets or units for 30 days": the quantity and days' supply in one phrase. */
export function supplyWords(m: KitMedication): string {
  return `quantity ${m.quantity}, ${m.daysSupply} day${m.daysSupply === 1 ? "" : "s"}' supply`;
}
