// The prescription ID card as lines for the terminal (id-card, kit): one labelled fact per line.
import type { IdCard } from "../../portal/schemas.js";
import type { Style } from "../../ui/style.js";
import { clean, dateWords } from "./shared.js";

/** The card as "Label: value" lines: one fact per line, so a screen reader reads it in order. */
export function describeCard(card: IdCard, style: Style): string[] {
  const fields: [string, string][] = [
    ["Member", clean(card.name)],
    ["Member ID", clean(card.memberId)],
    ["Plan", clean(card.plan)],
    ["Group", clean(card.group)],
    ["BIN", clean(card.bin)],
    ["PCN", clean(card.pcn)],
    ["Rx group", card.rxGroup ? clean(card.rxGroup) : "not on this card"],
    ["Issuer", clean(card.issuer)],
    ["Effective", dateWords(card.effectiveDate)],
    ["Help line", clean(card.helpPhone)],
  ];
  if (style.plain) return ["Prescription ID card", ...fields.map(([label, value]) => `${label}: ${value}`)];
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  return [
    style.color.bold("Prescription ID card"),
    ...fields.map(([label, value]) => `${style.color.bold(`${label}:`.padEnd(width))} ${value}`),
  ];
}
