// The emergency kit as one printable page: a self-contained HTML file (inline CSS with print
// rules, no scripts, no images, no external URL of any kind), for a member to print or carry on a
// phone. Every text from the portal is escaped, and control characters are dropped, so a drug name
// can never become markup.
import { printable } from "../ui/output.js";
import type { SavedKit } from "./kit-store.js";
import { PHARMACY_NOTE, statusWord } from "./kit-words.js";

/** Text made safe inside an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export interface KitHtmlOptions {
  /** When it was saved, in the reader's words and zone, e.g. "Mon 23 Nov 2026, 14:05 UTC (3 days ago)". */
  savedWords: string;
  /** A calendar date in words: "1 January 2025". */
  dateWords: (ymd: string) => string;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 12pt;
  line-height: 1.45; color: #111; background: #fff; margin: 0 auto; max-width: 54rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; border-bottom: 2px solid #333; padding-bottom: .2rem; }
p.saved { margin: 0 0 1rem; font-weight: 600; }
.note { border: 2px solid #333; border-radius: .4rem; padding: .6rem 1rem; margin: 1rem 0; }
.note p { margin: .3rem 0; }
dl.card { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: 0; }
dl.card dt { font-weight: 600; }
dl.card dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .4rem; border: 1px solid #666; }
th { background: #eee; }
caption { text-align: left; font-weight: 600; margin-bottom: .3rem; }
table { font-size: .92rem; }
th, td { overflow-wrap: break-word; }
th .rx { display: block; font-weight: 400; font-size: .85rem; }
footer { margin-top: 1.5rem; font-size: .9rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  @page { margin: 1.5cm; }
  h2 { break-after: avoid; }
  tr, .note, dl.card { break-inside: avoid; }
  th { background: #fff; }
}
`;

export function kitHtml(kit: SavedKit, opts: KitHtmlOptions): string {
  const e = escapeHtml;
  const c = kit.card;
  const cardRows: [string, string][] = [
    ["Member", c.name],
    ["Member ID", c.memberId],
    ["Plan", c.plan],
    ["Group", c.group],
    ["BIN", c.bin],
    ["PCN", c.pcn],
    ["Rx group", c.rxGroup ?? "not on this card"],
    ["Issuer", c.issuer],
    ["Effective", opts.dateWords(c.effectiveDate)],
    ["Help line", c.helpPhone],
  ];
  const showPrescriber = kit.medications.some((m) => m.prescriber);
  const showPharmacy = kit.medications.some((m) => m.pharmacy);
  const head = [
    "Medicine",
    "Strength",
    "Supply",
    ...(showPrescriber ? ["Prescriber"] : []),
    ...(showPharmacy ? ["Pharmacy"] : []),
    "Last filled",
    "Next refill from",
    "Status",
  ];
  const when = (ymd: string | undefined) => (ymd ? e(opts.dateWords(ymd)) : "not known");
  const rows = kit.medications.map((m) =>
    [
      `<th scope="row">${e(m.drug)}<span class="rx">Rx ${e(m.rxId)}</span></th>`,
      `<td>${e(m.strength)}</td>`,
      `<td>${m.quantity} for ${m.daysSupply} day${m.daysSupply === 1 ? "" : "s"}</td>`,
      ...(showPrescriber ? [`<td>${m.prescriber ? e(m.prescriber) : "not given"}</td>`] : []),
      ...(showPharmacy ? [`<td>${m.pharmacy ? e(m.pharmacy) : "not given"}</td>`] : []),
      `<td>${when(m.lastFilled)}</td>`,
      `<td>${when(m.nextEligibleDate)}</td>`,
      `<td>${e(statusWord(m.status))}</td>`,
    ].join(""),
  );
  const table = rows.length
    ? `<table>
<caption>Medicines on file for ${e(c.name)}</caption>
<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${r}</tr>`).join("\n")}
</tbody>
</table>`
    : `<p>No prescriptions were on file when this kit was saved.</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Emergency medicine kit: ${e(c.name)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>Emergency medicine kit</h1>
<p class="saved">Saved ${e(opts.savedWords)}. It may be out of date.</p>
<section class="note" aria-label="What a pharmacy can do with this">
${PHARMACY_NOTE.map((line) => `<p>${e(line)}</p>`).join("\n")}
</section>
<h2>Prescription ID card</h2>
<dl class="card">
${cardRows.map(([label, value]) => `<dt>${label}</dt><dd>${e(value)}</dd>`).join("\n")}
</dl>
<h2>Medicines</h2>
${table}
<footer><p>Health information: keep this page private. Made by rxportal from the member portal's data.</p></footer>
</main>
</body>
</html>
`;
}
